import { after, before, type TestContext } from "node:test";

/** What a contract suite's `open` gives: the adapter under test, or why it is skipped (a real service without settings). */
export type Opened<T> = T | { readonly skip: string };

export interface ContractSubject<T> {
  /** Marks the test skipped, with the suite's reason, when the adapter is not configured. */
  skipped(t: TestContext): boolean;
  /** The adapter under test (call it after `skipped` said no). */
  get(): T;
}

/**
 * The scaffolding every contract suite shares: opens the adapter before its tests (or
 * notes once why it is skipped), closes it after, and lets each test start with
 * `if (subject.skipped(t)) return;`.
 */
export function openOrSkip<O, T = Exclude<O, { readonly skip: string }>>(
  name: string,
  open: () => Promise<O>,
  close: (opened: T) => Promise<void> = async () => undefined,
): ContractSubject<T> {
  let opened: T | undefined;
  let skip: string | undefined;
  before(async () => {
    const result: unknown = await open();
    if (typeof result === "object" && result !== null && "skip" in result) {
      skip = String(result.skip);
      console.log(`# ${name}: ${skip}`);
    } else opened = result as T;
  });
  after(async () => {
    if (opened !== undefined) await close(opened);
  });
  return {
    skipped: (t) => {
      if (skip === undefined) return false;
      t.skip(skip);
      return true;
    },
    get: () => {
      if (opened === undefined) throw new Error(`${name}: the adapter is not open`);
      return opened;
    },
  };
}
