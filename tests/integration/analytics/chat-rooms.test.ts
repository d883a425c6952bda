import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let analyst: string;
let otherAnalyst: string;
let viewer: string;

describe("chat rooms through HTTP on the local host", () => {
  before(async () => {
    host = await startTestHost(
      {
        ENABLED_SYSTEMS: "identity,budgets,analytics",
        ANALYTICS_SEED_ROWS: "0",
        RATE_LIMIT_PER_MINUTE: "100000",
        RATE_LIMIT_BURST: "10000",
      },
      { timers: false },
    );
    call = apiClient(host.url);
    const admin = await loginAs(call);
    analyst = await tokenFor(call, admin, "ana", ["analyst"]);
    otherAnalyst = await tokenFor(call, admin, "bob", ["analyst"]);
    viewer = await tokenFor(call, admin, "vera", ["viewer"]);
  });
  after(() => host?.stop());

  it("creates, lists, renames and deletes a user's rooms; another user's room is 404", async () => {
    const created = await call("POST", "/api/v1/rooms", { token: analyst, body: { title: "Q1 review" } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const roomId = created.body.data.room_id as string;
    assert.equal(created.body.data.title, "Q1 review");

    const list = await call("GET", "/api/v1/rooms", { token: analyst });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.items.map((r: any) => r.room_id),
      [roomId],
    );
    assert.equal(list.body.data.pagination.total, 1);

    const renamed = await call("PUT", `/api/v1/rooms/${roomId}`, { token: analyst, body: { title: "Q1 close" } });
    assert.equal(renamed.body.data.title, "Q1 close");

    for (const [method, path] of [
      ["GET", `/api/v1/rooms/${roomId}`],
      ["GET", `/api/v1/rooms/${roomId}/messages`],
      ["DELETE", `/api/v1/rooms/${roomId}`],
      ["POST", `/api/v1/chat/${roomId}`],
    ] as const) {
      const r = await call(method, path, {
        token: otherAnalyst,
        ...(method === "POST" ? { body: { message: "help" } } : {}),
      });
      assert.equal(r.status, 404, `${method} ${path} by another user: ${JSON.stringify(r.body)}`);
    }
    assert.equal((await call("GET", "/api/v1/rooms", { token: otherAnalyst })).body.data.items.length, 0);

    assert.equal((await call("DELETE", `/api/v1/rooms/${roomId}`, { token: analyst })).status, 200);
    assert.equal((await call("GET", `/api/v1/rooms/${roomId}`, { token: analyst })).status, 404);
  });

  it("answers help without a calculation, stores both messages in order, and clears them", async () => {
    const roomId = (await call("POST", "/api/v1/rooms", { token: analyst, body: {} })).body.data.room_id;
    const asked = await call("POST", `/api/v1/chat/${roomId}`, { token: analyst, body: { message: "help" } });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal(asked.body.data.answer.intent, "help");
    assert.equal(asked.body.data.answer.message_type, "bot");
    assert.match(asked.body.data.answer.content, /root causes/);
    assert.equal(asked.body.data.answer.query, null);

    const room = await call("GET", `/api/v1/rooms/${roomId}`, { token: analyst });
    assert.equal(room.body.data.title, "help", "a new room is titled after its first question");

    const messages = await call("GET", `/api/v1/rooms/${roomId}/messages`, { token: analyst });
    assert.deepEqual(
      messages.body.data.items.map((m: any) => [m.message_type, m.content.slice(0, 4)]),
      [
        ["user", "help"],
        ["bot", "I an"],
      ],
    );
    const cleared = await call("DELETE", `/api/v1/rooms/${roomId}/messages`, { token: analyst });
    assert.equal(cleared.body.data.deleted, 2);
    assert.equal(
      (await call("GET", `/api/v1/rooms/${roomId}/messages`, { token: analyst })).body.data.pagination.total,
      0,
    );
  });

  it("refuses viewers (dashboards only), bad ids and oversized or empty questions", async () => {
    assert.equal((await call("GET", "/api/v1/rooms", { token: viewer })).status, 403);
    assert.equal((await call("GET", "/api/v1/rooms/not-a-uuid", { token: analyst })).status, 400);
    const roomId = (await call("POST", "/api/v1/rooms", { token: analyst, body: {} })).body.data.room_id;
    const empty = await call("POST", `/api/v1/chat/${roomId}`, { token: analyst, body: { message: "  " } });
    assert.equal(empty.status, 400);
    const huge = await call("POST", `/api/v1/chat/${roomId}`, { token: analyst, body: { message: "x".repeat(2001) } });
    assert.equal(huge.status, 400);
    assert.equal((await call("GET", "/api/v1/rooms")).status, 401);
  });
});
