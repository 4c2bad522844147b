import type { Actor, Fund } from '@equihome/domain';
import type { ChangeTransaction } from '@equihome/outbox';
import type { AuthUser } from '@equihome/platform';

/**
 * What fund-service announces, each event written to the outbox IN THE SAME TRANSACTION as
 * the change it describes and its audit entry (libs/outbox `commitChange`), then relayed to
 * JetStream in order per fund:
 * - `equihome.fund.created` `{ fund, actor }`
 * - `equihome.fund.updated` `{ fund, actor }` (the new version; editors holding an older one know at once)
 * - `equihome.fund.deleted` `{ id, actor }`
 * `actor` is the `{ sub, role }` of the caller's token. fund-service consumes no events.
 */
export type FundChange = 'create' | 'update' | 'delete';

const SUBJECTS = { create: 'equihome.fund.created', update: 'equihome.fund.updated', delete: 'equihome.fund.deleted' } as const;

/** The change's audit entry and event, inside `tx`. `fund` is the fund after the change (before it, for a delete). */
export async function recordFundChange(tx: ChangeTransaction, change: FundChange, fund: Fund, user: AuthUser, requestId: string): Promise<void> {
  const actor: Actor = { sub: user.sub, role: user.role };
  await tx.appendAudit({
    actor: user.sub,
    role: user.role,
    action: change,
    resource: 'fund',
    resource_id: fund.id,
    version: change === 'delete' ? null : fund.version,
    details: { request_id: requestId },
  });
  if (change === 'delete') await tx.emit(SUBJECTS.delete, { id: fund.id, actor }, { aggregate: fund.id });
  else await tx.emit(SUBJECTS[change], { fund, actor }, { aggregate: fund.id });
}
