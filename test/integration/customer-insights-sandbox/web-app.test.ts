import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../../sandbox/customer-insights/index.ts';
import { send } from './https-client.ts';

let sandbox: CustomerInsightsSandbox;

beforeAll(async () => {
  sandbox = await startCustomerInsightsSandbox();
});

afterAll(async () => {
  await sandbox.close();
});

describe('the Customer Insights sandbox server', () => {
  it('serves the web app shell for the home host on every app route', async () => {
    for (const path of [
      '/',
      `/app/${sandbox.environmentId}/home`,
      `/app/${sandbox.environmentId}/segments/Male_under_40`,
    ]) {
      const reply = await send(sandbox.port, 'home.ci.ai.dynamics.com', path);
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^text\/html/);
      expect(reply.text).toContain('<script src="/static/app.js"></script>');
    }
  });

  it('embeds the live segment list so that the page shows display names', async () => {
    const reply = await send(sandbox.port, 'home.ci.ai.dynamics.com', '/');
    expect(reply.text).toContain('"displayName":"Yeni müşteriler & VIP"');
    expect(reply.text).not.toMatch(/<\/script><script/);
  });

  it('serves the page script as a separate JavaScript resource', async () => {
    const reply = await send(sandbox.port, 'home.ci.ai.dynamics.com', '/static/app.js');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/javascript/);
    expect(reply.text).toContain('history.pushState');
  });

  it('answers the Data API and Entra ID host names with their own services', async () => {
    const api = await send(sandbox.port, 'api.ci.ai.dynamics.com', '/v1/instances');
    expect(api.status).toBe(401);
    const login = await send(sandbox.port, 'login.microsoftonline.com', '/common/oauth2/v2.0/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&client_id=x&refresh_token=nope',
    });
    expect(login.status).toBe(400);
    expect(login.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers 404 for a host it does not play, even a lookalike of a real one', async () => {
    for (const host of ['example.com', 'home.ci.ai.dynamics.com.evil.example', 'api.omnisend.com']) {
      const reply = await send(sandbox.port, host, '/');
      expect(reply.status).toBe(404);
    }
  });

  it('ignores the port in the Host header', async () => {
    const reply = await send(sandbox.port, `home.ci.ai.dynamics.com:${sandbox.port}`, '/');
    expect(reply.status).toBe(200);
  });

  it('records every request it answered with host and status', async () => {
    sandbox.inspect.clear();
    await send(sandbox.port, 'home.ci.ai.dynamics.com', '/app');
    expect(sandbox.inspect.requests()).toEqual([
      { host: 'home.ci.ai.dynamics.com', method: 'GET', url: '/app', status: 200 },
    ]);
  });

  it('offers Chromium host-resolver rules for its three host names and each Dataverse organisation', () => {
    expect(sandbox.hostResolverRules).toBe(
      [
        'home.ci.ai.dynamics.com',
        'api.ci.ai.dynamics.com',
        'login.microsoftonline.com',
        'contoso.crm4.dynamics.com',
        'contoso-test.crm.dynamics.com',
      ]
        .map((host) => `MAP ${host} 127.0.0.1:${sandbox.port}`)
        .join(','),
    );
    expect(sandbox.orgUrl()).toBe('https://contoso.crm4.dynamics.com');
    expect(sandbox.segmentPageUrl('Male_under_40')).toBe(
      `https://home.ci.ai.dynamics.com/app/${sandbox.environmentId}/segments/Male_under_40`,
    );
    expect(sandbox.segmentPageUrl('Male_under_40', sandbox.environmentId, 'detail')).toBe(
      `https://home.ci.ai.dynamics.com/app/segments/detail?ci=${sandbox.environmentId}&segment=Male_under_40`,
    );
  });
});
