import type { Logger } from '@fleet/core';
import type { AlertStore } from './alert-store.js';
import { WakeableSleep } from './wakeable-sleep.js';

export interface LeaderLeaseOptions {
  store: AlertStore;
  /** This replica's id. */
  owner: string;
  /** How long the lease lasts unless renewed. */
  ttlMs: number;
  logger: Logger;
  /** Told when this replica becomes, or stops being, the one that acts. */
  onChange: (acting: boolean) => void;
}

/**
 * Elects the replica that runs the checks and polls for bot commands. The holder renews every
 * third of the lease; the others try once per lease, so after a Redis restart wiped the key the
 * previous holder is the likely one to take it back.
 *
 * While Redis is unreachable nobody can take the lease over, so the last holder carries on (it is
 * the one that announces the outage); a replica that never reached Redis since it started acts
 * too, or a lone monitor starting during an outage would stay silent.
 */
export class LeaderLease {
  private readonly sleeper = new WakeableSleep();
  private running: Promise<void> | undefined;
  private holder = false;
  private reachedRedis = false;
  private reachable = false;
  private acting = false;

  constructor(private readonly options: LeaderLeaseOptions) {}

  /** True while this replica should check and poll. */
  get isActing(): boolean {
    return this.acting;
  }

  /** Makes the first attempt, then keeps the lease in the background. */
  async start(): Promise<void> {
    await this.attempt();
    this.running ??= this.loop();
  }

  /** Stops renewing and hands the lease over at once; safe to call twice. */
  async stop(): Promise<void> {
    this.sleeper.stop();
    await this.running;
    if (this.holder) {
      this.holder = false;
      await this.options.store.releaseLease(this.options.owner).catch(() => {
        // Redis is down: the lease expires by itself.
      });
    }
    this.update();
  }

  private async loop(): Promise<void> {
    while (!this.sleeper.isStopped) {
      await this.sleeper.sleep(this.holder ? this.options.ttlMs / 3 : this.options.ttlMs);
      if (!this.sleeper.isStopped) await this.attempt();
    }
  }

  private async attempt(): Promise<void> {
    const { store, owner, ttlMs, logger } = this.options;
    try {
      const held = await store.holdLease(owner, ttlMs);
      if (held !== this.holder)
        logger.info({ owner }, held ? 'took the lease: running checks' : 'lost the lease');
      this.holder = held;
      this.reachable = true;
      this.reachedRedis = true;
    } catch {
      this.reachable = false;
    }
    this.update();
  }

  private update(): void {
    const acting =
      !this.sleeper.isStopped && (this.holder || (!this.reachable && !this.reachedRedis));
    if (acting === this.acting) return;
    this.acting = acting;
    this.options.onChange(acting);
  }
}
