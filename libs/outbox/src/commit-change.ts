import type { EventData, EventEnvelope, EventSubject } from '@equihome/domain';
import type { CreateEnvelopeOptions, EventDataInput, Messaging } from '@equihome/messaging';
import type { DocumentStoreFactory, OutboxRecord, StoreTransaction } from '@equihome/storage';
import type { OutboxRelay } from './outbox-relay.js';

/** What `commitChange` works with: the service's store, its envelope factory and its relay. */
export interface ChangeContext {
  /** The document store (`factory.transaction`). */
  store: Pick<DocumentStoreFactory, 'transaction'>;
  /** Builds the CloudEvents envelopes (`messaging.createEnvelope`: validation, id, source, wire subject). */
  events: Pick<Messaging, 'createEnvelope'>;
  /** Woken after a commit that enqueued events; without one, events wait for the next poll of whatever relay runs. */
  relay?: Pick<OutboxRelay, 'wake'>;
}

/** Options of `tx.emit`: the ordering key, plus the envelope options (id, source, time). */
export interface EmitOptions extends CreateEnvelopeOptions {
  /** Per-aggregate ordering key, e.g. the fund id: events of one aggregate reach JetStream in commit order. */
  aggregate: string;
}

/** A `StoreTransaction` that can also emit typed events. */
export interface ChangeTransaction extends StoreTransaction {
  /**
   * Validates `data` by the subject's schema, builds its envelope and stores it in the outbox
   * of this transaction: published after the commit, never if the transaction rolls back.
   */
  emit<S extends EventSubject>(subject: S, data: EventDataInput<S>, options: EmitOptions): Promise<EventEnvelope<EventData<S>>>;
}

/**
 * The one path for a change and its events: runs `work` in one transaction of the store —
 * documents, audit entries (`tx.appendAudit`) and events (`tx.emit`) all commit together or
 * not at all — then wakes the relay so the events go out at once. Rejects with `work`'s error
 * (after the rollback); resolves to its result after the commit. A route handler reads:
 *
 * ```ts
 * const fund = await commitChange(changes, async (tx) => {
 *   const { doc } = await tx.collection<FundInput>('funds').create(body, { idempotencyKey });
 *   await tx.appendAudit({ actor: user.sub, role: user.role, action: 'create', resource: 'fund', resource_id: doc.id, version: doc.version });
 *   await tx.emit('equihome.fund.created', { fund: doc, actor }, { aggregate: doc.id });
 *   return doc;
 * });
 * return reply.code(201).send(fund);
 * ```
 */
export async function commitChange<R>(context: ChangeContext, work: (tx: ChangeTransaction) => Promise<R>): Promise<R> {
  let emitted = 0;
  const result = await context.store.transaction((tx) =>
    work({
      collection: (name) => tx.collection(name),
      appendAudit: (entry) => tx.appendAudit(entry),
      enqueueEvent: async (event): Promise<OutboxRecord> => {
        const record = await tx.enqueueEvent(event);
        emitted += 1;
        return record;
      },
      async emit(subject, data, { aggregate, ...envelopeOptions }) {
        const envelope = context.events.createEnvelope(subject, data, envelopeOptions);
        await tx.enqueueEvent({ aggregate, envelope });
        emitted += 1;
        return envelope;
      },
    }),
  );
  if (emitted > 0) context.relay?.wake();
  return result;
}
