import { z } from "zod";
import { bool, int, optionalText, type SettingsCatalog, type SettingsOf } from "../foundation/settings.js";

/** The SAP connection (adapter, limits, RFC function names, simulator): this slice of the settings catalog (the root composes every slice). */
export const SAP_SETTINGS = {
  SAP_ADAPTER: {
    scope: "platform",
    azure: { value: "node-rfc" },
    description:
      "How SAP is reached: node-rfc (a real system over RFC; needs the node-rfc package and SAP's NW RFC SDK, credentials from the sap-rfc-* secrets, connected on first use) or simulator (the seeded embedded SAP). Must be node-rfc in Azure unless DEMO_MODE=true; refused with DEMO_MODE. While SAP cannot be reached only SAP-backed routes and jobs fail (503 with Retry-After).",
    schema: z.enum(["simulator", "node-rfc"]).default("simulator"),
  },
  SAP_MAX_CONCURRENT_CALLS: {
    scope: "platform",
    description:
      "Most RFC calls one instance runs against SAP at once (also the RFC connection pool size). Further calls wait up to SAP_ADMISSION_TIMEOUT_MS, then get 503 SAP_BUSY. SAP sees at most this times the maximum instance count (Bicep maximumInstanceCount, default 10: 100 RFC connections with the defaults); agree the product with the SAP basis team.",
    schema: int(1, 200).default(10),
  },
  SAP_ADMISSION_TIMEOUT_MS: {
    scope: "platform",
    description: "How long a call waits for a free RFC slot before it is refused with 503 SAP_BUSY.",
    schema: int(0, 60_000).default(3000),
  },
  SAP_RFC_TIMEOUT_MS: {
    scope: "platform",
    description: "Deadline of one RFC call; past it the call is cancelled and counts as an SAP outage.",
    schema: int(100, 300_000).default(15_000),
  },
  SAP_HEALTH_PROBE_INTERVAL_SECONDS: {
    scope: "platform",
    description:
      "How often RFC_PING probes SAP (one instance per interval, the state shared through the cache). SAP going down or coming back is noticed within about two intervals.",
    schema: int(1, 300).default(5),
  },
  SAP_HEALTH_PROBE_SCHEDULE: {
    scope: "platform",
    description:
      "NCRONTAB schedule (UTC) of the sap-probe timer, which probes SAP while nobody calls it. In Azure it replaces the per-second check of a long-running process (there calls also refresh the state on demand); locally it adds to it.",
    schema: z.string().min(1).default("0 * * * * *"),
  },
  SAP_CIRCUIT_FAILURE_THRESHOLD: {
    scope: "platform",
    description:
      "Consecutive failed RFC calls (communication, logon, timeout) that mark SAP down before the next probe does.",
    schema: int(1, 1000).default(3),
  },
  SAP_RFC_FUNCTION_LIST_PROJECTS: {
    scope: "platform",
    description: "Function module that lists project headers by filter (IV_FILTER PEP | DEPT | ALL, IV_VALUE).",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_LIST_PROJECTS"),
  },
  SAP_RFC_FUNCTION_READ_PROJECT: {
    scope: "platform",
    description: "Function module that reads one project with its WBS elements and resource plan (PROJECT_ID).",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_READ_PROJECT_DATA"),
  },
  SAP_RFC_FUNCTION_READ_RESOURCES: {
    scope: "platform",
    description: "Function module that reads people with hourly cost rates and capacity (IV_ABTEI optional).",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_READ_RESOURCES"),
  },
  SAP_RFC_FUNCTION_READ_COST_CENTER_PLAN: {
    scope: "platform",
    description:
      "Function module that reads cost-center plan and actuals for a fiscal year (IV_GJAHR, IV_ABTEI optional).",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_READ_COST_CENTER_PLAN"),
  },
  SAP_RFC_FUNCTION_UPDATE_PROJECT: {
    scope: "platform",
    description:
      "Function module that posts billing entries to a project (PROJECT_ID, IV_REFERENCE, IT_ENTRIES); the SAGA's SAP step. It must treat a repeated IV_REFERENCE as already posted.",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_UPDATE_PROJECT_DATA"),
  },
  SAP_RFC_FUNCTION_REVERSE_BILLING: {
    scope: "platform",
    description:
      "Function module that reverses the posting made under a reference (IV_REFERENCE); the SAGA's compensation. Reversing twice must be a no-op.",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_REVERSE_BILLING"),
  },
  SAP_RFC_FUNCTION_READ_BILLING: {
    scope: "platform",
    description: "Function module that reads a project's live billing entries (PROJECT_ID, IV_REFERENCE optional).",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_READ_BILLING_DATA"),
  },
  SAP_RFC_FUNCTION_LIST_BILLING_CHANGES: {
    scope: "platform",
    description:
      "Function module that lists projects whose billing changed in SAP since a timestamp (IV_SINCE), for incremental reconciliation.",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_LIST_BILLING_CHANGES"),
  },
  SAP_RFC_FUNCTION_BILLING_CHECKSUMS: {
    scope: "platform",
    description:
      "Function module that returns billing checksums for a range of projects (IV_FROM, IV_TO, IV_DETAIL) or a list (IT_PROJECTS).",
    schema: z
      .string()
      .regex(/^[A-Z0-9_/]{1,30}$/)
      .default("Z_BILLING_CHECKSUMS"),
  },
  SAP_SIMULATOR_SEED: {
    scope: "local",
    description: "Seed of the SAP simulator's data; the same seed gives the same projects, people and cost centers.",
    schema: int(0, 2_147_483_647).default(20_260_101),
  },
  SAP_SIMULATOR_PROJECTS: {
    scope: "local",
    description: "How many projects the SAP simulator holds (500 people and 200 cost centers come with them).",
    schema: int(1, 1_000_000).default(5000),
  },
  SAP_SIMULATOR_DOWN: {
    scope: "local",
    description: "Start the SAP simulator down (every call fails as if SAP were unreachable).",
    schema: bool.default(false),
  },
  SAP_SIMULATOR_LATENCY_MS: {
    scope: "local",
    description: "Latency the SAP simulator adds to every call.",
    schema: int(0, 600_000).default(0),
  },
  SAP_SIMULATOR_ERROR_RATE: {
    scope: "local",
    description: "Share of SAP simulator calls (0 to 1) that fail with a communication error.",
    schema: z.coerce.number().min(0).max(1).default(0),
  },
  SAP_SIMULATOR_FAIL_FUNCTIONS: {
    scope: "local",
    description: "Comma-separated function modules the SAP simulator fails with SYSTEM_FAILURE.",
    schema: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      ),
  },
  SAP_RFC_USER: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "SAP_ADAPTER=node-rfc" },
    description: "Local fallback of the Key Vault secret sap-rfc-user (RFC logon user).",
    schema: optionalText,
  },
  SAP_RFC_PASSWORD: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "SAP_ADAPTER=node-rfc" },
    description: "Local fallback of the Key Vault secret sap-rfc-password.",
    schema: optionalText,
  },
  SAP_RFC_HOST: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "SAP_ADAPTER=node-rfc" },
    description: "Local fallback of the Key Vault secret sap-rfc-host (application server host, ashost).",
    schema: optionalText,
  },
  SAP_RFC_SYSNR: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "SAP_ADAPTER=node-rfc" },
    description: "Local fallback of the Key Vault secret sap-rfc-sysnr (system number).",
    schema: optionalText,
  },
  SAP_RFC_CLIENT: {
    scope: "local",
    secret: { setBy: "operator", neededWhen: "SAP_ADAPTER=node-rfc" },
    description: "Local fallback of the Key Vault secret sap-rfc-client (SAP client, e.g. 100).",
    schema: optionalText,
  },
} as const satisfies SettingsCatalog;

/**
 * Azure talks to the real SAP only (the simulator is for laptops and tests) unless the
 * deployment is a demo; a demo never talks to a real SAP, wherever it runs.
 */
export function sapSettingsProblems(
  settings: SettingsOf<typeof SAP_SETTINGS> & { readonly DEMO_MODE: boolean },
  { runningInAzure }: { readonly runningInAzure: boolean },
): string[] {
  if (settings.DEMO_MODE && settings.SAP_ADAPTER === "node-rfc")
    return ["DEMO_MODE: refused with SAP_ADAPTER=node-rfc (a demo runs on the seeded SAP simulator, never a real SAP)"];
  if (runningInAzure && !settings.DEMO_MODE && settings.SAP_ADAPTER !== "node-rfc")
    return ["SAP_ADAPTER: must be node-rfc in Azure (the simulator is for laptops, tests and DEMO_MODE=true)"];
  return [];
}
