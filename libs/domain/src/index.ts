export { text, ResourceId, IdParams, isoDate, rate, positiveAmount, documentMeta, zoneNames, Zone, PageQuery, pageOf } from './common.js';
export { Problem, PROBLEM_CONTENT_TYPE, problemType } from './problem.js';
export { CommonProblems, FundProblems, PortfolioProblems, type ProblemSpec } from './problem-codes.js';
export {
  FeeStructure,
  ZoneAllocations,
  LoanParameters,
  ZoneParameters,
  DEFAULT_ZONE_PARAMETERS,
  ZoneParameterSet,
  ZoneCorrelations,
  Operations,
  ScenarioShock,
  Scenario,
  CapitalCall,
  checkFundRules,
  FundInput,
  Fund,
  FundListQuery,
  type FundParameters,
} from './fund.js';
export { Loan, PortfolioMetrics, Portfolio, GeneratePortfolioRequest, PortfolioUpdate, PortfolioListQuery } from './portfolio.js';
export {
  Granularity,
  SimulationRequest,
  RunState,
  SimulationStatus,
  Percentiles,
  MetricDistribution,
  OptimizationKind,
  OptimizationStatus,
  OptimizationRequest,
} from './simulation.js';
export {
  STREAM_NAME,
  EVENT_ENTITIES,
  STREAM_SUBJECTS,
  Actor,
  eventSchemas,
  type EventSubject,
  type EventData,
  CLOUDEVENTS_SPEC_VERSION,
  EVENT_CONTENT_TYPE,
  EventEnvelope,
  rpcSchemas,
  type RpcSubject,
  type RpcRequest,
  type RpcReply,
  RpcError,
} from './events.js';
