import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { browserSkip, screenshot, useConsole } from "../support/browser.js";
import { apiClient, loginAs, tokenFor } from "../support/test-host.js";
import { ublInvoice } from "../support/ubl-invoice.js";

describe("console invoice detail, replay and UBL validation", { skip: browserSkip() }, () => {
  // The local host starts the invoice source (8 invoices) and Clearfacts simulators itself.
  const session = useConsole(
    { ENABLED_SYSTEMS: "identity,invoices", INVOICE_SOURCE_SIMULATOR_INVOICES: "8" },
    { queuePollMs: 50, timers: false },
  );

  it("opens a sent invoice from its job, downloads its original and replays it", async () => {
    const page = await session.open({ width: 1280, height: 900, nav: "Invoice jobs" });
    await page.getByRole("button", { name: "Start a manual run" }).click();
    const job = page.getByRole("region", { name: "Selected job" });
    await job.getByRole("heading", { name: /: completed$/ }).waitFor({ timeout: 30_000 });
    const sentRow = job
      .getByRole("row")
      .filter({ has: page.getByRole("cell", { name: "sent", exact: true }) })
      .first();
    const number = (await sentRow.getByRole("link").textContent())!;
    await sentRow.getByRole("link").click();

    const invoice = page.getByRole("region", { name: "Invoice" });
    await invoice.getByRole("heading", { name: `Invoice ${number}: sent` }).waitFor();
    assert.match(page.url(), /\/operations\/received-invoices\?id=/, "the address names the invoice");
    assert.match((await invoice.getByRole("region", { name: "Validation report" }).textContent()) ?? "", /Valid/);
    const attempts = invoice.getByRole("table", { name: "Forwarding attempts" }).getByRole("row");
    assert.equal(await attempts.count(), 2, "a header and the one accepted attempt");

    // The original comes with the bearer token, saved from a blob under its own name.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      invoice.getByRole("button", { name: "Download the original UBL" }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.xml$/i);
    const original = await readFile(await download.path(), "utf8");
    assert.match(original, new RegExp(`<cbc:ID>${number}</cbc:ID>`));

    const sentBefore = session.host.simulators.clearfacts!.uploads.length;
    page.once("dialog", (dialog) => void dialog.accept());
    await invoice.getByRole("button", { name: "Replay to Clearfacts" }).click();
    await invoice.getByText("Replay completed: the invoice was sent to Clearfacts again.").waitFor({ timeout: 30_000 });
    assert.equal(session.host.simulators.clearfacts!.uploads.length, sentBefore + 1, "sent once more, deliberately");
    await attempts.nth(2).waitFor();
    assert.equal(await attempts.count(), 3, "the replay's attempt is listed");
    assert.match((await attempts.nth(2).textContent()) ?? "", /accepted.*yes/);
    await screenshot(page, "console-invoice-detail-1280");
    await page.setViewportSize({ width: 820, height: 1100 });
    await screenshot(page, "console-invoice-detail-820");
    await page.close();
  });

  it("validates an uploaded UBL file and shows its findings by severity in plain language", async () => {
    const page = await session.open({ width: 820, height: 1000, nav: "Validate UBL" });
    await page.getByLabel("UBL invoice file (XML)").setInputFiles({
      name: "broken-invoice.xml",
      mimeType: "application/xml",
      buffer: Buffer.from(ublInvoice({ number: "INV-BROKEN-1", invalid: true })),
    });
    await page.getByRole("button", { name: "Validate" }).click();
    const findings = page.getByRole("region", { name: "Findings" });
    await findings.waitFor();
    assert.match((await findings.getByRole("status").textContent()) ?? "", /Not valid.*: \d+ errors?,/);
    const errors = findings.getByRole("region", { name: /^Errors/ });
    const text = (await errors.textContent()) ?? "";
    assert.match(text, /BR-CO-15/);
    assert.match(text, /must equal/, "the finding in plain language");
    assert.match(text, /BT-112 Invoice total amount with VAT/);
    await screenshot(page, "console-validate-ubl-820");

    // The same file with Dutch findings.
    await page.getByLabel("Language of the findings").selectOption("nl");
    await page.getByRole("button", { name: "Validate" }).click();
    await errors.getByText(/moet gelijk zijn/).waitFor();
    await page.close();
  });

  it("shows a viewer the invoice and its findings but neither the original nor a replay", async () => {
    const call = apiClient(session.host.url);
    const admin = await loginAs(call);
    const uploaded = await call("POST", "/api/v1/invoices", {
      token: admin,
      rawBody: ublInvoice({ number: "INV-VIEW-1", invalid: true }),
      headers: { "content-type": "application/xml" },
    });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    await tokenFor(call, admin, "ops-viewer", ["viewer"]);

    const page = await session.open({
      width: 1280,
      height: 900,
      user: { username: "ops-viewer", password: "correct-horse-battery" },
    });
    const nav = page.getByRole("navigation", { name: "Main" });
    assert.equal(await nav.getByRole("link", { name: "Backups" }).count(), 0, "backups are for admin and finance");
    // INVOICES_VALIDATE_ROLES allows every role by default: the viewer may validate.
    await nav.getByRole("link", { name: "Validate UBL" }).waitFor();
    await nav.getByRole("link", { name: "Received invoices" }).click();
    await page.getByRole("button", { name: "Open invoice INV-VIEW-1" }).click();
    const invoice = page.getByRole("region", { name: "Invoice" });
    await invoice.getByRole("heading", { name: /^Invoice INV-VIEW-1: / }).waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      await invoice.getByRole("heading", { name: /^Invoice INV-VIEW-1: / }).textContent(),
      "focus moves to the opened invoice",
    );
    assert.match((await invoice.getByRole("region", { name: "Validation report" }).textContent()) ?? "", /BR-CO-15/);
    assert.equal(await invoice.getByRole("button", { name: "Download the original UBL" }).count(), 0);
    assert.equal(await invoice.getByRole("button", { name: "Replay to Clearfacts" }).count(), 0);

    // A deep link to another invoice id answers the API's 404 with its correlation id.
    await page.goto(`${session.host.url}/operations/received-invoices?id=00000000-0000-4000-8000-000000000000`);
    const alert = page.getByRole("region", { name: "Invoice" }).getByRole("alert");
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? "", /Error 404: .*Correlation id: \S+/);
    await page.close();
  });
});

describe("console UBL validation page with INVOICES_VALIDATE_ROLES narrowed", { skip: browserSkip() }, () => {
  const session = useConsole(
    { ENABLED_SYSTEMS: "identity,invoices", INVOICES_VALIDATE_ROLES: "admin,finance" },
    { timers: false },
    async (host) => {
      const call = apiClient(host.url);
      const admin = await loginAs(call);
      await tokenFor(call, admin, "val-viewer", ["viewer"]);
      await tokenFor(call, admin, "val-finance", ["finance"]);
    },
  );

  it("is offered to the roles the API allows and refused to the others, deep link included", async () => {
    const call = apiClient(session.host.url);
    const viewerToken = await loginAs(call, { username: "val-viewer", password: "correct-horse-battery" });
    const access = await call("GET", "/api/v1/invoices/validate/access", { token: viewerToken });
    assert.equal(access.status, 200, JSON.stringify(access.body));
    assert.deepEqual(access.body.data, { allowed: false, roles: ["admin", "finance"] });

    const viewer = await session.open({ user: { username: "val-viewer", password: "correct-horse-battery" } });
    const nav = viewer.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Received invoices" }).waitFor();
    await viewer.goto(`${session.host.url}/operations/validate`);
    await viewer.getByRole("heading", { name: "Your roles do not allow this page" }).waitFor();
    assert.equal(await nav.getByRole("link", { name: "Validate UBL" }).count(), 0, "not in the viewer's nav");
    assert.equal(await viewer.getByLabel(/UBL file/).count(), 0, "no upload form");
    await viewer.close();

    const finance = await session.open({
      user: { username: "val-finance", password: "correct-horse-battery" },
      nav: "Validate UBL",
    });
    await finance
      .getByRole("heading", { name: /Validate/ })
      .first()
      .waitFor();
    assert.equal(await finance.getByRole("heading", { name: "Your roles do not allow this page" }).count(), 0);
    await finance.close();
  });
});
