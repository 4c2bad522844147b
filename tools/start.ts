/**
 * `npm start`: the whole local platform, one origin at http://localhost:8080.
 * 1. makes sure PostgreSQL, Redis and NATS run (tools/local-stack.sh),
 * 2. starts fund-service (:3001), portfolio-service (:3002), simulation-service's API (:3003),
 *    optimization-service (:3004), the realtime-gateway (:8080: the API of all of them, /ws,
 *    /docs and the results page) and SIM_WORKERS (default 2) simulation worker processes,
 *    each its own OS process from source (the services apply their migrations at start-up),
 *    every line prefixed with its name; a process that dies is restarted (tools/supervisor.ts),
 * 3. waits until every service answers /health/ready and prints the address to use,
 * 4. keeps everything running until Ctrl-C or SIGTERM, which stop every process.
 * `--demo` runs `npm run demo` (tools/demo.ts) once ready; `--demo-only` runs it and stops.
 * Ports: FUND_SERVICE_PORT, PORTFOLIO_SERVICE_PORT, SIMULATION_SERVICE_PORT,
 * OPTIMIZATION_SERVICE_PORT, GATEWAY_PORT; a taken port is refused with a clear line.
 */
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo.js';
import { supervise, type AppProcess } from './supervisor.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const demoOnly = process.argv.includes('--demo-only');
const demo = demoOnly || process.argv.includes('--demo');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const services = [
  { name: 'fund-service', port: port('FUND_SERVICE_PORT', 3001) },
  { name: 'portfolio-service', port: port('PORTFOLIO_SERVICE_PORT', 3002) },
  { name: 'simulation-service', port: port('SIMULATION_SERVICE_PORT', 3003) },
  { name: 'optimization-service', port: port('OPTIMIZATION_SERVICE_PORT', 3004) },
  { name: 'realtime-gateway', port: port('GATEWAY_PORT', 8080) },
];
const url = (name: string) => `http://127.0.0.1:${services.find((s) => s.name === name)!.port}`;
const gatewayUrl = `http://localhost:${services.at(-1)!.port}`;
const workers = Number(process.env.SIM_WORKERS ?? 2);
if (!Number.isInteger(workers) || workers < 0) {
  console.error(`SIM_WORKERS must be a whole number ≥ 0, got "${process.env.SIM_WORKERS}"`);
  process.exit(1);
}

const stack = spawnSync('bash', ['tools/local-stack.sh'], { cwd: root, stdio: 'inherit' });
if (stack.status !== 0) process.exit(stack.status ?? 1);

/** True when something already listens on the port (e.g. another `npm start`). */
function portTaken(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: p });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
for (const s of services) {
  if (await portTaken(s.port)) {
    console.error(`port ${s.port} (${s.name}) is already in use — is another \`npm start\` running? Stop it first.`);
    process.exit(1);
  }
}

const logLevel = process.env.LOG_LEVEL ?? 'warn';
const apps: AppProcess[] = [
  ...services.map((s) => ({
    name: s.name,
    script: `apps/${s.name}/src/main.ts`,
    env: {
      PORT: String(s.port),
      LOG_LEVEL: logLevel,
      // the gateway's upstreams; optimization-service reaches simulation-service over NATS
      FUND_SERVICE_URL: url('fund-service'),
      PORTFOLIO_SERVICE_URL: url('portfolio-service'),
      SIMULATION_SERVICE_URL: url('simulation-service'),
      OPTIMIZATION_SERVICE_URL: url('optimization-service'),
    },
  })),
  // One thread per worker process: the processes are the unit of scale (as pods are).
  ...Array.from({ length: workers }, (_, i) => ({
    name: `simulation-worker-${i + 1}`,
    script: 'apps/simulation-service/src/worker.ts',
    env: { LOG_LEVEL: logLevel, WORKER_THREADS: process.env.WORKER_THREADS ?? '1' },
  })),
];
const supervisor = supervise(apps, { cwd: root });

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('stopping every process …');
    await supervisor.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function waitReady(p: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${p}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`service on :${p} was not ready within 90 s`);
}

try {
  // the gateway last: its readiness needs every upstream (so it does not log 'not ready' meanwhile)
  await Promise.all(services.slice(0, -1).map((s) => waitReady(s.port)));
  await waitReady(services.at(-1)!.port);
  console.log(`ready: ${services.map((s) => `${s.name} :${s.port}`).join(', ')}, ${workers} simulation worker process${workers === 1 ? '' : 'es'}`);
  if (demo) await runDemo({ gatewayUrl });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stop(1);
}
if (demoOnly) await stop(0);
console.log(`
  Equihome is running at ${gatewayUrl}   (results page; the API of every service behind one origin)
  API documentation:    ${gatewayUrl}/docs
  A token for the API:  TOKEN=$(npm run -s token -- analyst)
                        curl -H "authorization: Bearer $TOKEN" ${gatewayUrl}/api/funds
  The demo:             npm run demo   (in another terminal)
  Ctrl-C stops everything.`);
