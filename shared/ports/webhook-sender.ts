/** One signed webhook POST, ready to go: the body is sent byte for byte as signed. */
export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
}

/**
 * What became of a POST: the receiver answered (any status), the network failed (refused,
 * reset, timed out: worth another try), or the address was refused before connecting
 * (the host resolved to a private address: not worth another try).
 */
export type WebhookResult =
  | { readonly kind: "answered"; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: "network"; readonly message: string }
  | { readonly kind: "refused"; readonly message: string };

/** Posts webhooks to customers' receivers; never throws for what the receiver or the network does. */
export interface WebhookSender {
  post(request: WebhookRequest): Promise<WebhookResult>;
  /**
   * Why this URL may not be posted to (its host is, or resolves to, a loopback, private or
   * link-local address; or it does not resolve), or undefined when it may. `post` checks
   * again at connect time, so a name that changes its answer later is still refused.
   */
  refusal(url: string): Promise<string | undefined>;
}
