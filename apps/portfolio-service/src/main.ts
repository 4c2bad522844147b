/**
 * portfolio-service entry point: parses the config ONCE, connects the infrastructure
 * (document store migrated, NATS stream ensured, outbox relay started), builds the app and
 * listens on PORT (default 3002). SIGTERM/SIGINT drain HTTP, stop the consumer and
 * responder, the relay, NATS and the store. A bad config or an unreachable back-end prints
 * one line and exits 1.
 */
import { runServiceMain } from '@equihome/platform';
import { buildApp } from './app.js';
import { portfolioServiceConfigShape } from './config.js';
import { connectInfrastructure, SERVICE_NAME } from './infrastructure.js';

await runServiceMain({ name: SERVICE_NAME, configShape: portfolioServiceConfigShape, connect: (config) => connectInfrastructure(config), build: buildApp });
