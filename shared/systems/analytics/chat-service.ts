import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { ChartSpec } from "../../foundation/charts/index.js";
import type { Logger } from "../../foundation/logger.js";
import { NotFoundError } from "../../kernel/errors.js";
import type { Role } from "../../kernel/roles.js";
import type { Clock } from "../../ports/clock.js";
import type { LanguageModel } from "../../ports/language-model.js";
import { strayNumbers } from "./chat-grounding.js";
import { classify, INTENTS, type Classification, type Intent, type Vocabulary } from "./chat-intents.js";
import { ChatRepository, type MessageRow, type RoomRow } from "./chat-repository.js";
import type { ChatTables } from "./chat-tables.js";

/** Who asks: rooms belong to one user; calculations run with that user's roles. */
export interface ChatCaller {
  readonly userId: string;
  readonly roles: readonly Role[];
}

/** What a calculation answered: the route and parameters it ran, so the answer can cite them. */
export interface ChatCalculation {
  /** The API route that gives the same numbers, e.g. `POST /api/v1/rca/analyze`. */
  readonly route: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The answer in plain words; every number in it comes from the calculation. */
  readonly answer: string;
  /** A Plotly figure of the result, when one fits. */
  readonly chart?: unknown;
  /** The spec the figure was made from: kept so the chart can also be drawn as the API's SVG. */
  readonly chartSpec?: ChartSpec;
  readonly summary: Readonly<Record<string, unknown>>;
}

/** Runs the analysis a classified question asks for (never free-form SQL). */
export type ChatCalculator = (
  question: Classification,
  caller: ChatCaller,
  vocabulary: Vocabulary,
) => Promise<ChatCalculation>;

export interface RoomView {
  readonly room_id: string;
  readonly title: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface MessageView {
  readonly message_id: string;
  readonly room_id: string;
  readonly message_type: "user" | "bot";
  readonly content: string;
  readonly intent: string | null;
  readonly query: { readonly route: string; readonly parameters: Record<string, unknown> } | null;
  readonly chart_data: unknown;
  readonly summary: Record<string, unknown> | null;
  readonly timestamp: string;
}

export interface ChatServiceDeps {
  readonly db: Kysely<ChatTables>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly calculate: ChatCalculator;
  readonly vocabulary: () => Promise<Vocabulary>;
  /** The optional language model; without it the chat runs on its rules alone. */
  readonly model: LanguageModel | undefined;
}

const DEFAULT_TITLE = "New chat";

const HELP_ANSWER = [
  "I answer questions about the finance expense data with the platform's own analyses:",
  '- a summary or breakdown ("total spend by cost center in Q1"),',
  '- trends ("how did IT spending evolve this year?"),',
  '- anomalies ("any unusual travel postings over 10k?"),',
  '- root causes ("what drove the increase in travel in March?"),',
  '- charts ("show a heatmap of cost centers").',
  'Follow-ups keep the context: "and for Q2?".',
].join("\n");

/** The stored room context: the last classification, re-validated when read back. */
const storedContext = z.object({
  intent: z.enum(INTENTS),
  confidence: z.number(),
  parameters: z.record(z.string(), z.unknown()),
  cues: z.array(z.string()),
  followUp: z.boolean(),
});

/**
 * Chat rooms per user and grounded answers: a question is classified by rules (a language
 * model only where the rules find no intent), answered by a tested calculation, and cites
 * it. The model may rephrase an answer, but a phrasing with a number the calculation did
 * not produce is replaced by the calculation's own words.
 */
export class ChatService {
  readonly #rows: ChatRepository;
  readonly #deps: ChatServiceDeps;

  constructor(deps: ChatServiceDeps) {
    this.#deps = deps;
    this.#rows = new ChatRepository(deps.db);
  }

  async createRoom(caller: ChatCaller, title: string | undefined): Promise<RoomView> {
    const now = this.#now();
    const row: RoomRow = {
      room_id: randomUUID(),
      user_id: caller.userId,
      title: title ?? DEFAULT_TITLE,
      context_json: null,
      created_at: now,
      updated_at: now,
    };
    await this.#rows.insertRoom(row);
    return roomView(row);
  }

  async listRooms(caller: ChatCaller, page: number, pageSize: number) {
    const { rows, total } = await this.#rows.pageRooms(caller.userId, page, pageSize);
    return { items: rows.map(roomView), total };
  }

  async getRoom(caller: ChatCaller, roomId: string): Promise<RoomView> {
    return roomView(await this.#room(caller, roomId));
  }

  async renameRoom(caller: ChatCaller, roomId: string, title: string): Promise<RoomView> {
    if (!(await this.#rows.updateRoom(caller.userId, roomId, { title, updated_at: this.#now() }))) {
      throw new NotFoundError("Chat room", roomId);
    }
    return this.getRoom(caller, roomId);
  }

  async deleteRoom(caller: ChatCaller, roomId: string): Promise<void> {
    if (!(await this.#rows.deleteRoom(caller.userId, roomId))) throw new NotFoundError("Chat room", roomId);
  }

  async messages(caller: ChatCaller, roomId: string, page: number, pageSize: number) {
    await this.#room(caller, roomId);
    const { rows, total } = await this.#rows.pageMessages(roomId, page, pageSize);
    return { items: rows.map(messageView), total };
  }

  /** Clears the messages and the follow-up context; the room stays. */
  async clearMessages(caller: ChatCaller, roomId: string): Promise<{ deleted: number }> {
    await this.#room(caller, roomId);
    const deleted = await this.#rows.clearMessages(roomId);
    await this.#rows.updateRoom(caller.userId, roomId, { context_json: null, updated_at: this.#now() });
    return { deleted };
  }

  async ask(
    caller: ChatCaller,
    roomId: string,
    question: string,
  ): Promise<{ question: MessageView; answer: MessageView }> {
    const room = await this.#room(caller, roomId);
    const asked = this.#now();
    const vocabulary = await this.#deps.vocabulary();
    const classification = await this.#classify(question, vocabulary, contextOf(room));
    const calculation =
      classification.intent === "help" ? undefined : await this.#deps.calculate(classification, caller, vocabulary);
    const phrased = calculation ? await this.#phrase(question, calculation.answer) : undefined;
    const content = calculation
      ? `${phrased?.text ?? calculation.answer}\n\nSource: ${calculation.route} ${JSON.stringify(calculation.parameters)}`
      : HELP_ANSWER;

    const userMessage: MessageRow = {
      message_id: randomUUID(),
      room_id: roomId,
      seq: 0,
      message_type: "user",
      content: question,
      intent: classification.intent,
      query_json: null,
      chart_json: null,
      summary_json: null,
      timestamp: asked,
    };
    const botMessage: MessageRow = {
      message_id: randomUUID(),
      room_id: roomId,
      seq: 0,
      message_type: "bot",
      content,
      intent: classification.intent,
      query_json: calculation ? JSON.stringify({ route: calculation.route, parameters: calculation.parameters }) : null,
      chart_json: calculation?.chart !== undefined ? storeChart(calculation.chart, calculation.chartSpec) : null,
      summary_json: JSON.stringify({
        ...(calculation?.summary ?? {}),
        classification: {
          intent: classification.intent,
          confidence: classification.confidence,
          cues: classification.cues,
          followUp: classification.followUp,
          parameters: classification.parameters,
        },
        phrasing: phrased?.how ?? "rules",
      }),
      timestamp: this.#now(),
    };
    const { seq: _q, ...userInsert } = userMessage;
    const { seq: _b, ...botInsert } = botMessage;
    await this.#rows.appendMessages(roomId, [userInsert, botInsert]);
    await this.#rows.updateRoom(caller.userId, roomId, {
      context_json: calculation ? JSON.stringify(classification) : room.context_json,
      ...(room.title === DEFAULT_TITLE ? { title: titleFrom(question) } : {}),
      updated_at: botMessage.timestamp,
    });
    return { question: messageView(userMessage), answer: messageView(botMessage) };
  }

  async #classify(
    question: string,
    vocabulary: Vocabulary,
    context: Classification | undefined,
  ): Promise<Classification> {
    const classification = classify(question, vocabulary, context);
    const model = this.#deps.model;
    if (classification.confidence >= 0.5 || !model) return classification;
    const intent = await this.#askModelForIntent(model, question);
    return intent ? { ...classification, intent, confidence: 0.5, cues: ["language model"] } : classification;
  }

  /** The model may name an intent the rules could not; anything else it says is ignored. */
  async #askModelForIntent(model: LanguageModel, question: string): Promise<Intent | undefined> {
    try {
      const reply = await model.complete(
        [
          {
            role: "system",
            content: `Classify a finance analyst's question into exactly one of: ${INTENTS.join(", ")}. Reply with that one word only.`,
          },
          { role: "user", content: question },
        ],
        { maxTokens: 5 },
      );
      const word = reply
        .trim()
        .toLowerCase()
        .replace(/[^a-z]/g, "");
      return (INTENTS as readonly string[]).includes(word) ? (word as Intent) : undefined;
    } catch (error) {
      this.#deps.logger.warn("chat: the language model did not classify; answering on the rules", {
        error: (error as Error).message,
      });
      return undefined;
    }
  }

  async #phrase(question: string, answer: string): Promise<{ text: string; how: string } | undefined> {
    const model = this.#deps.model;
    if (!model) return undefined;
    try {
      const text = (
        await model.complete([
          {
            role: "system",
            content:
              "Rephrase the analysis result for a finance user in at most three sentences. Use only the numbers in the result, written exactly as given. Do not add facts.",
          },
          { role: "user", content: `Question: ${question}\nResult: ${answer}` },
        ])
      ).trim();
      if (!text) return undefined;
      const stray = strayNumbers(text, [answer, question]);
      if (stray.length > 0) {
        this.#deps.logger.warn("chat: the language model's phrasing cited numbers not in the calculation", { stray });
        return { text: answer, how: "rules (the language model cited numbers not from the calculation)" };
      }
      return { text, how: "language model" };
    } catch (error) {
      this.#deps.logger.warn("chat: the language model did not phrase the answer", {
        error: (error as Error).message,
      });
      return undefined;
    }
  }

  /** The chart of one of the caller's answers, as its spec (drawn as SVG or Plotly by the chart routes' code). */
  async messageChart(caller: ChatCaller, roomId: string, messageId: string): Promise<ChartSpec> {
    await this.#room(caller, roomId);
    const row = await this.#rows.findMessage(roomId, messageId);
    const spec = row?.chart_json ? storedChart(row.chart_json).spec : undefined;
    if (!spec) throw new NotFoundError("Chart of chat message", messageId);
    return spec;
  }

  async #room(caller: ChatCaller, roomId: string): Promise<RoomRow> {
    const room = await this.#rows.findRoom(caller.userId, roomId);
    if (!room) throw new NotFoundError("Chat room", roomId);
    return room;
  }

  #now(): string {
    return this.#deps.clock.now().toISOString();
  }
}

function contextOf(room: RoomRow): Classification | undefined {
  if (!room.context_json) return undefined;
  try {
    const parsed = storedContext.safeParse(JSON.parse(room.context_json));
    return parsed.success ? (parsed.data as unknown as Classification) : undefined;
  } catch {
    return undefined;
  }
}

function titleFrom(question: string): string {
  const oneLine = question.replace(/\s+/g, " ").trim();
  return oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
}

function roomView(row: RoomRow): RoomView {
  return { room_id: row.room_id, title: row.title, created_at: row.created_at, updated_at: row.updated_at };
}

/**
 * chart_json holds `{figure, spec}`; answers stored before the spec was kept hold the bare
 * Plotly figure (`{data, layout}`), which still shows as chart_data but has no picture.
 */
function storeChart(figure: unknown, spec: ChartSpec | undefined): string {
  return JSON.stringify(spec ? { figure, spec } : figure);
}

function storedChart(json: string): { figure: unknown; spec?: ChartSpec } {
  const parsed = JSON.parse(json) as { figure?: unknown; spec?: ChartSpec };
  return parsed.spec && parsed.figure ? { figure: parsed.figure, spec: parsed.spec } : { figure: parsed };
}

function messageView(row: MessageRow): MessageView {
  return {
    message_id: row.message_id,
    room_id: row.room_id,
    message_type: row.message_type,
    content: row.content,
    intent: row.intent,
    query: row.query_json ? (JSON.parse(row.query_json) as MessageView["query"]) : null,
    chart_data: row.chart_json ? storedChart(row.chart_json).figure : null,
    summary: row.summary_json ? (JSON.parse(row.summary_json) as Record<string, unknown>) : null,
    timestamp: row.timestamp,
  };
}
