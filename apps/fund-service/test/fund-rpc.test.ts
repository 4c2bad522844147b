import type { Fund } from '@equihome/domain';
import { connectMessaging, RpcRemoteError, type Messaging } from '@equihome/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundBody, startTestService, type TestService } from './helpers.js';

let t: TestService;
let client: Messaging;
beforeAll(async () => {
  t = await startTestService();
  // Another service's connection on the same private subject prefix.
  client = await connectMessaging({ name: 'portfolio-service', servers: t.env.NATS_URL, subjectPrefix: t.env.NATS_SUBJECT_PREFIX, stream: t.env.NATS_STREAM });
});
afterAll(async () => {
  await client?.close();
  await t?.cleanup();
});

describe('NATS request equihome.rpc.fund.get', () => {
  it('answers with the stored Fund, every default filled', async () => {
    const created = await t.service.app.inject({ method: 'POST', url: '/api/funds', headers: { authorization: t.auth('analyst') }, payload: fundBody({ name: 'Via RPC' }) });
    const fund = created.json() as Fund;
    const reply = await client.request('equihome.rpc.fund.get', { id: fund.id });
    expect(reply).toEqual(fund);
    expect(reply.fee_structure.hurdle_rate).toBe(0.08);
  });

  it('fails with RpcRemoteError status 404 FUND_NOT_FOUND for a missing fund', async () => {
    const missing = '01900000-0000-7000-8000-00000000dead';
    const error = await client.request('equihome.rpc.fund.get', { id: missing }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RpcRemoteError);
    expect((error as RpcRemoteError).status).toBe(404);
    expect((error as RpcRemoteError).problem).toMatchObject({ status: 404, code: 'FUND_NOT_FOUND' });
    expect((error as RpcRemoteError).problem.detail).toContain(missing);
  });

  it('answers a request without an id with a 400 problem', async () => {
    const reply = await client.nc.request(`${t.env.NATS_SUBJECT_PREFIX}.rpc.fund.get`, JSON.stringify({}), { timeout: 5000 });
    expect(reply.json()).toMatchObject({ error: { status: 400 } });
  });
});
