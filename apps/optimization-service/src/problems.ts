import { HttpProblem, type ProblemDefinition } from '@equihome/platform';

/**
 * A problem with extension members (RFC 9457 §3.2), e.g. goal seek's `attainable` range.
 * Routes that may throw one do not declare the status in their response schema, so the
 * extension members are not stripped by the compiled serializer.
 */
export class ExtendedProblem extends HttpProblem {
  constructor(
    definition: ProblemDefinition,
    detail: string,
    readonly extensions: Record<string, unknown>,
    errors?: { path: string; message: string }[],
  ) {
    super({ status: definition.status, code: definition.code, title: definition.title, detail, ...(errors ? { errors } : {}) });
  }

  override toProblem(instance?: string) {
    return { ...super.toProblem(instance), ...this.extensions };
  }

  /** Rebuilds the problem stored on a job document. */
  static fromStored(definition: ProblemDefinition, stored: Record<string, unknown>): ExtendedProblem {
    const { type: _t, title: _ti, status: _s, code: _c, detail, errors, instance: _i, ...extensions } = stored;
    return new ExtendedProblem(definition, typeof detail === 'string' ? detail : definition.title, extensions, errors as { path: string; message: string }[] | undefined);
  }
}
