/**
 * Small messages fanned out to every instance (Redis pub/sub; in-process for a single
 * laptop process). Delivery is at most once: a subscriber that may have missed messages
 * is told so through `reset`, so whatever it keeps from them must be dropped.
 */
export interface Broadcast {
  /** Resolves once the message has been handed to every live subscriber's connection. */
  publish(topic: string, message: string): Promise<void>;
  subscribe(topic: string, listener: BroadcastListener): Promise<Subscription>;
  close(): Promise<void>;
}

export interface BroadcastListener {
  message(text: string): void;
  /** Messages may have been missed (connection lost, or subscribed again after a loss). */
  reset(): void;
}

export interface Subscription {
  /** True while messages are being received; anything kept from them is only trustworthy then. */
  readonly live: boolean;
}
