import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { z } from "zod";
import { NotFoundError } from "../../shared/index.js";
import { httpFunction, type FunctionDeclaration } from "../runtime/declarations.js";
import { text } from "../runtime/schemas.js";
import { buildOpenApiDocument } from "./openapi-document.js";

const swaggerDir = join(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"), "..");
/** A Map, not an object: `constructor` or `__proto__` must not name an asset. */
const ASSETS = new Map<string, string>([
  ["swagger-ui.css", "text/css; charset=utf-8"],
  ["swagger-ui-bundle.js", "application/javascript; charset=utf-8"],
]);

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Finance Integration Platform API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true });`;

/**
 * The OpenAPI document and an interactive page, both public. The document covers every
 * HTTP function, these included; `declarations` is read lazily because it contains them.
 */
export function apiDocsFunctions(declarations: () => readonly FunctionDeclaration[]) {
  let document: unknown;
  const cached = { "Cache-Control": "public, max-age=300" };
  return [
    httpFunction({
      name: "openapi",
      route: "openapi.json",
      method: "GET",
      summary: "This API's OpenAPI 3.1 description",
      tags: ["system"],
      access: { public: true },
      response: { raw: "application/json" },
      handler: async () => {
        document ??= buildOpenApiDocument(declarations());
        return {
          raw: {
            headers: { "Content-Type": "application/json; charset=utf-8", ...cached },
            body: JSON.stringify(document),
          },
        };
      },
    }),
    httpFunction({
      name: "api-docs",
      route: "docs",
      method: "GET",
      summary: "Interactive API documentation (Swagger UI)",
      tags: ["system"],
      access: { public: true },
      response: { raw: "text/html" },
      handler: async () => ({
        raw: {
          headers: {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
            ...cached,
          },
          body: PAGE,
        },
      }),
    }),
    httpFunction({
      name: "api-docs-asset",
      route: "docs/{asset}",
      method: "GET",
      summary: "Static files of the documentation page",
      tags: ["system"],
      access: { public: true },
      params: z.object({ asset: text({ max: 100, trim: false }) }),
      response: { raw: "text/css | application/javascript" },
      handler: async ({ params }) => {
        if (params.asset === "init.js") {
          return {
            raw: { headers: { "Content-Type": "application/javascript; charset=utf-8", ...cached }, body: INIT },
          };
        }
        const type = ASSETS.get(params.asset);
        if (!type) throw new NotFoundError("Asset", params.asset);
        return {
          raw: { headers: { "Content-Type": type, ...cached }, body: readFileSync(join(swaggerDir, params.asset)) },
        };
      },
    }),
  ];
}
