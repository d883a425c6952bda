import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { apiClient, loginAs, startTestHost, tokenFor, type TestHost } from "../../support/test-host.js";

let host: TestHost;
let call: ReturnType<typeof apiClient>;
let admin: string;
let buyer: string;
let buyerId: string;

/** A budget line seeded directly (the import side is another part of the system). */
async function line(customerId: string, department: string, subCategory: string, budgeted: bigint): Promise<string> {
  const view = await host.platform.budgets.addLine({
    customerId,
    department,
    subCategory,
    fiscalPeriod: "FY2025",
    currency: "EUR",
    budgetedMinor: budgeted,
  });
  return view.id;
}

function check(body: Record<string, unknown>, token = buyer) {
  return call("POST", "/api/v1/budget/check", { token, body: { customerId: "acme", fiscalPeriod: "FY2025", ...body } });
}

function reserve(body: Record<string, unknown>, key: string, token = buyer) {
  return call("POST", "/api/v1/budget/reservations", {
    token,
    body: {
      customerId: "acme",
      reference: `PR-${key}`,
      ...(body.department ? { fiscalPeriod: "FY2025" } : {}),
      ...body,
    },
    headers: { "idempotency-key": key },
  });
}

async function balance(budgetId: string): Promise<any> {
  const r = await call("GET", `/api/v1/budgets/${budgetId}/balance`, { token: buyer });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data;
}

describe("budget checks, rules, reservations and customer isolation", () => {
  let software: string;
  let events: string;
  let hardware: string;
  let furniture: string;
  let licences: string;
  let globexLine: string;

  before(async () => {
    host = await startTestHost(
      { ENABLED_SYSTEMS: "identity,budgets", RATE_LIMIT_PER_MINUTE: "100000", RATE_LIMIT_BURST: "10000" },
      { timers: false },
    );
    call = apiClient(host.url);
    admin = await loginAs(call);
    for (const [customerId, name] of [
      ["acme", "Acme NV"],
      ["globex", "Globex BV"],
    ]) {
      const r = await call("POST", "/api/v1/customers", { token: admin, body: { customerId, name } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    buyer = await tokenFor(call, admin, "buyer", ["finance"]);
    const users = await call("GET", "/api/v1/users?page_size=100", { token: admin });
    buyerId = users.body.data.items.find((u: any) => u.username === "buyer").id;
    assert.equal((await call("PUT", `/api/v1/customers/acme/users/${buyerId}`, { token: admin })).status, 200);

    software = await line("acme", "Engineering", "Software", 5_000_000n); // 50,000.00 EUR
    events = await line("acme", "Marketing", "Events", 100_000n); // 1,000.00
    hardware = await line("acme", "Operations", "Hardware", 10_000n); // 100.00
    furniture = await line("acme", "Facilities", "Furniture", 10_000_000n); // 100,000.00
    licences = await line("acme", "Legal", "Licences", 5_000n); // 50.00
    globexLine = await line("globex", "Engineering", "Software", 100_000n);
  });

  after(async () => {
    await host?.stop();
  });

  it("auto-approves a purchase under the threshold and within budget, amounts exact", async () => {
    const r = await check({ department: "Engineering", subCategory: "Software", amount: 500 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const d = r.body.data;
    assert.equal(d.available, true);
    assert.equal(d.canAutoApprove, true);
    assert.deepEqual(d.budget, {
      id: software,
      budgetedAmount: "50000.00",
      committed: "0.00",
      reserved: "0.00",
      available: "50000.00",
    });
    assert.equal(d.autoApprovalThreshold, "1000.00");
    assert.equal(d.utilizationPercent, 1);
    // The department and sub-category match whatever their case.
    const same = await check({ department: "engineering", subCategory: "SOFTWARE", amount: "999.99" });
    assert.equal(same.body.data.canAutoApprove, true);
    assert.equal(same.body.data.budget.id, software);
  });

  it("asks for manual approval over the threshold and refuses over budget, saying why", async () => {
    const manual = await check({ department: "Engineering", subCategory: "Software", amount: "5000.00" });
    assert.equal(manual.body.data.available, true);
    assert.equal(manual.body.data.canAutoApprove, false);
    assert.match(manual.body.data.reason, /over the auto-approval threshold of 1000\.00 EUR/);

    const over = await check({ department: "Engineering", subCategory: "Software", amount: "50000.01" });
    assert.equal(over.status, 200);
    assert.equal(over.body.data.available, false);
    assert.equal(over.body.data.canAutoApprove, false);
    assert.equal(over.body.data.reason, "Insufficient budget: requested 50000.01 EUR, available 50000.00 EUR");

    const none = await check({ department: "Engineering", subCategory: "Hardware", amount: 1 });
    assert.equal(none.body.data.available, false);
    assert.equal(none.body.data.budget, null);
    assert.match(none.body.data.reason, /No budget line for Engineering \/ Hardware \/ FY2025/);
  });

  it("refuses amounts finer than the currency and a currency other than the line's", async () => {
    const fine = await check({ department: "Engineering", subCategory: "Software", amount: 0.001 });
    assert.equal(fine.status, 400);
    assert.match(JSON.stringify(fine.body), /more than 2 decimal places/);
    const usd = await check({ department: "Engineering", subCategory: "Software", amount: "10", currency: "USD" });
    assert.equal(usd.status, 400);
    assert.match(JSON.stringify(usd.body), /in EUR, not USD/);
  });

  it("applies the most specific approval rule", async () => {
    const wide = await call("POST", "/api/v1/budget/rules", {
      token: admin,
      body: { customerId: "acme", department: "Engineering", currency: "EUR", threshold: "10000" },
    });
    assert.equal(wide.status, 201, JSON.stringify(wide.body));
    let r = await check({ department: "Engineering", subCategory: "Software", amount: "5000" });
    assert.equal(r.body.data.canAutoApprove, true);
    assert.equal(r.body.data.autoApprovalThreshold, "10000.00");

    const narrow = await call("POST", "/api/v1/budget/rules", {
      token: admin,
      body: {
        customerId: "acme",
        department: "Engineering",
        subCategory: "Software",
        currency: "EUR",
        threshold: 2000,
      },
    });
    assert.equal(narrow.status, 201);
    r = await check({ department: "Engineering", subCategory: "Software", amount: "5000" });
    assert.equal(r.body.data.canAutoApprove, false);
    assert.equal(r.body.data.autoApprovalThreshold, "2000.00");

    // A second rule for the same scope is a conflict; deleting the narrow one restores the wide one.
    const twice = await call("POST", "/api/v1/budget/rules", {
      token: admin,
      body: { customerId: "acme", department: "engineering", subCategory: "software", currency: "EUR", threshold: 1 },
    });
    assert.equal(twice.status, 409);
    assert.equal((await call("DELETE", `/api/v1/budget/rules/${narrow.body.data.id}`, { token: admin })).status, 200);
    r = await check({ department: "Engineering", subCategory: "Software", amount: "5000" });
    assert.equal(r.body.data.autoApprovalThreshold, "10000.00");
    // Only admins write rules.
    const byBuyer = await call("POST", "/api/v1/budget/rules", {
      token: buyer,
      body: { customerId: "acme", currency: "EUR", threshold: "1" },
    });
    assert.equal(byBuyer.status, 403);
  });

  it("warn mode lets an over-budget request through for manual approval, with warnings", async () => {
    const rule = await call("POST", "/api/v1/budget/rules", {
      token: admin,
      body: {
        customerId: "acme",
        department: "Marketing",
        currency: "EUR",
        threshold: "5000",
        overBudget: "warn",
        warnPercent: 50,
      },
    });
    assert.equal(rule.status, 201);
    const half = await check({ department: "Marketing", subCategory: "Events", amount: "600" });
    assert.equal(half.body.data.canAutoApprove, true);
    assert.deepEqual(half.body.data.warnings, ["Utilization would reach 60% (warning from 50%)"]);

    const over = await check({ department: "Marketing", subCategory: "Events", amount: "1500" });
    assert.equal(over.body.data.available, true);
    assert.equal(over.body.data.canAutoApprove, false);
    assert.equal(over.body.data.overBudget, "warn");
    assert.match(over.body.data.reason, /Over budget by 500\.00 EUR: manual approval required \(warn mode\)/);
    assert.equal(over.body.data.utilizationPercent, 150);

    // A reservation in warn mode goes through the guard.
    const reserved = await reserve({ budgetId: events, amount: "1500" }, "warn-mode-0001");
    assert.equal(reserved.status, 201, JSON.stringify(reserved.body));
    assert.equal(reserved.body.data.approval.canAutoApprove, false);
    assert.equal((await balance(events)).available, "-500.00");
  });

  it("keeps customers apart: another customer's ids answer 404, lists show only the caller's", async () => {
    const other = await check({ customerId: "globex", department: "Engineering", subCategory: "Software", amount: 1 });
    const missing = await check({
      customerId: "nobody",
      department: "Engineering",
      subCategory: "Software",
      amount: 1,
    });
    assert.equal(other.status, 404);
    assert.equal(missing.status, 404);
    assert.equal(other.body.error.code, missing.body.error.code);
    assert.equal(other.body.error.message.replace("globex", "nobody"), missing.body.error.message);

    assert.equal((await call("GET", `/api/v1/budgets/${globexLine}/balance`, { token: buyer })).status, 404);
    assert.equal((await call("GET", `/api/v1/budgets/${globexLine}`, { token: buyer })).status, 404);
    assert.equal((await call("GET", "/api/v1/budgets?customerId=globex", { token: buyer })).status, 404);
    assert.equal((await call("GET", "/api/v1/customers/globex", { token: buyer })).status, 404);
    assert.equal(
      (await reserve({ customerId: "globex", budgetId: globexLine, amount: "1" }, "cross-customer-1")).status,
      404,
    );
    // A budget id of another customer under one's own customer is not found either.
    assert.equal((await reserve({ budgetId: globexLine, amount: "1" }, "cross-customer-2")).status, 404);

    const mine = await call("GET", "/api/v1/budgets?pageSize=100", { token: buyer });
    assert.equal(mine.status, 200);
    assert.deepEqual([...new Set(mine.body.data.items.map((b: any) => b.customerId))], ["acme"]);
    assert.equal(mine.body.data.pagination.total, 5);
    const all = await call("GET", "/api/v1/budgets?pageSize=100", { token: admin });
    assert.equal(all.body.data.pagination.total, 6);
    const customers = await call("GET", "/api/v1/customers", { token: buyer });
    assert.deepEqual(
      customers.body.data.items.map((c: any) => c.customerId),
      ["acme"],
    );
    const filtered = await call("GET", "/api/v1/budgets?department=marketing", { token: buyer });
    assert.deepEqual(
      filtered.body.data.items.map((b: any) => b.id),
      [events],
    );
  });

  it("200 parallel reservations against room for 100: exactly 100 succeed", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => reserve({ budgetId: hardware, amount: "1.00" }, `parallel-${i}-key`)),
    );
    const statuses = answers.map((a) => a.status);
    assert.equal(
      statuses.filter((s) => s === 201).length,
      100,
      JSON.stringify(answers.find((a) => a.status >= 500)?.body),
    );
    assert.equal(statuses.filter((s) => s === 409).length, 100);
    const b = await balance(hardware);
    assert.equal(b.reserved, "100.00");
    assert.equal(b.available, "0.00");
    assert.equal(b.reservations.reserved.length, 100);
  });

  it("replays an idempotency key: the same reservation, counted once", async () => {
    const first = await reserve(
      { department: "Facilities", subCategory: "Furniture", amount: "250.50" },
      "idem-key-0001",
    );
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const again = await reserve({ department: "Facilities", subCategory: "Furniture", amount: 250.5 }, "idem-key-0001");
    assert.equal(again.status, 200);
    assert.equal(again.body.data.reservation.id, first.body.data.reservation.id);
    assert.equal(again.body.data.created, false);
    assert.equal((await balance(furniture)).reserved, "250.50");
    // The key in the body works as well; the same key with another amount is refused.
    const other = await call("POST", "/api/v1/budget/reservations", {
      token: buyer,
      body: {
        customerId: "acme",
        budgetId: furniture,
        amount: "9.00",
        reference: "PR-X",
        idempotencyKey: "idem-key-0001",
      },
    });
    assert.equal(other.status, 409);
    assert.equal((await balance(furniture)).reserved, "250.50");
    const missing = await call("POST", "/api/v1/budget/reservations", {
      token: buyer,
      body: { customerId: "acme", budgetId: furniture, amount: "1", reference: "PR-Y" },
    });
    assert.equal(missing.status, 400);
  });

  it("release gives the room back; commit and actual move the money; transitions are guarded", async () => {
    const big = await reserve({ budgetId: licences, amount: "40" }, "licence-0001");
    assert.equal(big.status, 201);
    assert.equal((await reserve({ budgetId: licences, amount: "20" }, "licence-0002")).status, 409);
    const id = big.body.data.reservation.id;
    const released = await call("POST", `/api/v1/budget/reservations/${id}/release`, { token: buyer });
    assert.equal(released.status, 200);
    assert.equal(released.body.data.status, "released");
    // Twice is harmless and gives nothing back twice.
    assert.equal((await call("POST", `/api/v1/budget/reservations/${id}/release`, { token: buyer })).status, 200);
    assert.equal((await balance(licences)).available, "50.00");
    assert.equal((await call("POST", `/api/v1/budget/reservations/${id}/commit`, { token: buyer })).status, 409);

    const small = await reserve({ budgetId: licences, amount: "20" }, "licence-0003");
    assert.equal(small.status, 201);
    const sid = small.body.data.reservation.id;
    assert.equal((await call("POST", `/api/v1/budget/reservations/${sid}/commit`, { token: buyer })).status, 200);
    let b = await balance(licences);
    assert.deepEqual([b.reserved, b.committed, b.actual, b.available], ["0.00", "20.00", "0.00", "30.00"]);
    assert.deepEqual(
      b.reservations.committed.map((r: any) => r.id),
      [sid],
    );
    assert.equal((await call("POST", `/api/v1/budget/reservations/${sid}/actual`, { token: buyer })).status, 200);
    assert.equal((await call("POST", `/api/v1/budget/reservations/${sid}/release`, { token: buyer })).status, 409);
    b = await balance(licences);
    assert.deepEqual([b.reserved, b.committed, b.actual, b.available], ["0.00", "0.00", "20.00", "30.00"]);
    assert.equal(b.reservations.actual[0].reference, "PR-licence-0003");
  });

  it("flags a split purchase: one requester's small requests for one supplier adding up over the threshold", async () => {
    const base = { department: "Facilities", subCategory: "Furniture", requester: "alice", supplier: "Desk Co" };
    const a = await reserve({ ...base, amount: "400" }, "split-0001");
    const b = await reserve({ ...base, amount: "400" }, "split-0002");
    assert.equal(a.body.data.approval.canAutoApprove, true);
    assert.equal(b.body.data.approval.canAutoApprove, true);
    const c = await reserve({ ...base, amount: "400" }, "split-0003");
    assert.equal(c.status, 201);
    assert.equal(c.body.data.approval.canAutoApprove, false);
    assert.equal(c.body.data.approval.splitPurchaseSuspected, true);
    assert.match(
      c.body.data.approval.reason,
      /Possible split purchase: with 2 earlier request\(s\).*total is 1200\.00 EUR/,
    );

    const checked = await check({ ...base, amount: "300" });
    assert.equal(checked.body.data.canAutoApprove, false);
    assert.equal(checked.body.data.splitPurchaseSuspected, true);
    // Another requester, or the same one without naming themselves, is not flagged.
    assert.equal((await check({ ...base, requester: "bob", amount: "300" })).body.data.canAutoApprove, true);
    const { requester: _r, ...anonymous } = base;
    assert.equal((await check({ ...anonymous, amount: "300" })).body.data.canAutoApprove, true);
  });

  it("counts checks in the metrics", async () => {
    const r = await call("GET", "/api/metrics", { token: admin });
    assert.match(r.body, /budget_check_requests_total\{outcome="auto_approved"\} [1-9]/);
    assert.match(r.body, /budget_check_requests_total\{outcome="refused"\} [1-9]/);
    assert.match(r.body, /budget_check_duration_seconds_count [1-9]/);
  });

  it("finds a line as the import keys it: spacing and accented case, cost centers, literal wildcards", async () => {
    await host.platform.budgets.createCustomer("keys", "Keys SL", { userId: "test" });
    await host.platform.budgets.bindUser("keys", buyerId, { userId: "test" });
    const add = (department: string, subCategory: string, costCenter?: string) =>
      host.platform.budgets
        .addLine({
          customerId: "keys",
          department,
          subCategory,
          fiscalPeriod: "FY2025",
          currency: "EUR",
          budgetedMinor: 100_000n,
          ...(costCenter ? { costCenter } : {}),
        })
        .then((v) => v.id);
    const travel = await add("Área  Técnica", "Viajes");
    const keyed = (department: string, subCategory: string) =>
      check({ customerId: "keys", department, subCategory, amount: 1 });
    const byAccent = await keyed(" ÁREA técnica ", "VIAJES");
    assert.equal(byAccent.body.data.budget?.id, travel, JSON.stringify(byAccent.body));

    // No line without a cost center: the first by cost center answers.
    await add("Research", "Labs", "CC-200");
    const cc100 = await add("Research", "Labs", "CC-100");
    const split = await keyed("research", "labs");
    assert.equal(split.body.data.budget?.id, cc100);

    // "_" and "%" in a department are characters, not patterns.
    const rd = await add("R_D", "100%", "CC-1");
    assert.equal((await keyed("R_D", "100%")).body.data.budget?.id, rd);
    for (const [department, subCategory] of [
      ["RxD", "100%"],
      ["R_D", "100"],
      ["R_D", "1000"],
    ]) {
      const miss = await keyed(department!, subCategory!);
      assert.equal(miss.body.data.budget, null, `${department} / ${subCategory}`);
    }
  });
});
