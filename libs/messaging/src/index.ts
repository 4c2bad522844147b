export { CLOUDEVENTS_JSON, connectMessaging, createEnvelope, DEFAULT_NATS_URL } from './messaging.js';
export type {
  ConnectMessagingOptions,
  CreateEnvelopeOptions,
  EnvelopeContext,
  EventDataInput,
  Messaging,
  PublishAck,
  PublishOptions,
  PublishedEvent,
  RpcRequestInput,
} from './messaging.js';
export { natsConfigShape, natsConnectOptions, type NatsConfig } from './config.js';
export { publishReliably, type PublishReliablyOptions } from './publish-reliably.js';
export { DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_DELIVER, retryDelay } from './consumer.js';
export type { ConsumeEventsOptions, DeliveryContext, EventConsumer, EventHandler } from './consumer.js';
export { DEFAULT_RPC_TIMEOUT_MS, problemFromError } from './rpc.js';
export type { RequestOptions, Responder, RpcHandler, ServeOptions } from './rpc.js';
export type { LiveEventHandler, LiveSubscription } from './live-subscription.js';
export { DEFAULT_DUPLICATE_WINDOW_MS, DEFAULT_MAX_AGE_MS, eventStreamSubjects } from './stream.js';
export type { EnsureStreamOptions } from './stream.js';
export {
  MessagingError,
  MessagingUnavailableError,
  MessagingValidationError,
  RpcNoRespondersError,
  RpcRemoteError,
  RpcTimeoutError,
} from './errors.js';
export type { FieldIssue } from './errors.js';
export { SubjectMapper, SUBJECT_ROOT } from './subjects.js';
export { uuidv7 } from './uuid-v7.js';
export { consoleLogger } from './logger.js';
export type { LogFn, MessagingLogger } from './logger.js';
export { classifyRpcFailure, type RpcFailure } from './rpc-failure.js';
