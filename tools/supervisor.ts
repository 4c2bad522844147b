/**
 * The local process supervisor of `npm start`: runs each app as its own OS process (Node with
 * tsx's loader, from source), prefixes every line it prints with the app's name, restarts a
 * process that dies (as a Kubernetes Deployment would: back-off 1 s doubling to 30 s, reset
 * after a minute of uptime), and on stop sends SIGTERM to all, waits for their graceful
 * shutdown and SIGKILLs what is still there after `killAfterMs`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface AppProcess {
  /** Printed before each of its lines (`fund-service`, `simulation-worker-1`…). */
  name: string;
  /** Entry point, relative to `cwd`. */
  script: string;
  /** Extra environment (on top of the supervisor's own). */
  env?: Record<string, string>;
}

export interface Supervisor {
  /** Current pid of each app (undefined while it is being restarted). */
  pids(): Record<string, number | undefined>;
  /** Restarts seen so far, by app. */
  restarts(): Record<string, number>;
  stop(): Promise<void>;
}

const COLOURS = [36, 35, 33, 32, 34, 96, 95, 93];
const MAX_BACKOFF_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

export function supervise(apps: AppProcess[], options: { cwd: string; killAfterMs?: number; colour?: boolean; log?: (line: string) => void }): Supervisor {
  const out = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const width = Math.max(...apps.map((a) => a.name.length));
  const colour = options.colour ?? process.stdout.isTTY;
  const label = (app: AppProcess, i: number) => {
    const text = app.name.padEnd(width);
    return colour ? `\u001b[${COLOURS[i % COLOURS.length]}m${text}\u001b[0m |` : `${text} |`;
  };
  let stopping = false;
  const children = new Map<string, ChildProcess>();
  const restartCount: Record<string, number> = Object.fromEntries(apps.map((a) => [a.name, 0]));
  const timers = new Set<NodeJS.Timeout>();

  const start = (app: AppProcess, i: number, backoffMs: number) => {
    const prefix = label(app, i);
    const child = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', app.script], {
      cwd: options.cwd,
      env: { ...process.env, ...app.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(app.name, child);
    const startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream! }).on('line', (line) => out(`${prefix} ${line}`));
    child.on('exit', (code, signal) => {
      children.delete(app.name);
      if (stopping) return;
      const next = Date.now() - startedAt > STABLE_AFTER_MS ? 1_000 : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      const wait = Date.now() - startedAt > STABLE_AFTER_MS ? 1_000 : backoffMs;
      out(`${prefix} exited (${signal ?? `code ${code}`}); restarting in ${(wait / 1000).toFixed(0)} s`);
      restartCount[app.name]++;
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopping) start(app, i, next);
      }, wait);
      timers.add(timer);
    });
  };
  apps.forEach((app, i) => start(app, i, 1_000));

  return {
    pids: () => Object.fromEntries(apps.map((a) => [a.name, children.get(a.name)?.pid])),
    restarts: () => ({ ...restartCount }),
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      const running = [...children.values()];
      const exited = running.map((c) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(null) : c.once('exit', resolve))));
      for (const c of running) c.kill('SIGTERM');
      const force = setTimeout(() => {
        for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      }, options.killAfterMs ?? 20_000);
      await Promise.all(exited);
      clearTimeout(force);
    },
  };
}
