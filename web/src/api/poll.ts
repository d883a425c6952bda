// Watching long work (a job, a report, a backup): load its state until it is finished.
import { useEffect, useRef } from "preact/hooks";

export interface PollOptions<T> {
  /** Each state as it arrives, the first and the last included. */
  readonly onUpdate: (value: T) => void;
  /** False once the page is gone: polling stops quietly. */
  readonly alive?: () => boolean;
  readonly intervalMs?: number;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the first state `finished` accepts (or the last one seen when no longer alive). */
export async function pollUntil<T>(
  load: () => Promise<T>,
  finished: (value: T) => boolean,
  options: PollOptions<T>,
): Promise<T> {
  const alive = options.alive ?? (() => true);
  let value = await load();
  options.onUpdate(value);
  while (!finished(value) && alive()) {
    await wait(options.intervalMs ?? 500);
    if (!alive()) break;
    value = await load();
    options.onUpdate(value);
  }
  return value;
}

/** A component's liveness for pollUntil: false once it has unmounted. */
export function useAlive(): () => boolean {
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  return () => alive.current;
}
