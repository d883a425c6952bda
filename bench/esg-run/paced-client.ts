import { simulatedAccountId } from "../../local/simulators/esg-partners.js";

export interface PacedResult {
  readonly seconds: number;
  readonly ok: number;
  /** 429 answers received (each retried in a later slot). */
  readonly throttled: number;
  readonly otherErrors: number;
  readonly maxInFlight: number;
}

/**
 * The baseline: no platform, just a paced loop of plain `fetch` GETs, one rating per account,
 * request k sent at t0 + k / rate (never earlier), at most `maxInFlight` at once. After a stall
 * (GC, a busy core) it catches up at most `CATCH_UP_MS` worth of slots at once, half the
 * partner's burst, so a late timer does not turn into a burst the partner refuses; time lost
 * beyond that is lost. A 429 puts the account back in line for a later slot. Wall time runs from the first request to the
 * last answer: what "as fast as the partner's limit allows" costs on this machine.
 */
const CATCH_UP_MS = 50;

export async function pacedRatings(options: {
  ratingsUrl: string;
  apiKey: string;
  accounts: number;
  ratePerSecond: number;
  maxInFlight: number;
}): Promise<PacedResult> {
  const { ratingsUrl, apiKey, accounts, ratePerSecond, maxInFlight } = options;
  const interval = 1000 / ratePerSecond;
  const retry: number[] = [];
  let nextNew = 1;
  let done = 0;
  let slot = 0;
  let inFlight = 0;
  let peak = 0;
  let throttled = 0;
  let otherErrors = 0;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const get = async (i: number) => {
    try {
      const response = await fetch(`${ratingsUrl}/v1/accounts/${simulatedAccountId(i)}/esg-ratings`, {
        headers: { accept: "application/json", "x-api-key": apiKey },
      });
      const text = await response.text();
      if (response.status === 200) {
        JSON.parse(text);
        done++;
      } else {
        if (response.status === 429) throttled++;
        else otherErrors++;
        retry.push(i);
      }
    } catch {
      otherErrors++;
      retry.push(i);
    } finally {
      inFlight--;
      signal();
    }
  };
  const started = performance.now();
  let base = started;
  while (done < accounts) {
    const now = performance.now();
    if (base + slot * interval < now - CATCH_UP_MS) base = now - CATCH_UP_MS - slot * interval;
    const due = base + slot * interval;
    const next = retry.length > 0 ? retry[0]! : nextNew <= accounts ? nextNew : undefined;
    if (next !== undefined && due <= now && inFlight < maxInFlight) {
      if (retry.length > 0) retry.shift();
      else nextNew++;
      slot++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      void get(next);
      continue;
    }
    // Wait for the next slot, a free place, or (at the end) the last answers.
    await new Promise<void>((resolve) => {
      const timer =
        next !== undefined && inFlight < maxInFlight ? setTimeout(resolve, Math.max(0, due - now)) : undefined;
      wake = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  }
  return { seconds: (performance.now() - started) / 1000, ok: done, throttled, otherErrors, maxInFlight: peak };
}
