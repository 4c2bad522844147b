import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/service-main.ts', import.meta.url));

/** Runs the fixture main as its own process; `untilStdout` sends SIGTERM once that line appears. */
function runMain(env: Record<string, string>, untilStdout?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=@equihome/source', '--import', 'tsx', fixture], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (untilStdout && stdout.includes(untilStdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('runServiceMain (the body of every main.ts)', () => {
  it('prints a bad config as one line and exits 1 before connecting anything', async () => {
    const r = await runMain({ PORT: 'abc' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('config error: PORT: expected a number');
    expect(r.stdout).not.toContain('INFRA_CONNECTED');
  });

  it('closes the infrastructure again when building the service fails, and exits 1 with one line', async () => {
    const r = await runMain({ FIXTURE_MODE: 'build-fails' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('fixture-service start-up error: boom');
    expect(r.stdout).toContain('INFRA_CONNECTED');
    expect(r.stdout).toContain('INFRA_CLOSED');
  });

  it('listens, and on SIGTERM drains and runs the service close hooks (closing the infrastructure), exit 0', async () => {
    const r = await runMain({}, 'LISTENING');
    expect(r.code).toBe(0);
    expect(r.stdout.indexOf('INFRA_CLOSED')).toBeGreaterThan(r.stdout.indexOf('LISTENING'));
  }, 30_000);
});
