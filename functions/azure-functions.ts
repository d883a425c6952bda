// @azure/functions is a webpack-bundled CommonJS module whose named exports Node's ESM
// loader cannot detect; take them from the default export in this one place.
import azureFunctions from "@azure/functions";

export const { app, HttpRequest, InvocationContext } = azureFunctions;
/** The whole module, for the OpenTelemetry instrumentation that hooks it (functions/main.ts). */
export { azureFunctions };
