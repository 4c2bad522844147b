import { Portfolio } from '@equihome/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, smallFundInput, type Harness } from './service-harness.js';

let h: Harness;
let analyst: string;

beforeAll(async () => {
  h = await createHarness();
  analyst = await h.token('analyst');
});
afterAll(async () => {
  await h?.close();
});

async function generated(fundId: string, seed: number): Promise<Portfolio> {
  const res = await h.app.app.inject({
    method: 'POST',
    url: '/api/portfolios/generate',
    headers: { authorization: `Bearer ${analyst}` },
    payload: { fund_id: fundId, seed },
  });
  expect(res.statusCode).toBe(201);
  return Portfolio.parse(res.json());
}

const countOf = async (fundId: string) => (await h.store.list({ limit: 1000 }, fundId)).items.length;

describe('equihome.fund.deleted consumer', () => {
  it("removes the deleted fund's portfolios and leaves other funds' portfolios alone", async () => {
    const doomed = h.addFund(smallFundInput());
    const kept = h.addFund(smallFundInput());
    const first = await generated(doomed.id, 1);
    const second = await generated(doomed.id, 2);
    const survivor = await generated(kept.id, 3);

    await h.client.publish('equihome.fund.deleted', { id: doomed.id, actor: { sub: 'someone', role: 'admin' } });

    expect(await eventually(async () => (await countOf(doomed.id)) === 0)).toBe(true);
    expect(await h.find(survivor.id)).not.toBeNull();
    // One audit entry and one portfolio.deleted event per removed portfolio, attributed to the fund's deleter.
    for (const p of [first, second]) {
      const audit = await h.audit.list({ resource: 'portfolio', resource_id: p.id, limit: 5 });
      expect(audit[0]).toMatchObject({ action: 'delete', actor: 'someone', role: 'admin', version: null, details: expect.objectContaining({ cause: 'fund_deleted' }) });
    }
    const deletedEvent = await h.lastEvent('equihome.portfolio.deleted');
    expect([first.id, second.id]).toContain((deletedEvent?.data as { id: string }).id);
    expect(deletedEvent?.data).toMatchObject({ fund_id: doomed.id, actor: { sub: 'someone', role: 'admin' } });
  });

  it('catches up after a restart: a delete published while the service was stopped is applied by the next instance (same durable)', async () => {
    const fund = h.addFund(smallFundInput());
    const p = await generated(fund.id, 4);
    await h.app.close();

    await h.client.publish('equihome.fund.deleted', { id: fund.id });
    // Nobody consumes while the service is down: the portfolio is still there.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.find(p.id)).not.toBeNull();

    await h.startApp();
    expect(await eventually(async () => (await h.find(p.id)) === null)).toBe(true);
  });

  it('handles a repeated delete harmlessly (removes nothing the second time) and keeps consuming', async () => {
    const first = h.addFund(smallFundInput());
    const later = h.addFund(smallFundInput());
    const onlyOne = await generated(first.id, 5);
    const afterwards = await generated(later.id, 6);

    await h.client.publish('equihome.fund.deleted', { id: first.id });
    await h.client.publish('equihome.fund.deleted', { id: first.id });
    await h.client.publish('equihome.fund.deleted', { id: later.id });

    expect(await eventually(async () => (await h.find(afterwards.id)) === null)).toBe(true);
    expect(await countOf(first.id)).toBe(0);
    // The second delivery found nothing left: one delete entry, not two.
    const audit = await h.audit.list({ resource: 'portfolio', resource_id: onlyOne.id, limit: 5 });
    expect(audit.map((a) => a.action)).toEqual(['delete', 'generate']);
  });
});
