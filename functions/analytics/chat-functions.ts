import { z } from "zod";
import type { ChatCaller } from "../../shared/index.js";
import type { HttpContext } from "../runtime/declarations.js";
import { httpFunction } from "../runtime/declarations.js";
import { paging } from "../runtime/pagination.js";
import { text } from "../runtime/schemas.js";
import { renderingShape, rendered } from "./chart-functions.js";

/** Analysts, finance and admins chat; viewers read dashboards only (#20 §7). */
const CHAT_ROLES = ["admin", "finance", "analyst"] as const;
const paged = paging("camelCase", { default: 50, max: 200 });

const roomRef = z.object({ roomId: z.uuid() });
const roomView = z.object({ room_id: z.string(), title: z.string(), created_at: z.string(), updated_at: z.string() });
const messageView = z.object({
  message_id: z.string(),
  room_id: z.string(),
  message_type: z.enum(["user", "bot"]),
  content: z.string(),
  intent: z.string().nullable(),
  query: z.object({ route: z.string(), parameters: z.record(z.string(), z.unknown()) }).nullable(),
  chart_data: z.unknown(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  timestamp: z.string(),
});

function chatCaller(ctx: Pick<HttpContext, "principal">): ChatCaller {
  return { userId: ctx.principal!.userId, roles: ctx.principal!.roles };
}

export const roomsList = httpFunction({
  name: "chat-rooms-list",
  route: "v1/rooms",
  method: "GET",
  summary: "The caller's chat rooms, most recently used first; paginated",
  tags: ["analytics"],
  access: { roles: CHAT_ROLES },
  query: paged.query,
  response: z.object({ items: z.array(roomView), pagination: paged.view }),
  handler: async ({ query }, ctx) => {
    const { items, total } = await ctx.platform.analytics.chat.listRooms(chatCaller(ctx), query.page, query.pageSize);
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const roomsCreate = httpFunction({
  name: "chat-rooms-create",
  route: "v1/rooms",
  method: "POST",
  summary: "Open a chat room (titled after its first question unless given a title)",
  tags: ["analytics"],
  access: { roles: CHAT_ROLES },
  body: z.strictObject({ title: text({ max: 200 }).optional() }),
  response: roomView,
  successStatus: 201,
  handler: async ({ body }, ctx) => ({
    data: await ctx.platform.analytics.chat.createRoom(chatCaller(ctx), body.title),
  }),
});

export const roomsGet = httpFunction({
  name: "chat-rooms-get",
  route: "v1/rooms/{roomId}",
  method: "GET",
  summary: "One of the caller's chat rooms (another user's room is 404)",
  tags: ["analytics"],
  access: { roles: CHAT_ROLES },
  params: roomRef,
  response: roomView,
  errors: [404],
  handler: async ({ params }, ctx) => ({
    data: await ctx.platform.analytics.chat.getRoom(chatCaller(ctx), params.roomId),
  }),
});

export const roomsUpdate = httpFunction({
  name: "chat-rooms-update",
  route: "v1/rooms/{roomId}",
  method: "PUT",
  summary: "Rename a chat room",
  tags: ["analytics"],
  access: { roles: CHAT_ROLES },
  params: roomRef,
  body: z.strictObject({ title: text({ max: 200 }) }),
  response: roomView,
  errors: [404],
  handler: async ({ params, body }, ctx) => ({
    data: await ctx.platform.analytics.chat.renameRoom(chatCaller(ctx), params.roomId, body.title),
  }),
});

export const roomsDelete = httpFunction({
  name: "chat-rooms-delete",
  route: "v1/rooms/{roomId}",
  method: "DELETE",
  summary: "Delete a chat room and its messages",
  tags: ["analytics"],
  access: { roles: CHAT_ROLES },
  params: roomRef,
  response: z.object({ deleted: z.literal(true) }),
  errors: [404],
  handler: async ({ params }, ctx) => {
    await ctx.platform.analytics.chat.deleteRoom(chatCaller(ctx), params.roomId);
    return { data: { deleted: true as const } };
  },
});

export const roomMessagesList = httpFunction({
  name: "chat-messages-list",
  route: "v1/rooms/{roomId}/messages",
  method: "GET",
  summary: "A room's messages, oldest first, with each answer's calculation and chart; paginated",
  tags: ["analytics"],
  access: { roles: CHAT_ROLES },
  params: roomRef,
  query: paged.query,
  response: z.object({ items: z.array(messageView), pagination: paged.view }),
  errors: [404],
  handler: async ({ params, query }, ctx) => {
    const { items, total } = await ctx.platform.analytics.chat.messages(
      chatCaller(ctx),
      params.roomId,
      query.page,
      query.pageSize,
    );
    return { data: paged.pageOf(items, { page: query.page, pageSize: query.pageSize, total }) };
  },
});

export const roomMessageChart = httpFunction({
  name: "chat-message-chart",
  route: "v1/rooms/{roomId}/messages/{messageId}/chart",
  method: "GET",
  summary:
    "The chart of an answer as the chart routes draw it: the Plotly figure, or with `format=svg` the ECharts SVG (404 when the answer has none)",
  tags: ["analytics", "charts"],
  access: { roles: CHAT_ROLES },
  params: roomRef.extend({ messageId: z.uuid() }),
  query: z.object(renderingShape),
  response: z
    .object({ data: z.array(z.record(z.string(), z.unknown())), layout: z.record(z.string(), z.unknown()) })
    .describe("A Plotly figure; with format=svg the same chart as image/svg+xml"),
  errors: [404],
  handler: async ({ params, query }, ctx) => {
    const spec = await ctx.platform.analytics.chat.messageChart(chatCaller(ctx), params.roomId, params.messageId);
    return rendered(ctx.platform, spec, query);
  },
});

export const roomMessagesClear = httpFunction({
  name: "chat-messages-clear",
  route: "v1/rooms/{roomId}/messages",
  method: "DELETE",
  summary: "Clear a room's messages and its follow-up context",
  tags: ["analytics"],
  access: { roles: CHAT_ROLES },
  params: roomRef,
  response: z.object({ deleted: z.number().int() }),
  errors: [404],
  handler: async ({ params }, ctx) => ({
    data: await ctx.platform.analytics.chat.clearMessages(chatCaller(ctx), params.roomId),
  }),
});

export const chatAsk = httpFunction({
  name: "chat-ask",
  route: "v1/chat/{roomId}",
  method: "POST",
  summary:
    "Ask a question in a room: classified into an intent, answered by the platform's own analysis, citing the route and parameters it ran, with its chart",
  tags: ["analytics"],
  access: { roles: CHAT_ROLES },
  params: roomRef,
  body: z.strictObject({ message: text({ max: 2000 }) }),
  response: z.object({ question: messageView, answer: messageView }),
  errors: [404],
  handler: async ({ params, body }, ctx) => ({
    data: await ctx.platform.analytics.chat.ask(chatCaller(ctx), params.roomId, body.message),
  }),
});
