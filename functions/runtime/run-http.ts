import { randomUUID, timingSafeEqual } from "node:crypto";
import type { HttpResponseInit } from "@azure/functions";
import type { z } from "zod";
import {
  ForbiddenError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  hasAnyRole,
  withLogFields,
  type FieldIssue,
  type Platform,
  type AccessTokenClaims,
  type Principal,
  type RateLimitDecision,
} from "../../shared/index.js";
import {
  correlatedSender,
  type HttpContext,
  type HttpFunction,
  type InboundRequest,
  type RequestHeaders,
} from "./declarations.js";
import { addCorsHeaders, preflightResponse } from "./cors.js";
import { errorResponse, successJson } from "./envelope.js";
import { readFileBody, spoolFileBody, type Spooled } from "./file-body.js";
import { workSignalOf } from "./work-signals.js";

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** `x-correlation-id` when it is sane, else a new id; returned on every response. */
export function correlationIdOf(headers: RequestHeaders): string {
  const given = headers.get("x-correlation-id");
  return given && CORRELATION_ID.test(given) ? given : randomUUID();
}

/**
 * The client address: the last X-Forwarded-For entry, which the nearest trusted proxy
 * (the Functions front end, or the local host) wrote; earlier entries are client-supplied.
 */
export function clientIpOf(headers: RequestHeaders): string | undefined {
  const forwarded = headers.get("x-forwarded-for")?.replace(/[\s,]+$/, "");
  if (!forwarded) return undefined;
  const last = forwarded.slice(forwarded.lastIndexOf(",") + 1).trim();
  // IPv4 "a.b.c.d:port", IPv6 "[v6]:port" or a bare address (an IPv6 one has several colons).
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(last);
  if (bracketed) return bracketed[1];
  return (last.indexOf(":") === last.lastIndexOf(":") ? last.replace(/:\d+$/, "") : last) || undefined;
}

/**
 * Every HTTP function runs through here, in Azure and on the local host: CORS preflight,
 * correlation id, size cap, authentication, roles, rate limit, validation, handler,
 * envelope, CORS headers, metrics. Every line logged while it runs, by the domain too,
 * carries the correlation id.
 */
export function runHttp(
  declaration: HttpFunction,
  request: InboundRequest,
  platform: Platform,
): Promise<HttpResponseInit> {
  // Browsers send preflights without credentials: answered before authentication and rate limiting.
  if (request.method.toUpperCase() === "OPTIONS")
    return Promise.resolve(preflightResponse(request.headers, platform.settings));
  const correlationId = correlationIdOf(request.headers);
  return withLogFields({ correlation_id: correlationId, function: declaration.name }, () =>
    pipeline(declaration, request, platform, correlationId),
  );
}

async function pipeline(
  declaration: HttpFunction,
  request: InboundRequest,
  platform: Platform,
  correlationId: string,
): Promise<HttpResponseInit> {
  const started = performance.now();
  const logger = platform.logger;
  const clientIp = clientIpOf(request.headers);
  const userAgent = request.headers.get("user-agent") ?? undefined;
  let rateLimit: RateLimitDecision | undefined;
  let response: HttpResponseInit;
  let principal: Principal | undefined;
  let spooled: Spooled | undefined;

  try {
    // Who is calling comes first, and nothing of the body is read before it is known: a
    // request without a valid token is refused, and counted against its address, unread.
    let claims: AccessTokenClaims | undefined;
    let refused: Error | undefined;
    if (!("public" in declaration.access)) {
      try {
        claims = await verifyBearer(request.headers, declaration.access, platform);
      } catch (error) {
        refused = error instanceof Error ? error : new Error(String(error));
      }
    }
    // The account check and the rate limit run together: when both go to Redis they share one round trip.
    const limiting =
      declaration.rateLimited === false
        ? undefined
        : takeRateLimit(declaration, claims ? `user:${claims.userId}` : `ip:${clientIp ?? "unknown"}`, platform);
    const account = claims && platform.identity.principalOf(claims, { ipAddress: clientIp, userAgent, correlationId });
    account?.catch(() => undefined); // awaited below; not unhandled if the rate limit throws first
    rateLimit = await limiting;
    principal = await account;
    if (rateLimit && !rateLimit.allowed) {
      platform.metrics.rateLimitExceeded.inc({ endpoint: declaration.route });
      throw new RateLimitedError(rateLimit.retryAfterSeconds);
    }
    if (request.malformedParams?.length) throw malformedPath(request.malformedParams);
    if (refused) throw refused;
    if (principal && "roles" in declaration.access && !hasAnyRole(principal.roles, declaration.access.roles)) {
      throw new ForbiddenError(`This action requires one of the roles: ${declaration.access.roles.join(", ")}`);
    }
    const body = declaration.body ? await readJsonBody(request, platform.settings.MAX_BODY_BYTES) : undefined;
    spooled = declaration.file?.spool ? await spoolFileBody(request, declaration.file, platform.settings) : undefined;
    const file = spooled
      ? spooled.file
      : declaration.file
        ? await readFileBody(request, declaration.file, platform.settings)
        : undefined;
    const input = {
      params: parse(declaration.params, request.params, "path"),
      query: parse(
        declaration.query,
        request.query.size === 0 ? {} : Object.fromEntries(request.query.entries()),
        "query",
      ),
      body: parse(declaration.body, body, "body"),
      file,
      headers: request.headers,
    };
    const ctx: HttpContext = {
      platform,
      functionName: declaration.name,
      correlationId,
      logger,
      principal,
      send: correlatedSender(platform, correlationId),
      // Plain literals, not spreads: on V8 11 a spread plus added keys costs a fresh hidden class per request.
      actor: { userId: principal?.userId, ipAddress: clientIp, userAgent, correlationId },
    };
    // A write may leave work for the sweeps (a job queued, a saga started): they wake up.
    if (declaration.method !== "GET" && declaration.method !== "ANY") void workSignalOf(platform).raise();
    const outcome = await declaration.handler(input, ctx);
    response =
      "raw" in outcome
        ? { status: outcome.raw.status ?? 200, headers: outcome.raw.headers, body: outcome.raw.body }
        : {
            status: outcome.status ?? declaration.successStatus ?? 200,
            headers: Object.assign({ "Content-Type": "application/json; charset=utf-8" }, outcome.headers),
            body: successJson(outcome.data, correlationId),
          };
  } catch (error) {
    const mapped = errorResponse(error, correlationId);
    if (mapped.status >= 500) logger.error("Request failed", { error, route: declaration.route });
    response = {
      status: mapped.status,
      headers: Object.assign({ "Content-Type": "application/json; charset=utf-8" }, mapped.headers),
      body: JSON.stringify(mapped.body),
    };
  } finally {
    // A spooled upload lives only as long as its request.
    await spooled?.release();
  }

  const headers: Record<string, string> = Object.assign({}, response.headers as Record<string, string>);
  headers["x-correlation-id"] = correlationId;
  headers["X-Content-Type-Options"] = "nosniff";
  // A trial deployment says so on every answer, so nobody mistakes its data for real data.
  if (platform.settings.DEMO_MODE) headers["X-Demo-Mode"] = "true";
  if (!("Cache-Control" in headers)) headers["Cache-Control"] = "no-store";
  addCorsHeaders(headers, request.headers, platform.settings);
  if (rateLimit) {
    headers["X-RateLimit-Limit"] = String(rateLimit.limit);
    headers["X-RateLimit-Remaining"] = String(rateLimit.remaining);
    headers["X-RateLimit-Reset"] = String(rateLimit.resetSeconds);
  }
  const status = response.status ?? 200;
  const seconds = (performance.now() - started) / 1000;
  platform.metrics.apiRequests.inc({ endpoint: declaration.route, method: declaration.method, status: String(status) });
  platform.metrics.apiRequestDuration.observe({ endpoint: declaration.route }, seconds);
  logger.info("HTTP request", {
    method: declaration.method,
    route: declaration.route,
    status,
    duration_ms: Math.round(seconds * 1000),
    user_id: principal?.userId,
  });
  return { status, headers, body: response.body };
}

/**
 * The bearer token's verified claims; undefined for the metrics scraper's token on the one
 * function that accepts it (it has no account).
 */
async function verifyBearer(
  headers: RequestHeaders,
  access: { roles: readonly string[]; scrapeToken?: true },
  platform: Platform,
): Promise<AccessTokenClaims | undefined> {
  const header = headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new UnauthorizedError("A bearer token is required (Authorization: Bearer <token>)");
  const token = match[1]!;
  if (access.scrapeToken) {
    const scrapeToken = await platform.secrets.findSecret("metrics-scrape-token");
    if (scrapeToken && constantTimeEquals(token, scrapeToken)) return undefined;
  }
  return platform.identity.verifyAccessToken(token);
}

function takeRateLimit(declaration: HttpFunction, caller: string, platform: Platform): Promise<RateLimitDecision> {
  const policy = platform.settings.RATE_LIMIT_OVERRIDES[declaration.name] ?? {
    perMinute: platform.settings.RATE_LIMIT_PER_MINUTE,
    burst: platform.settings.RATE_LIMIT_BURST,
  };
  return platform.rateLimiter.take(`${declaration.name}:${caller}`, policy);
}

function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Deepest JSON nesting accepted: far beyond any body the API defines, far below what costs. */
const MAX_JSON_DEPTH = 32;

/**
 * Reads at most `limit` bytes (413 past it, before reading when the declared length says so),
 * refuses a body not sent as JSON (415) or nested deeper than MAX_JSON_DEPTH, and parses it
 * (400 naming `body` if malformed).
 */
async function readJsonBody(request: InboundRequest, limit: number): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw new PayloadTooLargeError(limit);
  const bytes = Buffer.from(await request.arrayBuffer(limit));
  if (bytes.length > limit) throw new PayloadTooLargeError(limit);
  if (bytes.length === 0) return undefined;
  if (!isJsonMediaType(request.headers.get("content-type"))) throw new UnsupportedMediaTypeError("application/json");
  const text = bytes.toString("utf8");
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    throw new ValidationError([{ field: "body", message: `is nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError([{ field: "body", message: "is not valid JSON" }]);
  }
}

/** `application/json` or a `+json` type, with any parameters (charset). */
function isJsonMediaType(contentType: string | null): boolean {
  const type = (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** One pass over the text counting open brackets outside strings; stops at the first too deep. */
export function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** 400 for route parameters whose percent-encoding does not decode (`/users/%ZZ`). */
function malformedPath(names: readonly string[]): ValidationError {
  const issues = names.map((field) => ({
    field,
    message: "is not valid percent-encoding",
    location: "path" as const,
  }));
  return new ValidationError(issues, `Invalid path parameter: ${names.join(", ")}`);
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, location: "path" | "query" | "body"): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : location,
    message: issue.message,
    location,
  }));
  throw new ValidationError(
    issues,
    `Invalid ${location === "path" ? "path parameter" : location}: ${issues.map((i) => i.field).join(", ")}`,
  );
}
