// Child process: the two ESG partner simulators (local/simulators/esg-partners.ts) on their own event
// loop, as a remote partner would be. The baseline client and the platform call the same
// kind of simulator; it outlives a killed host, so its per-account call counts cover the
// whole kill-and-resume run.
import { EsgSimulators, simulatedAccountId } from "../../local/simulators/esg-partners.js";
import { runChild } from "../lib/child.js";

export interface SimulatorArgs {
  readonly accounts: number;
  readonly ratePerSecond: number;
  readonly latencyMs: number;
  readonly apiKey: string;
}

export interface SimulatorInfo {
  readonly accountsUrl: string;
  readonly ratingsUrl: string;
}

export interface SimulatorCalls {
  readonly ratingRequests: number;
  readonly throttled: number;
  readonly pageRequests: number;
  /** Accounts whose rating was asked for at least once. */
  readonly accountsCalled: number;
  /** Accounts asked for more than once (429 retries and re-calls after a restart). */
  readonly accountsCalledTwiceOrMore: number;
  /** Rating requests beyond the first per account. */
  readonly extraCalls: number;
}

runChild<SimulatorInfo>(async ([argsJson]) => {
  const args = JSON.parse(argsJson ?? "{}") as SimulatorArgs;
  const sim = await EsgSimulators.start({
    accounts: args.accounts,
    seed: 1,
    duplicates: 0,
    accountsApiKey: args.apiKey,
    ratingsApiKey: args.apiKey,
    controls: {
      down: false,
      latencyMs: args.latencyMs,
      errorRate: 0,
      transientErrorRate: 0,
      partialRate: 0.02,
      malformedRate: 0,
      rateLimitPerSecond: args.ratePerSecond,
      burst429EverySeconds: 0,
      pageErrorRate: 0,
      ratingVersion: 0,
    },
  });
  return {
    info: { accountsUrl: sim.accountsUrl, ratingsUrl: sim.ratingsUrl },
    handlers: {
      calls: async (): Promise<SimulatorCalls> => {
        let accountsCalled = 0;
        let twice = 0;
        let extra = 0;
        for (let i = 1; i <= args.accounts; i++) {
          const n = sim.callsFor(simulatedAccountId(i));
          if (n > 0) accountsCalled++;
          if (n > 1) twice++;
          extra += Math.max(0, n - 1);
        }
        const { ratingRequests, throttled, pageRequests } = sim.stats;
        return {
          ratingRequests,
          throttled,
          pageRequests,
          accountsCalled,
          accountsCalledTwiceOrMore: twice,
          extraCalls: extra,
        };
      },
    },
    stop: () => sim.close(),
  };
});
