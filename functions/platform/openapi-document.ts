import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import type { FileBody, FunctionDeclaration, HttpFunction } from "../runtime/declarations.js";
import { errorEnvelopeSchema, successEnvelopeSchema } from "../runtime/envelope.js";

const COMMON_ERRORS: Record<number, string> = {
  400: "Invalid input: VALIDATION_ERROR with one entry per field in error.details.fields",
  401: "Missing, invalid or expired bearer token, or a disabled account",
  403: "The caller's roles do not allow this",
  404: "Not found",
  409: "Conflict with the current state",
  413: "The body is larger than MAX_BODY_BYTES",
  415: "The body is not sent as application/json",
  429: "Rate limited (RATE_LIMITED) or locked out after failed logins (TOO_MANY_ATTEMPTS); see Retry-After",
  503: "A dependency is unavailable",
};

/**
 * OpenAPI 3.1 from the very zod schemas the handlers validate with, so the document
 * cannot drift from behaviour. Paths carry the host's `/api` prefix.
 */
export function buildOpenApiDocument(declarations: readonly FunctionDeclaration[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "An access token from POST /api/v1/auth/login, or, when Entra ID sign-in is on, a Microsoft Entra ID access token for the platform's app registration (app roles Platform.Admin, Platform.Finance, Platform.Analyst, Platform.Viewer).",
  });
  const errorContent = { "application/json": { schema: errorEnvelopeSchema } };

  for (const d of declarations) {
    if (d.kind !== "http" || d.method === "ANY") continue;
    const http = d as HttpFunction;
    const status = http.successStatus ?? 200;
    const responses: Record<number, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {
      [status]: {
        description: "Success",
        content:
          "raw" in http.response
            ? { [http.response.raw]: { schema: z.string() } }
            : { "application/json": { schema: successEnvelopeSchema(http.response) } },
      },
    };
    const statuses = new Set<number>([...(http.errors ?? []), 429]);
    if (http.params || http.query || http.body || http.file) statuses.add(400);
    if (http.body || http.file) [413, 415].forEach((s) => statuses.add(s));
    if (!("public" in http.access)) [401, 403].forEach((s) => statuses.add(s));
    const errorText = http.file ? { ...COMMON_ERRORS, ...fileErrors(http.file) } : COMMON_ERRORS;
    for (const s of statuses) responses[s] = { description: errorText[s] ?? "Error", content: errorContent };

    const access = "public" in http.access ? "No authentication." : `Roles: ${http.access.roles.join(", ")}.`;
    registry.registerPath({
      method: http.method.toLowerCase() as "get",
      path: `/api/${http.route}`,
      operationId: http.name,
      summary: http.summary,
      description: `${access} Function: \`${http.name}\`.`,
      tags: [...http.tags],
      ...("public" in http.access ? {} : { security: [{ bearerAuth: [] }] }),
      request: {
        ...(http.params ? { params: http.params as z.ZodObject } : {}),
        ...(http.query ? { query: http.query as z.ZodObject } : {}),
        ...(http.body ? { body: { content: { "application/json": { schema: http.body } } } } : {}),
        ...(http.file ? { body: fileRequestBody(http.file) } : {}),
      },
      responses,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Finance Integration Platform API",
      version: "1.0.0",
      description:
        "Every response is an envelope: `{success, data, timestamp, correlation_id}` or `{success: false, error: {code, message, details}, timestamp, correlation_id}`. Send `x-correlation-id` to trace a request; it is returned on every response.",
    },
    servers: [{ url: "/" }],
  });
}

/** The cap as a reader sees it: bytes, or the setting that holds them. */
function capText(file: FileBody): string {
  return typeof file.maxBytes === "number" ? `${file.maxBytes} bytes` : `${file.maxBytes} bytes (a setting)`;
}

/** A file body: the bytes sent raw as one of its media types, or as one multipart/form-data part. */
function fileRequestBody(file: FileBody) {
  const field = file.field ?? "file";
  const binary = { type: "string" as const, format: "binary" };
  return {
    required: true,
    description: `The file (at most ${capText(file)}): the bytes as the body, with an optional Content-Disposition naming the file, or the multipart/form-data part \`${field}\` (typed ${[...file.mediaTypes, "application/octet-stream"].join(", ")}) next to short text fields.`,
    content: {
      ...Object.fromEntries(file.mediaTypes.map((type) => [type, { schema: binary }])),
      "multipart/form-data": {
        schema: {
          type: "object" as const,
          properties: { [field]: binary },
          required: [field],
          additionalProperties: { type: "string" as const },
        },
      },
    },
  };
}

function fileErrors(file: FileBody): Record<number, string> {
  return {
    413: `The file is larger than ${capText(file)}`,
    415: `The body is not sent as one of ${[...file.mediaTypes, "multipart/form-data"].join(", ")}`,
  };
}
