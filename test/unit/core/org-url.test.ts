import { describe, expect, it } from 'vitest';
import { originPattern, parseOrgUrl } from '../../../src/core/org-url.ts';

describe('the Dataverse organisation URL', () => {
  it.each([
    ['https://contoso.crm4.dynamics.com', 'https://contoso.crm4.dynamics.com'],
    ['contoso.crm.dynamics.com', 'https://contoso.crm.dynamics.com'],
    ['  https://Contoso.CRM11.dynamics.com/  ', 'https://contoso.crm11.dynamics.com'],
    [
      'https://contoso.crm4.dynamics.com/main.aspx?appid=5e6f&pagetype=entitylist',
      'https://contoso.crm4.dynamics.com',
    ],
    ['https://contoso.api.crm4.dynamics.com/api/data/v9.2/', 'https://contoso.crm4.dynamics.com'],
    ['https://org-with-dash9.crm2.dynamics.com/#anything', 'https://org-with-dash9.crm2.dynamics.com'],
  ])('takes %s as %s', (pasted, origin) => {
    expect(parseOrgUrl(pasted)).toEqual({ ok: true, origin });
  });

  it.each([
    ['', 'not-a-url'],
    ['http://contoso.crm4.dynamics.com', 'not-a-url'],
    ['https://user:pass@contoso.crm4.dynamics.com', 'not-a-url'],
    ['https://contoso.crm4.dynamics.com:8443', 'not-a-url'],
    [
      'https://home.ci.ai.dynamics.com/app/3f6c2a8e-9b41-4d7a-8e25-6c1d0f4b7a92/home',
      'customer-insights-app',
    ],
    ['https://api.ci.ai.dynamics.com/v1', 'customer-insights-app'],
    ['https://make.powerapps.com/environments/x/home', 'not-an-organisation'],
    ['https://contoso.crm4.dynamics.com.evil.example', 'not-an-organisation'],
    ['https://evil.example/?contoso.crm4.dynamics.com', 'not-an-organisation'],
    ['https://globaldisco.crm.dynamics.com/api/discovery/v2.0/Instances', 'not-an-organisation'],
    ['https://contoso.crm.microsoftdynamics.us', 'not-an-organisation'],
    ['https://a.b.crm4.dynamics.com', 'not-an-organisation'],
  ])('refuses %s (%s)', (pasted, reason) => {
    expect(parseOrgUrl(pasted)).toEqual({ ok: false, reason });
  });

  it('names the origin as a host permission pattern', () => {
    expect(originPattern('https://contoso.crm4.dynamics.com')).toBe('https://contoso.crm4.dynamics.com/*');
  });
});
