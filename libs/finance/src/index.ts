export { FinanceError, FinanceInputError } from './errors.js';
export * from './cashflow.js';
