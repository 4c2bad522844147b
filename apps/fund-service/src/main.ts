/**
 * fund-service entry point: parses the config ONCE, connects the infrastructure (document
 * store migrated, NATS stream ensured, outbox relay started), builds the app and listens on
 * PORT (default 3001). SIGTERM/SIGINT drain HTTP, stop the responder, the relay, NATS and
 * the store. A bad config or an unreachable back-end prints one line and exits 1.
 */
import { runServiceMain } from '@equihome/platform';
import { buildApp } from './app.js';
import { fundServiceConfigShape } from './config.js';
import { connectInfrastructure, SERVICE_NAME } from './infrastructure.js';

await runServiceMain({ name: SERVICE_NAME, configShape: fundServiceConfigShape, connect: (config) => connectInfrastructure(config), build: buildApp });
