import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { mapOrdered } from "../../../shared/kernel/map-limited.js";

/** A call that finishes after `ms`, recording how many calls were running at once. */
function tracked() {
  const state = { running: 0, peak: 0, started: [] as number[] };
  const call = async (n: number, ms = (n * 7) % 5) => {
    state.started.push(n);
    state.running++;
    state.peak = Math.max(state.peak, state.running);
    await delay(ms);
    state.running--;
    return n * 10;
  };
  return { state, call };
}

describe("mapOrdered", () => {
  it("hands results on in the input's order, whatever order the calls finish in", async () => {
    const { call } = tracked();
    const out: number[] = [];
    for await (const r of mapOrdered([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, (n) => call(n))) out.push(r);
    assert.deepEqual(out, [10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it("never runs more than `limit` calls at once, and reads an async source lazily", async () => {
    const { state, call } = tracked();
    let pulled = 0;
    async function* source() {
      for (let n = 1; n <= 20; n++) {
        pulled++;
        yield n;
      }
    }
    const consumed: number[] = [];
    for await (const r of mapOrdered(source(), 4, (n) => call(n))) {
      consumed.push(r);
      // A result handed on means at most `limit` more items were taken from the source.
      assert.ok(pulled <= consumed.length + 4, `pulled ${pulled} items with ${consumed.length} consumed`);
    }
    assert.equal(consumed.length, 20);
    assert.equal(state.peak, 4);
  });

  it("throws a failed call at its turn, after the results before it, without an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const out: number[] = [];
      // Item 3 fails at once while 1 and 2 are still running.
      const fn = async (n: number) => {
        if (n === 3) throw new Error("item 3 failed");
        await delay(20);
        return n;
      };
      await assert.rejects(
        (async () => {
          for await (const r of mapOrdered([1, 2, 3, 4], 4, fn)) out.push(r);
        })(),
        /item 3 failed/,
      );
      assert.deepEqual(out, [1, 2]);
      await delay(30);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
