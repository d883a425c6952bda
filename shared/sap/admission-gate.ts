/**
 * A counting semaphore with a deadline: at most `limit` holders at once; a caller waits
 * in FIFO order and gives up when its wait passes the deadline. This is what keeps a
 * month-end reporting rush from piling onto SAP.
 */
export class AdmissionGate {
  readonly #limit: number;
  #held = 0;
  readonly #waiters: { grant: () => void; timer: NodeJS.Timeout | undefined }[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  get inUse(): number {
    return this.#held;
  }

  /** Resolves with a release function, or false when no slot freed up within `waitMs`. */
  acquire(waitMs: number): Promise<(() => void) | false> {
    if (this.#held < this.#limit && this.#waiters.length === 0) {
      this.#held++;
      return Promise.resolve(this.#releaser());
    }
    if (waitMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        grant: () => {
          if (waiter.timer) clearTimeout(waiter.timer);
          this.#held++;
          resolve(this.#releaser());
        },
        timer: undefined as NodeJS.Timeout | undefined,
      };
      waiter.timer = setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        resolve(false);
      }, waitMs);
      this.#waiters.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
      this.#waiters.shift()?.grant();
    };
  }
}
