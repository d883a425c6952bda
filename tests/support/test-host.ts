import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalHost, type LocalHost, type LocalHostOptions } from "../../local/local-host.js";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = "fip-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Logs are kept in memory so test output stays readable; dumped when asked. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly sink = (line: string) => void this.lines.push(line);
  entries(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

export interface TestHost extends LocalHost {
  readonly logs: LogCapture;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** A real local host on free ports with its own data folder and Azurite. */
export async function startTestHost(
  env: Record<string, string> = {},
  options: Omit<LocalHostOptions, "env" | "azurite"> = {},
): Promise<TestHost> {
  // A port picked by freePort can be taken by a parallel test before Azurite binds it: retry.
  for (let attempt = 1; ; attempt++) {
    const dir = tempDir();
    const logs = new LogCapture();
    try {
      const host = await startLocalHost({
        env: {
          PATH: process.env.PATH ?? "",
          PORT: "0",
          DATA_DIR: dir.path,
          LOG_LEVEL: "info",
          // A small synthetic expense dataset (the planted facts included) keeps start-up fast.
          ANALYTICS_SEED_ROWS: "2000",
          ...env,
        },
        azurite: { blobPort: await freePort(), location: join(dir.path, "azurite") },
        logSink: logs.sink,
        ...options,
      });
      return {
        ...host,
        logs,
        dataDir: dir.path,
        stop: async () => {
          await host.close();
          dir.remove();
        },
      };
    } catch (error) {
      dir.remove();
      if (attempt >= 3 || !/already in use|EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A small HTTP client over fetch that parses JSON when the response is JSON. With
 * `localAddress` (a loopback alias such as 127.0.0.2) its requests come from that address,
 * which the local host appends to X-Forwarded-For: one test can be several clients.
 */
export function apiClient(baseUrl: string, client: { localAddress?: string } = {}) {
  return async function call<T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers["content-type"] ??= "application/json";
    if (client.localAddress) return requestFrom<T>(client.localAddress, baseUrl + path, method, headers, body);
    const response = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    const parsed = (response.headers.get("content-type") ?? "").includes("json") && text ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: parsed as T };
  };
}

/** fetch cannot choose its source address; node:http can. */
function requestFrom<T>(
  localAddress: string,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const json = (res.headers["content-type"] ?? "").includes("json") && text;
        resolve({
          status: res.statusCode ?? 0,
          headers: toHeaders(res.headers),
          body: (json ? JSON.parse(text) : text) as T,
        });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  return headers;
}

/**
 * Whether requests can come from loopback aliases (127.0.0.2 and up): Linux routes all of
 * 127.0.0.0/8 to lo, macOS only 127.0.0.1 unless aliases were added. A reason to skip when not.
 */
export async function loopbackAliasesSkip(): Promise<string | undefined> {
  const server = createHttpServer((req, res) => res.end(req.socket.remoteAddress));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as { port: number };
    const seen = await requestFrom<string>("127.0.0.2", `http://127.0.0.1:${port}/`, "GET", {}, undefined);
    return seen.body === "127.0.0.2" ? undefined : `requests from 127.0.0.2 arrived from ${seen.body}`;
  } catch (error) {
    return `this machine cannot send from loopback aliases such as 127.0.0.2 (${(error as Error).message}); SKIPPED`;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The admin the local host seeds (its documented local defaults). */
export const LOCAL_ADMIN = { username: "admin", password: "local-admin-password" } as const;

type ApiClient = ReturnType<typeof apiClient>;

/** Logs in (the local admin unless told otherwise) and returns the access token. */
export async function loginAs(
  call: ApiClient,
  user: { username: string; password: string } = LOCAL_ADMIN,
): Promise<string> {
  const r = await call("POST", "/api/v1/auth/login", { body: user });
  if (r.status !== 200) throw new Error(`login as ${user.username} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data.access_token as string;
}

/** Creates a user with these roles (as `adminToken`), logs it in and returns its access token. */
export async function tokenFor(
  call: ApiClient,
  adminToken: string,
  username: string,
  roles: readonly string[],
  password = "correct-horse-battery",
): Promise<string> {
  const created = await call("POST", "/api/v1/users", { token: adminToken, body: { username, password, roles } });
  if (created.status !== 201)
    throw new Error(`creating ${username} failed: ${created.status} ${JSON.stringify(created.body)}`);
  return loginAs(call, { username, password });
}
