export * from './common.js';
export * from './problem.js';
export * from './fund.js';
export * from './portfolio.js';
export * from './simulation.js';
export * from './events.js';
