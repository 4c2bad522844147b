/**
 * Typed errors of the finance library. Every invalid input surfaces as a
 * {@link FinanceInputError} naming the offending field (dotted path, e.g.
 * `loan_parameters.zone_allocations`), never as a NaN result.
 */
export class FinanceError extends Error {
  readonly code: string;
  constructor(message: string, code = 'FINANCE_ERROR') {
    super(message);
    this.name = 'FinanceError';
    this.code = code;
  }
}

/** Invalid input parameter; `field` is the dotted path of the offending field. */
export class FinanceInputError extends FinanceError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`, 'FINANCE_INPUT');
    this.name = 'FinanceInputError';
    this.field = field;
  }
}
