import type { HttpResponseInit } from "@azure/functions";
import type { Settings } from "../../shared/index.js";
import type { RequestHeaders } from "./declarations.js";

/** Every method a function of the API is declared with; a preflight may ask for any. */
const METHODS = "GET, POST, PUT, PATCH, DELETE";
/** Request headers the API reads (a browser asks before sending any but the simple ones). */
const ALLOWED_HEADERS = "Authorization, Content-Type, If-Match, Idempotency-Key, X-Correlation-Id";
/** Response headers a browser script may read besides the simple ones. */
const EXPOSED_HEADERS =
  "X-Correlation-Id, Retry-After, ETag, Location, Content-Disposition, Idempotency-Key, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Demo-Mode";
/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
const MAX_AGE_SECONDS = "7200";

const allowedBySettings = new WeakMap<Settings, ReadonlySet<string>>();

/**
 * CORS_ALLOWED_ORIGINS, or when absent the local host's own origin on a laptop and none in
 * Azure. No credentials mode: the API takes bearer tokens, never cookies, so
 * Access-Control-Allow-Credentials is never sent.
 */
export function allowedOrigins(settings: Settings): ReadonlySet<string> {
  let allowed = allowedBySettings.get(settings);
  if (!allowed) {
    const local = [`http://localhost:${settings.PORT}`, `http://127.0.0.1:${settings.PORT}`];
    allowed = new Set(settings.CORS_ALLOWED_ORIGINS ?? (settings.runningInAzure ? [] : local));
    allowedBySettings.set(settings, allowed);
  }
  return allowed;
}

/**
 * The answer to a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method),
 * given before authentication and rate limiting: 204 with the allow headers for an allowed
 * origin, 403 without any CORS header for another, so the browser refuses the real request.
 * Any other OPTIONS gets 204 with `Allow`.
 */
export function preflightResponse(headers: RequestHeaders, settings: Settings): HttpResponseInit {
  const origin = headers.get("origin");
  if (!origin || !headers.get("access-control-request-method"))
    return { status: 204, headers: { Allow: `${METHODS}, OPTIONS`, Vary: "Origin" } };
  if (!allowedOrigins(settings).has(origin)) return { status: 403, headers: { Vary: "Origin" } };
  return {
    status: 204,
    headers: {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": METHODS,
      "Access-Control-Allow-Headers": ALLOWED_HEADERS,
      "Access-Control-Max-Age": MAX_AGE_SECONDS,
      Vary: "Origin",
    },
  };
}

/**
 * Adds the CORS headers of an actual response when its request came from an allowed
 * origin, and `Vary: Origin` always: a cached answer must not serve another origin.
 */
export function addCorsHeaders(out: Record<string, string>, headers: RequestHeaders, settings: Settings): void {
  const vary = Object.keys(out).find((name) => name.toLowerCase() === "vary");
  if (!vary) out["Vary"] = "Origin";
  else if (!/(^|,)\s*origin\s*(,|$)/i.test(out[vary]!)) out[vary] = `${out[vary]}, Origin`;
  const origin = headers.get("origin");
  if (!origin || !allowedOrigins(settings).has(origin)) return;
  out["Access-Control-Allow-Origin"] = origin;
  out["Access-Control-Expose-Headers"] = EXPOSED_HEADERS;
}
