import { ConfigurationError } from "../shared/index.js";
import { startLocalHost } from "./local-host.js";

/** `npm start`: the whole platform on a laptop, on embedded defaults unless settings say otherwise. */
async function main(): Promise<void> {
  const host = await startLocalHost();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    host.platform.logger.info(`Received ${signal}; stopping (Azurite, queues, timers)`);
    await host.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigurationError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
