import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { Chart } from "../../ui/Chart";
import { ErrorBanner } from "../../ui/ErrorBanner";
import { Field } from "../../ui/Field";

/** GET /api/v1/rooms items (the seed's fields). */
interface Room {
  room_id: string;
  title: string;
  created_at: string;
  updated_at: string;
}

/** A message: a question, or an answer citing the route and parameters it ran, with its chart. */
interface Message {
  message_id: string;
  room_id: string;
  message_type: "user" | "bot";
  content: string;
  intent: string | null;
  query: { route: string; parameters: Record<string, unknown> } | null;
  chart_data: unknown;
  timestamp: string;
}

interface Page<T> {
  items: T[];
  pagination: { total: number };
}

const MESSAGES_SHOWN = 200;

/** The answer's own words, then what it cites and its chart (drawn by the API, like every chart). */
function MessageView({ message }: { message: Message }) {
  const bot = message.message_type === "bot";
  // The answer ends with its "Source: …" line; the citation below shows it in full.
  const words = bot ? message.content.replace(/\n?Source: [^\n]*$/, "") : message.content;
  return (
    <li class={bot ? "message answer" : "message question"}>
      <span class="who">{bot ? "Answer" : "You"}</span>
      <p class="message-text">{words}</p>
      {message.query && (
        <div class="citation">
          Source ({message.intent ?? "calculation"}): <code>{message.query.route}</code>
          <details>
            <summary>Parameters</summary>
            <pre>{JSON.stringify(message.query.parameters, null, 2)}</pre>
          </details>
        </div>
      )}
      {message.chart_data !== null && message.chart_data !== undefined && (
        <Chart
          path={`/v1/rooms/${message.room_id}/messages/${message.message_id}/chart`}
          label={`Chart of the answer to “${message.content.slice(0, 40)}…”`}
        />
      )}
    </li>
  );
}

/** Chat rooms (seed 003): questions answered by the platform's own analyses, each citing its calculation. */
export function ChatPage() {
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [room, setRoom] = useState<Room | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [title, setTitle] = useState("");
  const [newTitle, setNewTitle] = useState("");
  const [question, setQuestion] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const loadRooms = () =>
    api<Page<Room>>("/v1/rooms?pageSize=50").then(
      (p) => setRooms(p.items),
      (err: unknown) => setError(err),
    );
  useEffect(() => void loadRooms(), []);

  async function open(next: Room) {
    setRoom(next);
    setNewTitle(next.title);
    setMessages([]);
    setError(null);
    setBusy("Loading messages…");
    try {
      setMessages((await api<Page<Message>>(`/v1/rooms/${next.room_id}/messages?pageSize=${MESSAGES_SHOWN}`)).items);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function create(e: Event) {
    e.preventDefault();
    setError(null);
    try {
      const created = await api<Room>("/v1/rooms", { body: title.trim() ? { title: title.trim() } : {} });
      setTitle("");
      await loadRooms();
      await open(created);
    } catch (err) {
      setError(err);
    }
  }

  async function rename(e: Event) {
    e.preventDefault();
    if (!room || !newTitle.trim()) return;
    setError(null);
    try {
      const renamed = await api<Room>(`/v1/rooms/${room.room_id}`, { method: "PUT", body: { title: newTitle.trim() } });
      setRoom(renamed);
      setNewTitle(renamed.title);
      await loadRooms();
    } catch (err) {
      setError(err);
    }
  }

  async function remove() {
    if (!room) return;
    // Deleting takes the room's messages with it and cannot be undone: ask first.
    if (!confirm(`Delete the room “${room.title}” and all its messages?`)) return;
    setError(null);
    try {
      await api(`/v1/rooms/${room.room_id}`, { method: "DELETE" });
      setRoom(null);
      setMessages([]);
      await loadRooms();
    } catch (err) {
      setError(err);
    }
  }

  async function ask(e: Event) {
    e.preventDefault();
    if (!room || !question.trim()) return;
    setError(null);
    setBusy("Working out the answer…");
    try {
      const answer = await api<{ question: Message; answer: Message }>(`/v1/chat/${room.room_id}`, {
        body: { message: question.trim() },
      });
      setMessages([...messages, answer.question, answer.answer]);
      setQuestion("");
      void loadRooms();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="chat">
      <h1>Chat</h1>
      <ErrorBanner error={error} />
      <div class="chat-layout">
        <div class="chat-rooms">
          <h2>Rooms</h2>
          <form onSubmit={(e) => void create(e)} aria-label="New room">
            <Field name="roomTitle" label="New room title (optional)" value={title} onInput={setTitle} />
            <button type="submit">Create room</button>
          </form>
          {rooms === null && !error && <p role="status">Loading rooms…</p>}
          {rooms?.length === 0 && <p>No rooms yet: create one to ask a question.</p>}
          <ul aria-label="Your rooms">
            {rooms?.map((r) => (
              <li key={r.room_id}>
                <button
                  type="button"
                  class="link"
                  aria-current={room?.room_id === r.room_id ? "true" : undefined}
                  onClick={() => void open(r)}
                >
                  {r.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div class="chat-room">
          {!room && <p>Choose or create a room.</p>}
          {room && (
            <>
              <h2>{room.title}</h2>
              <div class="room-actions">
                <form onSubmit={(e) => void rename(e)} aria-label="Rename room">
                  <Field name="renameTitle" label="Room title" value={newTitle} onInput={setNewTitle} required />
                  <button type="submit" disabled={!newTitle.trim() || newTitle.trim() === room.title}>
                    Rename
                  </button>
                </form>
                <button type="button" class="danger" onClick={() => void remove()}>
                  Delete room
                </button>
              </div>
              <ol class="messages" aria-label="Messages" aria-live="polite">
                {messages.map((m) => (
                  <MessageView key={m.message_id} message={m} />
                ))}
              </ol>
              {busy && <p role="status">{busy}</p>}
              <form onSubmit={(e) => void ask(e)} aria-label="Ask a question">
                <div class="field">
                  <label for="question">Question</label>
                  <textarea
                    id="question"
                    name="question"
                    rows={3}
                    maxLength={2000}
                    required
                    value={question}
                    placeholder="What drove the increase in travel in March?"
                    onInput={(e) => setQuestion(e.currentTarget.value)}
                  />
                </div>
                <button type="submit" disabled={busy !== null}>
                  Ask
                </button>
              </form>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
