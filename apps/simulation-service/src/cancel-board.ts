/** Recently cancelled runs remembered at once (a ring: the oldest entry is overwritten). */
const SLOTS = 256;
/** Int32 words per run id (a UUID is 128 bits). */
const WORDS = 4;

/** A run id as four 32-bit words (the hex digits of its UUID); null for an id that is not a UUID. */
function words(runId: string): Int32Array | null {
  const hex = runId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return null;
  const out = new Int32Array(WORDS);
  for (let i = 0; i < WORDS; i++) out[i] = parseInt(hex.slice(8 * i, 8 * i + 8), 16) | 0;
  return out;
}

/**
 * Cancellation flags shared between a worker process and its worker threads, in a
 * `SharedArrayBuffer` (passed to every thread in `workerData`). A thread runs a shard as one
 * synchronous engine call, so it cannot await a database or a message while it computes;
 * it reads this board at every checkpoint instead (the engine's `onProgress`, every 1,000
 * paths): one scan of 256 entries, nanoseconds, no I/O — a checkpoint costs nothing, so
 * shards need not be cut into sub-chunks (whose per-chunk setup and merge would cost ~10%).
 * The process's main thread writes the board when it learns that a run of one of its active
 * shards was cancelled (it polls the runs in PostgreSQL).
 *
 * Layout: word 0 = number of runs written so far; then SLOTS entries of 4 words. Writes come
 * from one thread (the main thread); a reader that races a write may miss it once and sees
 * it at its next checkpoint.
 */
export class CancelBoard {
  private readonly view: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (1 + SLOTS * WORDS))) {
    this.view = new Int32Array(buffer);
  }

  /** Marks `runId` cancelled (idempotent). */
  cancel(runId: string): void {
    const w = words(runId);
    if (w === null || this.isCancelled(runId)) return;
    const slot = Atomics.load(this.view, 0) % SLOTS;
    for (let i = 0; i < WORDS; i++) Atomics.store(this.view, 1 + slot * WORDS + i, w[i]);
    Atomics.add(this.view, 0, 1);
  }

  /** True when `runId` was marked cancelled (among the last SLOTS cancellations). */
  isCancelled(runId: string): boolean {
    const w = words(runId);
    if (w === null) return false;
    const written = Math.min(Atomics.load(this.view, 0), SLOTS);
    for (let slot = 0; slot < written; slot++) {
      const base = 1 + slot * WORDS;
      if (this.view[base] === w[0] && this.view[base + 1] === w[1] && this.view[base + 2] === w[2] && this.view[base + 3] === w[3]) return true;
    }
    return false;
  }
}
