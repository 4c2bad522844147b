export { FinanceError, FinanceInputError } from './errors.js';
export * from './cashflow.js';
export * from './types.js';
export { exampleFund, validateFund } from './fund.js';
export { Rng } from './rng.js';
export { pricePaths, cholesky3 } from './prices.js';
export type { PricePathsOptions } from './prices.js';
export { generatePortfolio, portfolioMetrics } from './portfolio.js';
export * from './waterfall.js';
