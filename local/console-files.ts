import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { pipeline } from "node:stream/promises";

/** The console bundle that `npm run build` writes (vite build → dist/web). */
const ROOT = fileURLToPath(new URL("../web/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

/**
 * The console's policy: only its own origin, plus Entra ID's token endpoint (the browser
 * redeems its sign-in code there, as single-page applications must); no inline script or
 * style, no framing.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self' https://login.microsoftonline.com; " +
  "frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'";

/** The policy with another sign-in origin the browser may call (ENTRA_AUTHORITY's, such as the local simulator's). */
export function consoleCsp(signInOrigin?: string): string {
  if (!signInOrigin || CONSOLE_CSP.includes(` ${signInOrigin};`)) return CONSOLE_CSP;
  return CONSOLE_CSP.replace("connect-src 'self'", `connect-src 'self' ${signInOrigin}`);
}

function headersFor(signInOrigin: string | undefined) {
  return {
    "Content-Security-Policy": consoleCsp(signInOrigin),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  };
}

/**
 * Serves the console for a GET or HEAD outside /api, as Static Web Apps does in Azure:
 * a file under dist/web/assets (hashed names: cached for a year, immutable) or else
 * index.html (no-cache, so a new deployment is seen at once) for the client-side router.
 * Returns false when there is no bundle (tests that never built it), so the caller 404s.
 */
export async function serveConsole(
  method: string,
  pathname: string,
  res: ServerResponse,
  signInOrigin?: string,
): Promise<boolean> {
  const headers = headersFor(signInOrigin);
  if (method !== "GET" && method !== "HEAD") return false;
  if (pathname === "/api" || pathname.startsWith("/api/")) return false;
  const asset = pathname.startsWith("/assets/") ? normalize(join(ROOT, pathname)) : undefined;
  let file = join(ROOT, "index.html");
  let immutable = false;
  if (asset && asset.startsWith(ROOT + "assets" + sep) && (await isFile(asset))) {
    file = asset;
    immutable = true;
  } else if (asset) {
    // A missing asset is a 404, not index.html (a stale page must not parse HTML as script).
    res.writeHead(404, { ...headers, "Cache-Control": "no-store" }).end();
    return true;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    ...headers,
    "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
    "Content-Length": String(info.size),
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  if (method === "HEAD") {
    res.end();
    return true;
  }
  await pipeline(createReadStream(file), res);
  return true;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
