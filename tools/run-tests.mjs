#!/usr/bin/env node
// Runs every project's Vitest suite through Nx (one project at a time: the suites share
// the local PostgreSQL, Redis and NATS), then prints one plain line `N passed, N failed`
// summed from each project's JSON report. Exits non-zero when any test or suite fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const projects = JSON.parse(
  spawnSync('npx', ['nx', 'show', 'projects', '--json', '--with-target', 'test'], { cwd: root, encoding: 'utf8' }).stdout,
);
const dirs = projects.map((name) => {
  const info = JSON.parse(spawnSync('npx', ['nx', 'show', 'project', name, '--json'], { cwd: root, encoding: 'utf8' }).stdout);
  return join(root, info.root);
});
for (const dir of dirs) rmSync(join(dir, '.vitest-report.json'), { force: true });

const extra = process.argv.slice(2);
const run = spawnSync('npx', ['nx', 'run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream', '--skip-nx-cache', ...extra], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
const failures = [];
for (const dir of dirs) {
  const report = join(dir, '.vitest-report.json');
  if (!existsSync(report)) {
    // A suite that crashed before reporting counts as a failure.
    if (!extra.length) failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  for (const file of r.testResults ?? []) {
    const where = file.name.slice(root.length);
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'failed') failures.push(`${where} > ${test.fullName}\n    ${firstLines(test.failureMessages)}`);
    }
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((a) => a.status === 'failed')) {
      failures.push(`${where} (outside any test)\n    ${firstLines([file.message ?? ''])}`);
    }
  }
  // A file that failed outside any test (import error, failing hook) counts once.
  if (r.numFailedTests === 0 && (r.numFailedTestSuites > 0 || r.success === false)) failed += 1;
}
if (run.status !== 0 && failed === 0) failed = 1;
// The failures again, just above the last line, so a log that keeps only its tail names them.
if (failures.length) console.log(`\nFailed:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || run.status !== 0 ? 1 : 0);

function firstLines(messages) {
  const text = (messages ?? []).join('\n').replace(/\u001b\[[0-9;]*m/g, '');
  return text.split('\n').filter((l) => l.trim()).slice(0, 6).join('\n    ');
}
