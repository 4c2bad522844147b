export { buildApp, SERVICE_NAME, SERVICE_VERSION, type FundServiceDeps } from './app.js';
export { fundServiceConfig, type FundServiceConfigShape } from './config.js';
export { connectInfrastructure, type FundServiceInfrastructure } from './infrastructure.js';
export { createFundStore, FUNDS_COLLECTION, type FundPage, type FundStore } from './fund-store.js';
export { createFundEvents, type FundEvents, type FundEventsOptions } from './events.js';
export { serveFundRpc } from './fund-rpc.js';
