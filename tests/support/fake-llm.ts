import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeLlmRequest {
  readonly authorization: string | undefined;
  readonly messages: readonly { role: string; content: string }[];
}

/**
 * A local OpenAI-compatible chat completions server for tests: answers each request with
 * what `reply` returns for its messages, and records the requests.
 */
export async function startFakeLlm(reply: (request: FakeLlmRequest) => string) {
  const requests: FakeLlmRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { messages: FakeLlmRequest["messages"] };
      const request = { authorization: req.headers.authorization, messages: body.messages };
      requests.push(request);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: reply(request) } }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
