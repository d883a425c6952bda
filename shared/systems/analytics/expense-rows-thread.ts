// An expense import's parsing, checks and fingerprints run on a worker thread while the
// importing thread runs SQL: on a million-row file they took as long as the inserts, and
// the file is read once, in order, so the two overlap on a second core (docs/benchmarks.md).
import type { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import { ValidationError } from "../../kernel/errors.js";
import type { ExpenseRowsJob, PreparedExpenseBatch } from "./expense-import-rows.js";
import { INPUT_WINDOW_BYTES, type FromRowsWorker, type ToRowsWorker } from "./expense-rows-protocol.js";

/**
 * The file's rows prepared on a worker thread, a batch at a time (prepareExpenseBatches'
 * batches). The file is sent on at most INPUT_WINDOW_BYTES ahead of the worker's reading,
 * and the worker prepares at most AHEAD batches ahead of the loop, so memory stays bounded
 * whatever the file's size; leaving the loop early, or a failure on either side, stops the worker.
 */
export async function* prepareExpenseBatchesInWorker(
  file: Readable,
  job: ExpenseRowsJob,
): AsyncGenerator<PreparedExpenseBatch> {
  const worker = new Worker(new URL("./expense-rows-worker.js", import.meta.url), { workerData: job });
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const ready: PreparedExpenseBatch[] = [];
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const send = (message: ToRowsWorker, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);
  let unread = 0;
  let ended = false;
  let pumping = false;
  /** Sends the file's chunks while the worker has fewer than INPUT_WINDOW_BYTES unread. */
  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (!ended && unread < INPUT_WINDOW_BYTES) {
        const next = await chunks.next();
        if (next.done) {
          ended = true;
          send({ type: "end" });
        } else {
          const bytes = new Uint8Array(next.value); // a copy the worker can own (the chunk may share a pool)
          unread += bytes.byteLength;
          send({ type: "chunk", bytes }, [bytes.buffer]);
        }
      }
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
      signal();
    } finally {
      pumping = false;
    }
  };
  worker.on("message", (message: FromRowsWorker) => {
    if (message.type === "consumed") {
      unread -= message.bytes;
      return void pump();
    }
    if (message.type === "batch") ready.push(message.batch);
    else if (message.type === "done") finished = true;
    else failure ??= message.issues ? new ValidationError(message.issues, message.message) : new Error(message.message);
    signal();
  });
  worker.on("error", (error) => {
    failure ??= error;
    signal();
  });
  worker.on("exit", (code) => {
    if (!finished) failure ??= new Error(`The expense rows worker stopped (exit code ${code})`);
    signal();
  });
  void pump();
  try {
    for (;;) {
      if (failure) throw failure;
      const batch = ready.shift();
      if (batch) {
        yield batch;
        send({ type: "ack" });
      } else if (finished) return;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await worker.terminate();
    file.destroy();
  }
}
