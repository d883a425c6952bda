import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { apiClient, loginAs, startTestHost, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;

interface FieldIssue {
  field: string;
  message: string;
  location: string;
}
const fieldsOf = (body: any) => body.error.details.fields as FieldIssue[];

/** Asserts a 400 VALIDATION_ERROR whose only field issue names `field` and says `problem`. */
function assertRefused(r: { status: number; body: any }, field: string, problem: RegExp) {
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(r.body.error.code, "VALIDATION_ERROR");
  const issues = fieldsOf(r.body);
  assert.deepEqual(
    issues.map((i) => i.field),
    [field],
    JSON.stringify(issues),
  );
  assert.match(issues[0]!.message, problem);
}

/** PATCHes a project with its current ETag. */
async function patchProject(projectId: string, body: Record<string, unknown>) {
  const read = await call("GET", `/api/v1/projects/${projectId}`, { token: admin });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  return call("PATCH", `/api/v1/projects/${projectId}`, {
    token: admin,
    headers: { "if-match": read.headers.get("etag")! },
    body,
  });
}

describe("free text at the edge, through HTTP on the local host", () => {
  before(async () => {
    host = await startTestHost({
      SAP_SIMULATOR_PROJECTS: "20",
      RATE_LIMIT_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "10000",
    });
    call = apiClient(host.url);
    admin = await loginAs(call);
  });
  after(async () => host?.stop());

  it("refuses a project name holding a non-character (U+FFFE, U+FFFF, U+FDD0, U+1FFFF) with 400 naming the field", async () => {
    for (const [bad, label] of [
      ["\ufffe", "U\\+FFFE"],
      ["\uffff", "U\\+FFFF"],
      ["\ufdd0", "U\\+FDD0"],
      ["\u{1ffff}", "U\\+1FFFF"],
    ] as const) {
      const r = await patchProject("PRJ-000003", { name: `Bad${bad}name` });
      assertRefused(r, "name", new RegExp(`non-character ${label} \\(at character 4\\)`));
    }
    const custom = await patchProject("PRJ-000003", { customField1: "ok", customField2: "x\uffffy" });
    assertRefused(custom, "customField2", /non-character U\+FFFF/);
    // Nothing was stored.
    const fresh = await call("GET", "/api/v1/projects/PRJ-000003", { token: admin });
    assert.ok(!/[\ufffe\uffff\ufdd0]/.test(JSON.stringify(fresh.body.data)));
  });

  it("refuses control characters (C0, DEL, C1) and a lone surrogate in a project name with 400", async () => {
    for (const [bad, label] of [
      ["\u0001", "control character U\\+0001"],
      ["\u0000", "control character U\\+0000"],
      ["\u001b", "control character U\\+001B"],
      ["\u007f", "control character U\\+007F"],
      ["\u0085", "control character U\\+0085"],
      ["\n", "control character U\\+000A"], // a name is one line
      ["\t", "control character U\\+0009"],
      ["\ud800", "a lone surrogate U\\+D800"], // JSON.stringify sends it as the escape \ud800
    ] as const) {
      const r = await patchProject("PRJ-000004", { name: `Bad${bad}name` });
      assertRefused(r, "name", new RegExp(label));
    }
  });

  it("still accepts a name with accents, emoji and CJK (and stores it unchanged)", async () => {
    const name = "Überprüfung café – 日本語プロジェクト 😀 ẞ ﬁ";
    const r = await patchProject("PRJ-000005", { name, customField1: "Ωmega 𝄞" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const fresh = await call("GET", "/api/v1/projects/PRJ-000005", { token: admin });
    assert.equal(fresh.body.data.name, name);
    assert.equal(fresh.body.data.metadata.customField1, "Ωmega 𝄞");
  });

  it("refuses the same characters in a billing description, naming the entry's field", async () => {
    const entry = { amount: "10.00", currency: "EUR", billingDate: "2026-01-15", description: "Fee\ufffe" };
    const r = await call("POST", "/api/v1/projects/PRJ-000006/billing", {
      token: admin,
      headers: { "idempotency-key": `text-${randomUUID()}` },
      body: { entries: [entry] },
    });
    assertRefused(r, "entries.0.description", /non-character U\+FFFE/);
  });

  it("accepts line breaks in a reconciliation comment but refuses control characters there", async () => {
    const path = `/api/v1/reconciliation/inconsistencies/${randomUUID()}/resolve`;
    const bad = await call("POST", path, { token: admin, body: { comment: "Checked\u0007 with SAP" } });
    assertRefused(bad, "comment", /control character U\+0007/);
    // A multi-line comment passes validation and reaches the lookup (an unknown id: 404).
    const good = await call("POST", path, { token: admin, body: { comment: "Checked with SAP.\r\nAll fine." } });
    assert.equal(good.status, 404, JSON.stringify(good.body));
  });

  it("refuses them in a login username and an audit-log filter", async () => {
    const login = await call("POST", "/api/v1/auth/login", {
      body: { username: "admin\u0000", password: "local-admin-password" },
    });
    assertRefused(login, "username", /control character U\+0000/);
    const audit = await call("GET", `/api/v1/audit-log?action=${encodeURIComponent("project.update\ufffe")}`, {
      token: admin,
    });
    assertRefused(audit, "action", /non-character U\+FFFE/);
    assert.equal(audit.body.error.details.fields[0].location, "query");
  });
});
