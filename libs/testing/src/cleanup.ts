/** A step of a cleanup registry: closes, deletes or restores one thing. */
export type CleanupStep = () => unknown | Promise<unknown>;

/** Some cleanup steps failed; every step ran anyway. `errors` in the order they failed. */
export class CleanupError extends AggregateError {
  override name = 'CleanupError';
  constructor(
    errors: unknown[],
    /** Labels of the failed steps, aligned with `errors`. */
    readonly labels: string[],
  ) {
    super(errors, `${errors.length} cleanup step(s) failed: ${labels.map((l, i) => `${l}: ${errors[i] instanceof Error ? (errors[i] as Error).message : String(errors[i])}`).join('; ')}`);
  }
}

export interface Cleanup {
  /** Registers a step; `label` names it in a `CleanupError` (default `step <n>`). Returns the step. */
  add<F extends CleanupStep>(step: F, label?: string): F;
  /**
   * Runs the steps registered so far, last added first (what was opened last is closed
   * first), each awaited, each run even when an earlier one failed; then forgets them, so
   * the registry can be reused. Rejects with `CleanupError` when any step failed.
   */
  run(): Promise<void>;
  /** Steps waiting to run. */
  readonly size: number;
}

/**
 * A cleanup registry: `const cleanup = createCleanup(); afterEach(() => cleanup.run());`
 * then `cleanup.add(() => messaging.close(), 'messaging')` right after opening each thing.
 */
export function createCleanup(): Cleanup {
  let steps: { step: CleanupStep; label: string }[] = [];
  let added = 0;
  return {
    add(step, label) {
      added += 1;
      steps.push({ step, label: label ?? `step ${added}` });
      return step;
    },
    async run() {
      const todo = steps.reverse();
      steps = [];
      const errors: unknown[] = [];
      const labels: string[] = [];
      for (const { step, label } of todo) {
        try {
          await step();
        } catch (err) {
          errors.push(err);
          labels.push(label);
        }
      }
      if (errors.length > 0) throw new CleanupError(errors, labels);
    },
    get size() {
      return steps.length;
    },
  };
}
