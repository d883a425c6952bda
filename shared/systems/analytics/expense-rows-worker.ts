// The worker thread of an expense import (started by expense-rows-thread.ts): reads the file
// it is fed and sends back its rows prepared for SQL, a batch at a time,
// never more than AHEAD batches ahead of the import's inserts.
import { Readable } from "node:stream";
import { parentPort, workerData } from "node:worker_threads";
import { ValidationError } from "../../kernel/errors.js";
import { prepareExpenseBatches, type ExpenseRowsJob } from "./expense-import-rows.js";
import { AHEAD, type FromRowsWorker, type ToRowsWorker } from "./expense-rows-protocol.js";

const port = parentPort;
if (!port) throw new Error("expense-rows-worker runs as a worker thread");

let credit = AHEAD;
let onCredit: (() => void) | undefined;
/** Chunks received and not read yet; null is the file's end. */
const received: (Buffer | null)[] = [];
let onReceived: (() => void) | undefined;
const send = (message: FromRowsWorker) => port.postMessage(message);

port.on("message", (message: ToRowsWorker) => {
  if (message.type === "ack") {
    credit++;
    onCredit?.();
    onCredit = undefined;
    return;
  }
  received.push(
    message.type === "chunk"
      ? Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength)
      : null,
  );
  onReceived?.();
  onReceived = undefined;
});

/** The file's bytes as the importing thread sends them (INPUT_WINDOW_BYTES ahead at most). */
async function* input(): AsyncGenerator<Buffer> {
  for (;;) {
    while (received.length === 0) await new Promise<void>((resolve) => (onReceived = resolve));
    const chunk = received.shift()!;
    if (chunk === null) return;
    yield chunk;
    send({ type: "consumed", bytes: chunk.byteLength });
  }
}

try {
  for await (const batch of prepareExpenseBatches(
    Readable.from(input(), { objectMode: false }),
    workerData as ExpenseRowsJob,
  )) {
    if (credit === 0) await new Promise<void>((resolve) => (onCredit = resolve));
    credit--;
    send({ type: "batch", batch });
  }
  send({ type: "done" });
} catch (error) {
  // A refused mapping keeps its field-level issues across the thread boundary.
  if (error instanceof ValidationError) send({ type: "failed", message: error.message, issues: error.issues });
  else send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
}
