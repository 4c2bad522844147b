import type { SimulationGetRpcReply } from '@equihome/domain';
import type { LiveSubscription, Messaging, MessagingLogger } from '@equihome/messaging';
import { transientRpcError } from './rpc.js';

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

interface Waiter {
  resolve(run: SimulationGetRpcReply): void;
  reject(err: unknown): void;
}

/**
 * Waits for simulation runs to end. Woken by the runs' terminal events
 * (`equihome.simulation.completed | failed | cancelled`, a live core-NATS subscription: the
 * outbox relay of simulation-service publishes them), and — because a live subscription
 * misses what is published while it reconnects — every `pollMs` it also asks
 * `equihome.rpc.simulation.get` for the runs still awaited. On an end it reads the run
 * (state, error and the metrics of a completed run: a few KB) and resolves every waiter.
 */
export class RunWatcher {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly checking = new Set<string>();
  private live: LiveSubscription | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly messaging: Messaging,
    private readonly options: { pollMs: number; timeoutMs: number; log: MessagingLogger },
  ) {}

  start(): void {
    this.live = this.messaging.subscribe('equihome.simulation.>', (event) => {
      if (event.type === 'equihome.simulation.progress') return;
      const id = (event.data as { id?: string }).id;
      if (id !== undefined && TERMINAL.has((event.data as { state?: string }).state ?? '') && this.waiters.has(id)) void this.check(id);
    });
    this.timer = setInterval(() => {
      for (const id of this.waiters.keys()) void this.check(id);
    }, this.options.pollMs);
    this.timer.unref();
  }

  /** Reads the run now. */
  get(id: string): Promise<SimulationGetRpcReply> {
    return this.messaging.request('equihome.rpc.simulation.get', { id }, { timeoutMs: this.options.timeoutMs });
  }

  /** Resolves with the run once it is completed, failed or cancelled; rejects when `signal` aborts. */
  wait(id: string, signal: AbortSignal): Promise<SimulationGetRpcReply> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const set = this.waiters.get(id) ?? new Set<Waiter>();
      this.waiters.set(id, set);
      const onAbort = () => {
        set.delete(waiter);
        if (set.size === 0) this.waiters.delete(id);
        reject(signal.reason);
      };
      const waiter: Waiter = {
        resolve: (run) => {
          signal.removeEventListener('abort', onAbort);
          resolve(run);
        },
        reject: (err) => {
          signal.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      set.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
      void this.check(id);
    });
  }

  private async check(id: string): Promise<void> {
    if (this.checking.has(id)) return;
    this.checking.add(id);
    try {
      const run = await this.get(id);
      if (!TERMINAL.has(run.state)) return;
      const set = this.waiters.get(id);
      this.waiters.delete(id);
      for (const w of set ?? []) w.resolve(run);
    } catch (err) {
      if (transientRpcError(err)) {
        this.options.log.warn({ err: (err as Error).message, runId: id }, 'simulation run not read (simulation-service unavailable?); retrying');
        return;
      }
      const set = this.waiters.get(id);
      this.waiters.delete(id);
      for (const w of set ?? []) w.reject(err);
    } finally {
      this.checking.delete(id);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.live?.stop();
  }
}
