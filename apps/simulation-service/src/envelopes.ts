import { createEnvelope, SubjectMapper, type Messaging } from '@equihome/messaging';
import type { SimulationServiceConfig } from './config.js';
import { SERVICE_NAME } from './service-name.js';

/**
 * The outbox's envelope factory without a NATS connection (workers): the same validation,
 * ids, wire subjects (NATS_SUBJECT_PREFIX) and `source` as the API's `messaging.createEnvelope`.
 */
export function envelopeFactory(config: Pick<SimulationServiceConfig, 'NATS_SUBJECT_PREFIX'>): Pick<Messaging, 'createEnvelope'> {
  const context = { subjects: new SubjectMapper(config.NATS_SUBJECT_PREFIX), source: SERVICE_NAME };
  return { createEnvelope: (subject, data, options) => createEnvelope(context, subject, data, options) };
}
