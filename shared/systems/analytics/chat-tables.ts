/** A user's chat room (the seed's `chat_rooms`): the owner is the signed-in user. */
export interface ChatRoomsTable {
  room_id: string;
  user_id: string;
  title: string;
  /** The last answered question's intent and parameters (JSON), for follow-ups. */
  context_json: string | null;
  created_at: string;
  updated_at: string;
}

/** One message of a room (the seed's `chat_messages`); `seq` orders them within the room. */
export interface ChatMessagesTable {
  message_id: string;
  room_id: string;
  seq: number;
  message_type: "user" | "bot";
  content: string;
  intent: string | null;
  /** The calculation the answer ran (route and parameters), JSON. */
  query_json: string | null;
  chart_json: string | null;
  summary_json: string | null;
  timestamp: string;
}

export interface ChatTables {
  chat_rooms: ChatRoomsTable;
  chat_messages: ChatMessagesTable;
}
