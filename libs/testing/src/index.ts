export { collectionPrefix, consumerName, MAX_LABEL_LENGTH, PREFIX_PATTERN, randomPrefix, streamName, subjectPrefix } from './names.js';
export { authHeader, authHeaders, signTestToken, tokens, tokenSubject, type RoleTokens, type TokenOptions } from './tokens.js';
export { LOG_LEVELS, recordingLogger, silentLogger, type LogLevel, type LogLine, type RecordingLogger, type TestLogFn, type TestLogger } from './loggers.js';
export { sleep, waitFor, WaitForTimeoutError, type WaitForOptions, type WaitForResult } from './wait-for.js';
export { CleanupError, createCleanup, type Cleanup, type CleanupStep } from './cleanup.js';
export { TEST_DATABASE_URL, TEST_NATS_URL, testServiceEnv, type TestServiceEnv, type TestServiceEnvOptions } from './service-env.js';
export {
  listenerPid,
  localNatsServer,
  localNatsServerArgs,
  NATS_SERVER_BINARY,
  NatsStartError,
  startPrivateNatsServer,
  withNatsStopped,
  type NatsServerControl,
  type PrivateNatsServer,
} from './nats-server.js';
export { probeNats } from './nats-probe.js';
export { deleteRedisKeys, REDIS_SERVER_BINARY, startPrivateRedisServer, TEST_REDIS_URL, type PrivateRedisServer } from './redis-server.js';
export { freePort } from './free-port.js';
