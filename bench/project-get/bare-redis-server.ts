// Child process: the baseline. A bare node:http server that answers every request with one
// Redis GET of `key`, sent as JSON with the same header names the platform sends.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { runChild } from "../lib/child.js";

export interface BareServerInfo {
  readonly url: string;
}

runChild<BareServerInfo>(async ([redisUrl, key, headersJson]) => {
  if (!redisUrl || !key) throw new Error("usage: bare-redis-server <redisUrl> <key> [headersJson]");
  // The same client options the platform's connectRedis uses.
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    connectTimeout: 5000,
    commandTimeout: 2000,
    socketTimeout: 2000,
    autoResendUnfulfilledCommands: false,
  });
  await redis.connect();
  const staticHeaders = JSON.parse(headersJson ?? "{}") as Record<string, string>;
  const server = createServer((_req, res) => {
    redis.get(key).then(
      (value) => {
        if (value === null) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { ...staticHeaders, "x-correlation-id": randomUUID() });
        res.end(value);
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    info: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      redis.disconnect();
    },
  };
});
