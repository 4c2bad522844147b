export { FinanceError, FinanceInputError } from './errors.js';
