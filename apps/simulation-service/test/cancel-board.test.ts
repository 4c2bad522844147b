import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CancelBoard } from '../src/cancel-board.js';
import { etaSeconds } from '../src/progress.js';

const id = (n: number) => `0190a3c0-7b1e-7cc4-8a51-${n.toString(16).padStart(12, '0')}`;

describe('CancelBoard', () => {
  it('reports exactly the runs marked cancelled', () => {
    const board = new CancelBoard();
    expect(board.isCancelled(id(1))).toBe(false);
    board.cancel(id(1));
    board.cancel(id(1));
    expect(board.isCancelled(id(1))).toBe(true);
    expect(board.isCancelled(id(2))).toBe(false);
    expect(board.isCancelled('not-a-uuid')).toBe(false);
  });

  it('is shared through its buffer: a board over the same SharedArrayBuffer sees the marks', () => {
    const a = new CancelBoard();
    const b = new CancelBoard(a.buffer);
    a.cancel(id(7));
    expect(b.isCancelled(id(7))).toBe(true);
  });

  it('remembers the last 256 cancellations (a ring)', () => {
    const board = new CancelBoard();
    for (let i = 1; i <= 257; i++) board.cancel(id(i));
    expect(board.isCancelled(id(1))).toBe(false);
    expect(board.isCancelled(id(2))).toBe(true);
    expect(board.isCancelled(id(257))).toBe(true);
  });

  it('is seen by a thread busy in a synchronous loop (what a shard does between checkpoints)', async () => {
    const board = new CancelBoard();
    // The thread says it is ready, then spins on the write counter without ever yielding to its event loop.
    const code =
      'const { workerData, parentPort } = require("node:worker_threads"); const v = new Int32Array(workerData); parentPort.postMessage("spinning"); let spins = 0; while (Atomics.load(v, 0) === 0) spins++; parentPort.postMessage(spins);';
    const worker = new Worker(code, { eval: true, workerData: board.buffer });
    const messages: unknown[] = [];
    const finished = new Promise<void>((resolve) =>
      worker.on('message', (m) => {
        messages.push(m);
        if (messages.length === 2) resolve();
      }),
    );
    try {
      await new Promise<void>((resolve) => worker.once('message', () => resolve()));
      board.cancel(id(3));
      await finished;
      expect(messages[0]).toBe('spinning');
      expect(typeof messages[1]).toBe('number');
    } finally {
      await worker.terminate();
    }
  });
});

describe('etaSeconds', () => {
  it('extrapolates the average rate so far, and is null before any path is done', () => {
    expect(etaSeconds(0, 100, 1_000)).toBeNull();
    expect(etaSeconds(25, 100, 1_000)).toBe(3);
    expect(etaSeconds(100, 100, 1_000)).toBe(0);
  });
});
