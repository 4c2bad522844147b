import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { signDevToken } from '../src/index.js';

const here = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'shutdown-test-secret-long-enough-0123456789';

interface Child {
  proc: ChildProcess;
  stdout: string[];
  stderr: () => string;
  /** Resolves with the first stdout line starting with `prefix`. */
  line(prefix: string): Promise<string>;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(env: Record<string, string>): Child {
  const proc = spawn('npx', ['tsx', '--conditions=@equihome/source', 'test/fixtures/slow-app.ts'], {
    cwd: here,
    env: { ...process.env, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', JWT_SECRET: SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const stdout: string[] = [];
  let stderr = '';
  const waiters: Array<{ prefix: string; resolve: (l: string) => void }> = [];
  let buffer = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      stdout.push(line);
      for (const w of waiters.filter((w) => line.startsWith(w.prefix))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    stdout,
    stderr: () => stderr,
    exited,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        const found = stdout.find((l) => l.startsWith(prefix));
        if (found) return resolve(found);
        waiters.push({ prefix, resolve });
        exited.then((code) => reject(new Error(`child exited ${code} before "${prefix}"; stderr: ${stderr}`)));
      }),
  };
}

// The child is `npx tsx … slow-app.ts`: npx and tsx wrap the app's Node process and pass its
// exit code through, so `exited` is the app's own exit code.
describe('graceful shutdown (child process)', { timeout: 60_000 }, () => {
  it('on SIGTERM completes the in-flight request with 200, runs onClose only after its reply was sent, and exits 0', async () => {
    const child = start({ SLOW_MS: '1500' });
    const [, url, pid] = (await child.line('LISTENING ')).split(' ');
    const token = await signDevToken({ role: 'viewer', secret: SECRET });
    const response = fetch(`${url}/api/slow`, { headers: { authorization: `Bearer ${token}` } });
    await child.line('STARTED');
    process.kill(Number(pid), 'SIGTERM'); // the app process itself, not the npx wrapper
    const res = await response;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    expect(await child.exited).toBe(0);
    // The hook must wait for HTTP to drain: ONCLOSE after the in-flight request's DONE.
    expect(child.stdout.filter((l) => ['STARTED', 'DONE', 'ONCLOSE'].includes(l))).toEqual(['STARTED', 'DONE', 'ONCLOSE']);
  });

  it('refuses new connections once SIGTERM was received', async () => {
    const child = start({ SLOW_MS: '1500' });
    const [, url, pid] = (await child.line('LISTENING ')).split(' ');
    const token = await signDevToken({ role: 'viewer', secret: SECRET });
    const inflight = fetch(`${url}/api/slow`, { headers: { authorization: `Bearer ${token}` } });
    await child.line('STARTED');
    process.kill(Number(pid), 'SIGTERM'); // the app process itself, not the npx wrapper
    // Once the listener is closed (the in-flight request is still running) new connections fail.
    let refused = false;
    for (let i = 0; i < 50 && !refused; i++) {
      refused = await fetch(`${url}/health/live`, { headers: { connection: 'close' } }).then(
        () => false,
        () => true,
      );
      if (!refused) await new Promise((r) => setTimeout(r, 20));
    }
    expect(refused).toBe(true);
    expect((await inflight).status).toBe(200);
    expect(await child.exited).toBe(0);
  });

  it('forces exit 1 on a second SIGTERM while a request is still in flight', async () => {
    const child = start({ SLOW_MS: '15000' });
    const [, url, pid] = (await child.line('LISTENING ')).split(' ');
    const token = await signDevToken({ role: 'viewer', secret: SECRET });
    fetch(`${url}/api/slow`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
    await child.line('STARTED');
    process.kill(Number(pid), 'SIGTERM');
    await child.line('SIGNAL');
    process.kill(Number(pid), 'SIGTERM');
    expect(await child.exited).toBe(1);
    expect(child.stdout).not.toContain('ONCLOSE');
  });

  it('exits 1 with one config error line naming the variable', async () => {
    const child = start({ PORT: 'not-a-port' });
    expect(await child.exited).toBe(1);
    expect(child.stderr().trim().split('\n').filter((l) => l.startsWith('config error'))).toEqual(['config error: PORT: expected a number']);
  });
});
