import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { probeNats } from './nats-probe.js';
import { TEST_NATS_URL } from './service-env.js';
import { sleep, waitFor } from './wait-for.js';
import { freePort } from './free-port.js';

/**
 * Control of a real nats-server for fault tests: stop it, start it again, wait until it
 * answers. Two kinds:
 *
 * - `localNatsServer()` — the shared server of `tools/local-stack.sh` (127.0.0.1:4222). It is
 *   restarted with the command line it was running with (JetStream file store kept). Every
 *   test file running at the same time loses its connection meanwhile (clients reconnect;
 *   in-flight requests fail; memory-storage streams are gone), so run such a test in a file
 *   of its own and leave the server running (`withNatsStopped`, or `start()` in `finally`).
 * - `startPrivateNatsServer()` — a server of the test's own on a free port with its own
 *   store directory: stopping it disturbs nobody. Prefer it for fault tests.
 *
 * The server process is found as the one listening on the port (from `/proc/net/tcp` and
 * `/proc/<pid>/fd`, so root or the server's user is needed) and must be a `nats-server`:
 * the helper never signals anything else, and never by name.
 */
export interface NatsServerControl {
  /** `nats://host:port`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when a server on the port sends its `INFO` line within 1 s. */
  isReachable(): Promise<boolean>;
  /** Resolves once the server answers (and, unless `jetstream: false`, its JetStream API does). */
  waitUntilReachable(options?: { timeoutMs?: number; jetstream?: boolean }): Promise<void>;
  /** SIGTERM to the listening nats-server; resolves once it has exited and the port is closed. A stopped server is left alone. */
  stop(): Promise<void>;
  /** Starts the server (same binary and arguments as last seen) and waits until it is reachable (with JetStream when it has it). A running server is left alone. */
  start(): Promise<void>;
  /** Pid of the nats-server listening on the port, or undefined. */
  pid(): number | undefined;
}

/** A private server: `dispose()` stops it and deletes its store directory. */
export interface PrivateNatsServer extends NatsServerControl {
  /** Its JetStream store directory (`-sd`). */
  readonly storeDir: string;
  dispose(): Promise<void>;
}

/** The binary `tools/local-stack.sh` starts. */
export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';

/** Arguments of the shared server as `tools/local-stack.sh` starts it, for a port. */
export function localNatsServerArgs(port: number): string[] {
  return ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log'];
}

const STOP_TIMEOUT_MS = 15_000;

/** The shared nats-server of `tools/local-stack.sh` at `url` (default NATS_URL, else nats://127.0.0.1:4222). */
export function localNatsServer(url: string = TEST_NATS_URL): NatsServerControl {
  const { hostname, port } = new URL(url.split(',')[0].trim());
  const portNumber = Number(port || 4222);
  return new NatsServer(hostname, portNumber, NATS_SERVER_BINARY, localNatsServerArgs(portNumber));
}

/**
 * Starts a nats-server of the test's own (JetStream on unless `jetstream: false`, store in a fresh temporary
 * directory, log in `<storeDir>/nats.log`) on a free loopback port, and waits until it is
 * reachable. Killed when the test process exits if `dispose()` was not called.
 */
export async function startPrivateNatsServer(options: { binary?: string; jetstream?: boolean } = {}): Promise<PrivateNatsServer> {
  const storeDir = mkdtempSync(join(tmpdir(), 'equihome-nats-'));
  const port = await freePort();
  const jetstream = options.jetstream ?? true;
  const args = ['-a', '127.0.0.1', '-p', String(port), ...(jetstream ? ['-js'] : []), '-sd', storeDir, '-l', join(storeDir, 'nats.log')];
  const server = new NatsServer('127.0.0.1', port, options.binary ?? NATS_SERVER_BINARY, args, jetstream);
  privateServers.add(server);
  try {
    await server.start();
  } catch (err) {
    privateServers.delete(server);
    rmSync(storeDir, { recursive: true, force: true });
    throw err;
  }
  return Object.assign(server, {
    storeDir,
    async dispose() {
      await server.stop();
      privateServers.delete(server);
      rmSync(storeDir, { recursive: true, force: true });
    },
  });
}

/** Stops `server`, runs `fn`, and starts the server again whatever `fn` did; resolves to `fn`'s result once the server is back. */
export async function withNatsStopped<T>(server: NatsServerControl, fn: () => Promise<T>): Promise<T> {
  await server.stop();
  try {
    return await fn();
  } finally {
    await server.start();
  }
}

const privateServers = new Set<NatsServer>();
process.once('exit', () => {
  for (const server of privateServers) {
    const pid = server.pid();
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

class NatsServer implements NatsServerControl {
  readonly url: string;

  constructor(
    readonly host: string,
    readonly port: number,
    private binary: string,
    private args: string[],
    /** Whether `start()` waits for JetStream too. */
    private readonly jetstream = true,
  ) {
    this.url = `nats://${host}:${port}`;
  }

  pid(): number | undefined {
    const pid = listenerPid(this.port);
    if (pid === undefined) return undefined;
    let exe: string;
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch (err) {
      throw new Error(`cannot inspect process ${pid} listening on port ${this.port}: ${String(err)}`, { cause: err });
    }
    if (basename(exe) !== 'nats-server') throw new Error(`port ${this.port} is held by ${exe} (pid ${pid}), not a nats-server`);
    return pid;
  }

  isReachable(): Promise<boolean> {
    return probeNats(this.host, this.port, { timeoutMs: 1_000 });
  }

  async waitUntilReachable(options: { timeoutMs?: number; jetstream?: boolean } = {}): Promise<void> {
    const jetstream = options.jetstream ?? true;
    await waitFor(() => probeNats(this.host, this.port, { jetstream, timeoutMs: 1_000 }), {
      timeoutMs: options.timeoutMs ?? 15_000,
      intervalMs: 100,
      message: `nats-server ${this.url} reachable${jetstream ? ' with JetStream' : ''}`,
    });
  }

  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) return;
    this.remember(pid);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (alive(pid)) {
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL');
        break;
      }
      await sleep(50);
    }
    await waitFor(async () => !(await this.isReachable()) && listenerPid(this.port) === undefined, {
      timeoutMs: STOP_TIMEOUT_MS,
      intervalMs: 50,
      message: `nats-server ${this.url} stopped`,
    });
  }

  async start(): Promise<void> {
    const running = this.pid();
    if (running !== undefined) {
      this.remember(running);
      await this.waitUntilReachable({ jetstream: this.jetstream });
      return;
    }
    // Detached in its own session: it outlives the test process, like a server started by local-stack.sh.
    const child = spawn(this.binary, this.args, { detached: true, stdio: 'ignore' });
    let exited: string | undefined;
    child.once('error', (err) => {
      exited = `cannot run ${this.binary}: ${err.message}`;
    });
    child.once('exit', (code, signal) => {
      exited = `${this.binary} ${this.args.join(' ')} exited (${signal ?? `code ${String(code)}`})`;
    });
    child.unref();
    // Ends early when the process exits (port taken, bad flag…) instead of waiting out the timeout.
    await waitFor(async () => exited !== undefined || (await this.isReachable()), {
      timeoutMs: 15_000,
      intervalMs: 100,
      message: `nats-server ${this.url} started`,
    });
    if (exited !== undefined) throw new NatsStartError(exited);
    await this.waitUntilReachable({ jetstream: this.jetstream });
  }

  /** Restart with what was really running (its binary and command line). */
  private remember(pid: number): void {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
      const exe = readlinkSync(`/proc/${pid}/exe`);
      if (argv.length > 0 && existsSync(exe)) {
        this.binary = exe;
        this.args = argv.slice(1);
      }
    } catch {
      // keep the configured command line
    }
  }
}

/** The server process ended before it listened (port taken, bad flag…). */
export class NatsStartError extends Error {
  override name = 'NatsStartError';
}

/** True while `pid` exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name: the state.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Pid of the process with a listening TCP socket on `port` (any address), from /proc. */
export function listenerPid(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = Number.parseInt(cols[1].split(':')[1] ?? '', 16);
      // State 0A = LISTEN; the 10th column is the socket inode.
      if (localPort === port && cols[3] === '0A' && cols[9] !== '0') inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m && inodes.has(m[1])) return Number(entry);
    }
  }
  return undefined;
}

