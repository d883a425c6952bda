import type { Redis } from "ioredis";
import type { Broadcast, BroadcastListener, Subscription } from "../../ports/broadcast.js";
import { redisCommand, reportConnectionErrors } from "./redis-unavailable.js";

/** The subscriber pings this often... */
const HEARTBEAT_MS = 1000;
/** ...and counts as live only if Redis answered within this long (a silently dead connection is noticed in seconds, not at the TCP timeout). */
const SILENCE_LIMIT_MS = 3000;

/**
 * Redis pub/sub. Publishing uses the shared client; receiving uses one dedicated connection
 * (a subscribed connection can run no other command). Pub/sub keeps nothing for a
 * disconnected subscriber, so every connection loss resets the listeners, and so does the
 * subscription that follows a reconnect (messages sent in between are gone). The subscriber
 * is the publisher's duplicate, with its command timeout; a failed publish or subscribe is
 * 503 with Retry-After, as for the cache.
 */
export class RedisBroadcast implements Broadcast {
  readonly #publisher: Redis;
  readonly #prefix: string;
  readonly #listeners = new Map<string, Set<BroadcastListener>>();
  #subscriber: Redis | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #subscribed = false;
  #heardAt = 0;
  /** When the unanswered on-demand ping (if any) was sent. */
  #pingedAt = 0;
  readonly #heartbeatMode: "interval" | "on-demand";
  readonly #onConnectionError: ((error: Error) => void) | undefined;

  /**
   * `heartbeat`: `interval` pings every second from a timer (a long-running process);
   * `on-demand` (Azure's serverless workers, where no interval should run) pings when the
   * subscription's liveness is asked (every authenticated request) and the last answer is
   * over a second old, reconnecting when a ping stays unanswered too long.
   */
  constructor(
    publisher: Redis,
    prefix = "fip:broadcast:",
    {
      heartbeat = "interval",
      onConnectionError,
    }: { heartbeat?: "interval" | "on-demand"; onConnectionError?: (error: Error) => void } = {},
  ) {
    this.#publisher = publisher;
    this.#prefix = prefix;
    this.#heartbeatMode = heartbeat;
    this.#onConnectionError = onConnectionError;
  }

  async publish(topic: string, message: string): Promise<void> {
    await redisCommand(this.#publisher.publish(this.#prefix + topic, message));
    // Redis writes PUBLISH's reply before the message to the subscribers (seen in CI: a role
    // change acknowledged, and the other instance's next request still answered from
    // memory). A second command is answered in a later turn of Redis's loop, after that
    // write: once it returns, every subscriber's socket holds the message.
    await redisCommand(this.#publisher.ping());
  }

  async subscribe(topic: string, listener: BroadcastListener): Promise<Subscription> {
    const subscriber = await this.#connect();
    const listeners = this.#listeners.get(topic) ?? new Set<BroadcastListener>();
    // Not connected yet (Redis slow or down at start): the `ready` handler subscribes every
    // topic once it can, and the subscription is not live until then.
    if (listeners.size === 0 && subscriber.status === "ready")
      await redisCommand(subscriber.subscribe(this.#prefix + topic));
    listeners.add(listener);
    this.#listeners.set(topic, listeners);
    const broadcast = this;
    return {
      get live() {
        if (broadcast.#heartbeatMode === "on-demand") broadcast.#beatOnDemand();
        return broadcast.#live();
      },
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#subscribed = false;
    this.#subscriber?.disconnect();
    this.#listeners.clear();
  }

  #live(): boolean {
    return this.#subscribed && Date.now() - this.#heardAt < SILENCE_LIMIT_MS;
  }

  async #connect(): Promise<Redis> {
    if (this.#subscriber) return this.#subscriber;
    // Resubscribing is done here, not by ioredis, so the listeners learn when it completed.
    const subscriber = this.#publisher.duplicate({
      lazyConnect: true,
      autoResubscribe: false,
      enableAutoPipelining: false,
    });
    this.#subscriber = subscriber;
    reportConnectionErrors(subscriber, this.#onConnectionError);
    subscriber.on("message", (channel: string, message: string) => {
      this.#heardAt = Date.now();
      for (const listener of this.#listeners.get(channel.slice(this.#prefix.length)) ?? []) listener.message(message);
    });
    subscriber.on("close", () => {
      if (!this.#subscribed) return;
      this.#subscribed = false;
      this.#resetAll();
    });
    subscriber.on("ready", () => {
      if (this.#subscribed) return;
      const channels = [...this.#listeners.keys()].map((topic) => this.#prefix + topic);
      void (channels.length > 0 ? subscriber.subscribe(...channels) : Promise.resolve()).then(
        () => {
          this.#subscribed = true;
          this.#heardAt = Date.now();
          this.#resetAll();
        },
        // A failed resubscribe leaves the subscription not live; the next reconnect retries.
        () => undefined,
      );
    });
    // A failure is not thrown: Redis down must not stop the start; ioredis keeps reconnecting.
    await subscriber.connect().catch(() => undefined);
    if (this.#heartbeatMode === "on-demand") return subscriber;
    this.#heartbeat = setInterval(() => {
      if (subscriber.status !== "ready") return;
      if (this.#subscribed && !this.#live()) {
        // Silent too long: a dead link may look open for minutes; reconnect (close resets the listeners).
        subscriber.disconnect(true);
        return;
      }
      subscriber.ping().then(
        () => (this.#heardAt = Date.now()),
        () => undefined,
      );
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
    return subscriber;
  }

  #beatOnDemand(): void {
    const subscriber = this.#subscriber;
    if (!subscriber || subscriber.status !== "ready" || !this.#subscribed) return;
    const now = Date.now();
    if (this.#pingedAt > this.#heardAt) {
      // A ping went unanswered: past the limit the link is dead; reconnect (close resets the listeners).
      if (now - this.#pingedAt >= SILENCE_LIMIT_MS) subscriber.disconnect(true);
      return;
    }
    if (now - this.#heardAt < HEARTBEAT_MS) return;
    this.#pingedAt = now;
    subscriber.ping().then(
      () => (this.#heardAt = Date.now()),
      () => undefined,
    );
  }

  #resetAll(): void {
    for (const listeners of this.#listeners.values()) for (const listener of listeners) listener.reset();
  }
}
