/** A sleep that ends early when woken (new work arrived) or stopped (shutdown). */
export class WakeableSleep {
  private wakeUp: (() => void) | undefined;
  private stopped = false;

  /** Resolves after `ms`, on `wake()`, or at once after `stop()`. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wakeUp === done) self.wakeUp = undefined;
        resolve();
      }
      this.wakeUp = done;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
