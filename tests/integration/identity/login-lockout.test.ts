import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import { startRedis, type RedisServer } from "../../support/redis-server.js";
import {
  LOCAL_ADMIN,
  apiClient,
  loginAs,
  loopbackAliasesSkip,
  startTestHost,
  type ApiResponse,
  type TestHost,
} from "../../support/test-host.js";

const PASSWORD = "correct-horse-battery";
const WRONG = "wrong-password!";
/** LOGIN_MAX_FAILURES' default; a client address locks at 4 times it, an account for everyone at 4 times it. */
const MAX = 5;
const ESCALATION = 4 * MAX;

/**
 * Login lockout through real HTTP on the local host, with its in-process cache and with a
 * real Redis. Each client is a loopback alias (127.0.0.N), which the host appends to
 * X-Forwarded-For as the Azure front end appends the caller's address.
 */
function lockoutSuite(name: string, cache: () => Promise<Record<string, string> | { skip: string }>) {
  describe(`login lockout over HTTP (${name})`, () => {
    let host: TestHost | undefined;
    let skip: string | undefined;
    let adminToken: string;

    before(async () => {
      skip = await loopbackAliasesSkip();
      const env = skip ? undefined : await cache();
      if (!env || "skip" in env) {
        skip ??= env?.skip;
        console.log(`# ${skip}`);
        return;
      }
      host = await startTestHost({
        ...env,
        // Thousands of logins from few addresses: the per-address rate limit is not what is under test.
        RATE_LIMIT_OVERRIDES: JSON.stringify({ "auth-login": { perMinute: 60_000, burst: 5000 } }),
      });
      adminToken = await loginAs(apiClient(host.url));
    });
    after(async () => host?.stop());

    const skipped = (t: TestContext) => (skip ? (t.skip(skip), true) : false);
    const from = (address: string) => (username: string, password: string) =>
      apiClient(host!.url, { localAddress: address })("POST", "/api/v1/auth/login", { body: { username, password } });
    const createUser = async (username: string) => {
      const r = await apiClient(host!.url)("POST", "/api/v1/users", {
        token: adminToken,
        body: { username, password: PASSWORD, roles: ["viewer"] },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    };
    const statuses = (responses: ApiResponse[]) => responses.map((r) => r.status);
    const count = (responses: ApiResponse[], status: number) => responses.filter((r) => r.status === status).length;
    const assertLocked = (r: ApiResponse, what: string) => {
      assert.equal(r.status, 429, what);
      assert.equal(r.body.error.code, "TOO_MANY_ATTEMPTS", what);
      assert.ok(Number(r.headers.get("retry-after")) > 0, `${what}: Retry-After`);
    };

    it("parallel wrong passwords from one address: LOGIN_MAX_FAILURES 401s, the rest 429 TOO_MANY_ATTEMPTS", async (t) => {
      if (skipped(t)) return;
      for (const username of ["parallel.pat", "parallel-nobody"]) {
        if (username === "parallel.pat") await createUser(username);
        const login = from(username === "parallel.pat" ? "127.0.0.11" : "127.0.0.12");
        const burst = await Promise.all(Array.from({ length: 19 }, () => login(username, WRONG)));
        assert.equal(count(burst, 401), MAX, `${username}: ${statuses(burst).join(",")}`);
        assert.equal(count(burst, 429), 19 - MAX, username);
        for (const r of burst.filter((x) => x.status === 429)) assertLocked(r, username);
        // The same answer whether or not the account exists, and the right password does not get through either.
        assertLocked(await login(username, PASSWORD), `${username}, right password`);
      }
    });

    it("a burst from five addresses, with the right password among it: at most 5 guesses per address and 20 in all", async (t) => {
      if (skipped(t)) return;
      await createUser("burst.bea");
      const addresses = ["127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24", "127.0.0.25"];
      const guesses = addresses.map((address) =>
        Promise.all(Array.from({ length: 19 }, () => from(address)("burst.bea", WRONG))),
      );
      const right = from("127.0.0.26")("burst.bea", PASSWORD);
      const [perAddress, rightAnswer] = await Promise.all([Promise.all(guesses), right]);
      const all = perAddress.flat();
      for (const [i, responses] of perAddress.entries()) {
        assert.ok(count(responses, 401) <= MAX, `${addresses[i]}: ${statuses(responses).join(",")}`);
        assert.equal(count(responses, 401) + count(responses, 429), 19, addresses[i]);
      }
      assert.ok(count(all, 401) <= ESCALATION, `${count(all, 401)} wrong guesses were checked`);
      assert.ok([200, 429].includes(rightAnswer.status), `the right password: ${rightAnswer.status}`);
    });

    it("failures from one client lock neither the administrator nor an account for other clients, until the account-wide escalation", async (t) => {
      if (skipped(t)) return;
      // An attacker at one address hammers the admin: locked out itself; the admin logs in from elsewhere.
      const attacker = await Promise.all(Array.from({ length: 30 }, () => from("127.0.0.31")("admin", WRONG)));
      assert.equal(count(attacker, 401), MAX);
      assertLocked(await from("127.0.0.31")("admin", LOCAL_ADMIN.password), "the attacker, right password");
      assert.equal((await from("127.0.0.32")("admin", LOCAL_ADMIN.password)).status, 200, "the admin elsewhere");

      await createUser("shared.sam");
      const a = from("127.0.0.33");
      const b = from("127.0.0.34");
      for (let i = 0; i < MAX; i++) assert.equal((await a("shared.sam", WRONG)).status, 401);
      assertLocked(await a("shared.sam", PASSWORD), "client A, right password");
      // Successful logins count nowhere: more of them than any limit, from one address.
      for (let i = 0; i < ESCALATION + 5; i++) assert.equal((await b("shared.sam", PASSWORD)).status, 200, `B #${i}`);
      // Three more clients fail MAX times each; the account-wide count reaches ESCALATION with the last.
      for (const address of ["127.0.0.35", "127.0.0.36", "127.0.0.37"]) {
        for (let i = 0; i < MAX; i++) assert.equal((await from(address)("shared.sam", WRONG)).status, 401, address);
        const expected = address === "127.0.0.37" ? 429 : 200;
        assert.equal((await b("shared.sam", PASSWORD)).status, expected, `client B after ${address}`);
      }
      assertLocked(await from("127.0.0.38")("shared.sam", PASSWORD), "a new client after the escalation");
    });
  });
}

lockoutSuite("in-process cache", async () => ({}));

let redis: RedisServer | undefined;
lockoutSuite("real Redis", async () => {
  const started = await startRedis();
  if ("skip" in started) return started;
  redis = started;
  return { REDIS_URL: redis.url };
});
after(async () => redis?.stop());
