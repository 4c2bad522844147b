/**
 * The real services as OS processes, exactly as `npm start` runs them
 * (`node --conditions=@equihome/source --import tsx apps/<name>/src/<entry>.ts`), on free
 * ports, for the end-to-end tests and the benchmark. Stopped by pid (SIGTERM, or SIGKILL for
 * a crash), never by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@equihome/testing';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServiceProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>` (workers: their health port, unused). */
  readonly url: string;
  readonly pid: number;
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** The last output lines (stdout and stderr). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** Folder under apps/. */
  app: string;
  /** Entry file under src/ (default `main.ts`). */
  entry?: string;
  env: Record<string, string>;
  /** Resolves once this holds (default: `GET /health/ready` answers 200). */
  ready?: (service: ServiceProcess) => Promise<boolean>;
  readyTimeoutMs?: number;
}

export async function startProcess(options: StartOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const entry = options.entry ?? 'main.ts';
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', `apps/${options.app}/src/${entry}`], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...options.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const service: ServiceProcess = {
    name: `${options.app}/${entry}`,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const ready = options.ready ?? (async (s) => (await fetch(`${s.url}/health/ready`).catch(() => null))?.status === 200);
  try {
    await waitFor(async () => gone || (await ready(service)), { timeoutMs: options.readyTimeoutMs ?? 90_000, intervalMs: 200, message: `${service.name} ready` });
  } catch (err) {
    await service.stop('SIGKILL');
    throw new Error(`${service.name} did not become ready: ${(err as Error).message}\n${output.slice(-3_000)}`);
  }
  if (gone) throw new Error(`${service.name} exited at start-up:\n${output.slice(-3_000)}`);
  return service;
}

/** A simulation worker process: ready once it logs that it takes jobs. */
export function startWorker(env: Record<string, string>): Promise<ServiceProcess> {
  return startProcess({
    app: 'simulation-service',
    entry: 'worker.ts',
    env: { ...env, LOG_LEVEL: 'info' },
    ready: async (s) => s.output().includes('simulation worker started'),
  });
}
