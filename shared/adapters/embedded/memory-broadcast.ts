import type { Broadcast, BroadcastListener, Subscription } from "../../ports/broadcast.js";

/** One process is every instance: messages are delivered synchronously and never missed. */
export class InProcessBroadcast implements Broadcast {
  readonly #listeners = new Map<string, Set<BroadcastListener>>();

  async publish(topic: string, message: string): Promise<void> {
    for (const listener of this.#listeners.get(topic) ?? []) listener.message(message);
  }

  async subscribe(topic: string, listener: BroadcastListener): Promise<Subscription> {
    const listeners = this.#listeners.get(topic) ?? new Set<BroadcastListener>();
    listeners.add(listener);
    this.#listeners.set(topic, listeners);
    return { live: true };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
