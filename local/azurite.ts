import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createConnection } from "node:net";
import { dirname, join, resolve } from "node:path";

export interface AzuriteConfig {
  blobHost: string;
  blobPort: number;
  location: string;
  accountName: string;
  loose: boolean;
  skipApiVersionCheck: boolean;
  disableTelemetry: boolean;
  silent: boolean;
}

export function readAzuriteConfig(file = "azurite.config.json"): AzuriteConfig {
  return JSON.parse(readFileSync(file, "utf8")) as AzuriteConfig;
}

export interface RunningAzurite {
  readonly connectionString: string;
  readonly blobEndpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's blob service from the `azurite` npm package as a child process. The
 * account key is random per start (AZURITE_ACCOUNTS), so no key is written anywhere; data
 * persists in `location` and is keyed by account name, not key.
 */
export async function startAzurite(config: AzuriteConfig): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("azurite/package.json"));
  const bin = join(
    packageDir,
    (require("azurite/package.json") as { bin: Record<string, string> }).bin["azurite-blob"]!,
  );
  const location = resolve(config.location);
  mkdirSync(location, { recursive: true });
  const key = randomBytes(64).toString("base64");
  const args = [bin, "--blobHost", config.blobHost, "--blobPort", String(config.blobPort), "--location", location];
  if (config.loose) args.push("--loose");
  if (config.skipApiVersionCheck) args.push("--skipApiVersionCheck");
  if (config.disableTelemetry) args.push("--disableTelemetry");
  if (config.silent) args.push("--silent");

  const child = spawn(process.execPath, args, {
    env: { ...process.env, AZURITE_ACCOUNTS: `${config.accountName}:${key}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));

  await waitForPort(config.blobHost, config.blobPort, child, () => output);
  const blobEndpoint = `http://${config.blobHost}:${config.blobPort}/${config.accountName}`;
  return {
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${config.accountName};AccountKey=${key};BlobEndpoint=${blobEndpoint};`,
    stop: () => stopChild(child),
  };
}

async function waitForPort(host: string, port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `Azurite exited with code ${child.exitCode} (is port ${port} already in use?): ${output().slice(-500)}`,
      );
    }
    if (await canConnect(host, port)) {
      // Someone else may hold the port: then our Azurite fails to bind and exits; make sure it is ours.
      await new Promise((r) => setTimeout(r, 300));
      if (child.exitCode !== null)
        throw new Error(
          `Azurite exited with code ${String(child.exitCode)}: port ${port} is already in use: ${output().slice(-500)}`,
        );
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`Azurite did not listen on ${host}:${port} within 30 s: ${output().slice(-500)}`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = createConnection({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once("error", () => resolveConnect(false));
  });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill("SIGTERM");
  });
}
