/**
 * The Azure Functions entry (package.json `main`): telemetry first, then the app.
 *
 * OpenTelemetry instruments an ES module only if its loader hook is registered before the
 * module is imported, so this file imports nothing but the telemetry starter (which itself
 * imports nothing until it runs), and the app (./index.js, with shared/ and every driver
 * and SDK behind it) is imported only after. The Functions worker imports the entry with
 * `await import()`, so the top-level awaits here finish, and every function is
 * registered, before the worker reports the app's functions to the host.
 */
import { startTelemetry } from "../shared/foundation/telemetry.js";

if (await startTelemetry(process.env)) {
  // host.json telemetryMode OpenTelemetry: each invocation runs in the host's trace context
  // (its operation id), and the host is told this worker exports its own logs.
  // Both are webpack-bundled CommonJS: the ESM loader sees only their default export.
  const [{ azureFunctions }, { default: instrumentation }] = await Promise.all([
    import("./azure-functions.js"),
    import("@azure/functions-opentelemetry-instrumentation"),
  ]);
  new instrumentation.AzureFunctionsInstrumentationESM({ enabled: false }).registerAzFunc(azureFunctions);
}
await import("./index.js");
