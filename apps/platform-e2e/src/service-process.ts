/**
 * A service started as its own OS process, exactly as `npm start` starts it
 * (`node --conditions=@equihome/source --import tsx apps/<name>/src/main.ts`), on a free port,
 * with the caller's environment. Black-box tests drive it over real HTTP and may kill it by
 * its pid (SIGTERM for a graceful stop, SIGKILL for a crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@equihome/testing';

export { freePort };

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface ServiceProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves with the exit code or signal once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** What the process wrote to stderr so far (start-up errors, crash traces). */
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and waits for the exit (SIGKILL after `graceMs`, default 15 s). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}


export interface StartServiceOptions {
  /** The app folder under apps/ (`fund-service`). */
  name: string;
  /** Environment of the process (PORT is set by this function unless given). */
  env: Record<string, string>;
  /** How long to wait for `/health/ready` (default 60 s). */
  readyTimeoutMs?: number;
}

/** Starts the service and resolves once `GET /health/ready` answers 200; rejects (and kills it) otherwise. */
export async function startServiceProcess(options: StartServiceOptions): Promise<ServiceProcess> {
  const port = options.env.PORT !== undefined ? Number(options.env.PORT) : await freePort();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...options.env, PORT: String(port) };
  const child: ChildProcess = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', `apps/${options.name}/src/main.ts`], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    name: options.name,
    url,
    port,
    pid: child.pid ?? -1,
    exited,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!done) {
    const ready = await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false);
    if (ready) return service;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 150));
  }
  await service.stop('SIGKILL');
  throw new Error(`${options.name} did not become ready on :${port}: ${stderr.trim().slice(-2000) || '(no output)'}`);
}
