import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { killGroup, prepareHostFolder, startHostProcess } from "../../support/host-process.js";
import { apiClient, LOCAL_ADMIN, loginAs, tempDir } from "../../support/test-host.js";

type Line = Record<string, unknown>;

describe("log lines of a request and of the job it queues (npm start's stdout)", () => {
  it("all carry the request's correlation id, domain lines and the queued job's lines included", async () => {
    const dir = tempDir();
    await prepareHostFolder(dir.path);
    const host = await startHostProcess(dir.path, {});
    try {
      let stdout = "";
      host.child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      const call = apiClient(host.url);
      const token = await loginAs(call, LOCAL_ADMIN);
      const correlationId = `obs-${randomUUID()}`;
      const r = await call("POST", "/api/v1/reports/generate", {
        token,
        headers: { "x-correlation-id": correlationId },
        body: { projectIds: ["PRJ-000001"], reportType: "financial_summary", options: { format: "excel" } },
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const reportId = r.body.data.reportId as string;

      const deadline = Date.now() + 30_000;
      const lines = (): Line[] =>
        stdout
          .split("\n")
          .filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l) as Line);
      const finished = () => lines().find((l) => l.message === "Queue message processed" && l.message_id === reportId);
      while (!finished()) {
        if (Date.now() > deadline) assert.fail(`the report job never finished:\n${stdout.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      const ours = lines().filter((l) => l.correlation_id === correlationId);
      const about = (l: Line) => l.job_id === reportId || l.message_id === reportId;
      assert.deepEqual(
        ours.map((l) => [l.level, l.message, l.function]),
        [
          // The request: a line of the job protocol, written deep in the report service with the platform's logger.
          ["info", "Job queued", "reports-generate"],
          ["info", "HTTP request", "reports-generate"],
          // The job its message started, on the queue trigger.
          ["info", "Job started", "report-generate"],
          ["info", "Job finished", "report-generate"],
          ["info", "Queue message processed", "report-generate"],
        ],
      );
      assert.ok(ours.filter((l) => l.function === "report-generate").every(about), "the job's lines name the report");
      assert.equal(ours.find((l) => l.message === "Job finished")?.outcome, "succeeded");
      assert.deepEqual(
        lines()
          .filter(about)
          .filter((l) => l.correlation_id !== correlationId),
        [],
        "no line about the report lacks the correlation id",
      );
    } finally {
      await killGroup(host.child);
      dir.remove();
    }
  });
});
