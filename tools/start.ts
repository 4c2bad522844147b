/**
 * `npm start`: the whole local platform with a demo.
 * 1. makes sure PostgreSQL, Redis and NATS run (tools/local-stack.sh),
 * 2. starts fund-service (:3001) and portfolio-service (:3002) from source,
 * 3. waits until both answer /health/ready, then runs the demo (tools/demo.ts):
 *    creates a fund, generates its portfolio, and runs a Monte Carlo simulation,
 * 4. keeps the services running until Ctrl-C (`--demo-only` stops after the demo).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoOnly = process.argv.includes('--demo-only');
const services = [
  { name: 'fund-service', port: 3001 },
  { name: 'portfolio-service', port: 3002 },
];

const stack = spawnSync('bash', ['tools/local-stack.sh'], { cwd: root, stdio: 'inherit' });
if (stack.status !== 0) process.exit(stack.status ?? 1);

/** True when something already listens on the port (e.g. another `npm start`). */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
for (const { name, port } of services) {
  if (await portTaken(port)) {
    console.error(`port ${port} (${name}) is already in use — is another \`npm start\` running? Stop it first.`);
    process.exit(1);
  }
}

const children: ChildProcess[] = services.map(({ name, port }) => {
  // Node itself (with tsx's loader), not npx: signals must reach the service so that
  // Ctrl-C / SIGTERM run its graceful shutdown.
  const child = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', `apps/${name}/src/main.ts`], {
    cwd: root,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} exited (${signal ?? code}); stopping`);
      void stop(1);
    }
  });
  return child;
});

let stopping = false;
async function stop(code: number): Promise<void> {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function waitReady(port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`service on :${port} was not ready within 60 s`);
}

try {
  await Promise.all(services.map((s) => waitReady(s.port)));
  await runDemo({ fundUrl: 'http://127.0.0.1:3001', portfolioUrl: 'http://127.0.0.1:3002' });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stop(1);
}
if (demoOnly) await stop(0);
console.log('\nServices are running: fund-service http://127.0.0.1:3001/docs, portfolio-service http://127.0.0.1:3002/docs');
console.log('Get a token with `npm run token -- analyst`. Ctrl-C stops everything.');
