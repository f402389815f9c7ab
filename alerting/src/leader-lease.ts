import type { Logger } from '@fleet/core';
import type { AlertStore } from './alert-store.js';
import { WakeableSleep } from './wakeable-sleep.js';

export interface LeaderLeaseOptions {
  store: AlertStore;
  /** This replica's id. */
  owner: string;
  /** How long the lease lasts unless renewed. */
  ttlMs: number;
  /**
   * How often this replica marks itself present (and renews or tries the lease). Its presence
   * lasts three of these: a replica gone that long (a crash) loses its lease and its outbox
   * claims to the others at once, without waiting out `ttlMs`.
   * @defaultValue 1000
   */
  presenceEveryMs?: number;
  logger: Logger;
  /** Told when this replica becomes, or stops being, the one that acts. */
  onChange: (acting: boolean) => void;
}

/**
 * Elects the replica that runs the checks and polls for bot commands. Every replica marks itself
 * present every `presenceEveryMs` and, in the same script, renews or tries the lease. A holder
 * that stops being present (killed, frozen, cut off) is replaced within three of those, not
 * after the whole lease; `ttlMs` is the backstop.
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
    // Always: a replica that is not the holder has a presence (and maybe claims) to end too.
    this.holder = false;
    await this.options.store.releaseLease(this.options.owner).catch(() => {
      // Redis is down: the lease and the presence expire by themselves.
    });
    this.update();
  }

  private get presenceEveryMs(): number {
    return this.options.presenceEveryMs ?? 1000;
  }

  private async loop(): Promise<void> {
    while (!this.sleeper.isStopped) {
      await this.sleeper.sleep(this.presenceEveryMs);
      if (!this.sleeper.isStopped) await this.attempt();
    }
  }

  private async attempt(): Promise<void> {
    const { store, owner, ttlMs, logger } = this.options;
    try {
      const held = await store.holdLease(owner, ttlMs, this.presenceEveryMs * 3);
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
