export { FinanceError, FinanceInputError } from './errors.js';
export { DEFAULT_IRR_GUESS, IRR_RESIDUAL_TOLERANCE, dayNumber, irr, irrPeriodic, npv, xirr, xnpv } from './cashflow.js';
export type { DatedFlow } from './cashflow.js';
export { SCENARIO_NAMES, ZONES } from './types.js';
export type {
  CapitalCall,
  FeeStructure,
  Fund,
  Granularity,
  Loan,
  Leverage,
  LoanParameters,
  Operations,
  Portfolio,
  PortfolioMetrics,
  Scenario,
  ScenarioName,
  ScenarioShock,
  SubscriptionLine,
  Zone,
  ZoneAllocations,
  ZoneCorrelations,
  ZoneParameters,
  ZoneParameterSet,
} from './types.js';
export { exampleFund, validateFund } from './fund.js';
export { Rng } from './rng.js';
export { pricePaths, cholesky3 } from './prices.js';
export type { PricePathsOptions } from './prices.js';
export { generatePortfolio, portfolioMetrics } from './portfolio.js';
export { checkCatchUpRate, waterfall } from './waterfall.js';
export type { WaterfallFlow, WaterfallGp, WaterfallInput, WaterfallLp, WaterfallResult, WaterfallTier } from './waterfall.js';
export { efficientFrontier } from './frontier.js';
export type { FrontierInput, FrontierPoint, FrontierResult, MaxSharpePoint } from './frontier.js';
export { simulateFund, simulatePath, ENGINE_VERSION, MAX_PATHS } from './simulate.js';
export type { SimulateOptions, PathLedger } from './simulate.js';
export { mergeSummaries } from './summary.js';
export type { SimulationSummary, MetricDistribution, LevelSummary, Band, ZoneSummary, SummaryState } from './summary.js';
export { sensitivity, applySensitivity, SENSITIVITY_PARAMETERS } from './sensitivity.js';
export type { SensitivitySpec, SensitivityParameter, TornadoRow, TornadoResult } from './sensitivity.js';
export { pathIrr } from './path-irr.js';
