import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { hostOf, isLocalName, isNonPublicAddress } from "../../kernel/network-address.js";
import type { WebhookRequest, WebhookResult, WebhookSender } from "../../ports/webhook-sender.js";

export interface HttpWebhookSenderOptions {
  /** Whether a URL's host (and port) may reach a private address (the local receiver); others are checked. */
  readonly mayBePrivate: (url: URL) => boolean;
  /** Resolves a host name to every address (dns.lookup with `all`); tests stand in a changing DNS. */
  readonly resolve?: (host: string) => Promise<readonly LookupAddress[]>;
}

/** Answers read at most this far: a receiver's body is never needed, only its status. */
const MAX_ANSWER_BYTES = 64 * 1024;

class RefusedAddress extends Error {}

/**
 * Webhooks over node:http(s). The host is resolved in the connection's own `lookup`, and
 * every address DNS returns is checked there, so the address connected to is the address
 * checked: a name that resolved to a public address when the endpoint was saved and to
 * 169.254.169.254 now (DNS rebinding) is refused. No redirects are followed.
 */
export class HttpWebhookSender implements WebhookSender {
  readonly #o: HttpWebhookSenderOptions;
  readonly #resolve: (host: string) => Promise<readonly LookupAddress[]>;

  constructor(options: HttpWebhookSenderOptions) {
    this.#o = Object.freeze({ ...options });
    this.#resolve = options.resolve ?? lookupAll;
  }

  async refusal(text: string): Promise<string | undefined> {
    const url = new URL(text);
    if (this.#o.mayBePrivate(url)) return undefined;
    const host = hostOf(url);
    if (isLocalName(host)) return `${host} names this machine, not a public host`;
    if (isIP(host) !== 0)
      return isNonPublicAddress(host) ? `${host} is a loopback, private or link-local address` : undefined;
    try {
      const addresses = await this.#resolve(host);
      const blocked = addresses.find((a) => isNonPublicAddress(a.address));
      return blocked ? `${host} resolves to ${blocked.address}, a loopback, private or link-local address` : undefined;
    } catch (error) {
      return `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  }

  async post(request: WebhookRequest): Promise<WebhookResult> {
    const url = new URL(request.url);
    const checked = !this.#o.mayBePrivate(url);
    const host = hostOf(url);
    if (checked && (isLocalName(host) || (isIP(host) !== 0 && isNonPublicAddress(host))))
      return { kind: "refused", message: `${host} is not a public address` };
    const options: RequestOptions = {
      method: "POST",
      headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
      // `timeout` catches a silent socket; the signal bounds the whole exchange (a slow drip too).
      timeout: request.timeoutMs,
      signal: AbortSignal.timeout(request.timeoutMs),
      ...(checked ? { lookup: publicOnlyLookup(this.#resolve) } : {}),
    };
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<WebhookResult>((resolve) => {
      const req = send(url, options, (res) => {
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const answered = () => {
          const retryAfter = Number(res.headers["retry-after"]);
          resolve({
            kind: "answered",
            status: res.statusCode ?? 0,
            ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
          });
        };
        res.on("end", answered);
        res.on("close", answered);
        res.on("error", answered);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)));
      req.on("error", (error) => {
        resolve(
          error instanceof RefusedAddress
            ? { kind: "refused", message: error.message }
            : { kind: "network", message: error.message },
        );
      });
      req.end(request.body);
    });
  }
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

/** A connection's lookup that resolves the name and refuses it when any address is not public. */
function publicOnlyLookup(resolve: (host: string) => Promise<readonly LookupAddress[]>): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const blocked = addresses.find((a) => isNonPublicAddress(a.address));
        if (blocked)
          return callback(
            new RefusedAddress(`${hostname} resolves to ${blocked.address}, not a public address`),
            "",
            0,
          );
        const first = addresses[0];
        if (!first) return callback(new Error(`${hostname} resolves to no address`), "", 0);
        // net asks for every address when it may race IPv4 and IPv6 (autoSelectFamily).
        if (options.all) return callback(null, addresses as unknown as string);
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}
