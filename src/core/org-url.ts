/**
 * The Dataverse organisation a Customer Insights environment writes its tables to, from whatever
 * the user pastes: the organisation URL, the Web API endpoint (Power Apps › Settings › Developer
 * resources), or the address of any page of a Dynamics 365 app of that organisation
 * (`https://contoso.crm4.dynamics.com/main.aspx?appid=…`). Organisations live at
 * `{org}.crm{N}.dynamics.com` (N blank for North America, else the region) and answer the Web API
 * at `{org}.api.crm{N}.dynamics.com` too (customer-insights.md §2b); sovereign clouds are out of
 * scope. *Guess:* both host forms are the same organisation, so the `api.` one is reduced to the
 * other, which is what the sign-in names as the resource.
 */
export type OrgUrlResult =
  | { ok: true; origin: string }
  | { ok: false; reason: 'not-a-url' | 'not-an-organisation' | 'customer-insights-app' };

const ORG_HOST = /^([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\.(?:api\.)?(crm\d{0,2})\.dynamics\.com$/;

export function parseOrgUrl(text: string): OrgUrlResult {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  if (!URL.canParse(withScheme)) return { ok: false, reason: 'not-a-url' };
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' || url.username || url.password || url.port)
    return { ok: false, reason: 'not-a-url' };
  const host = url.hostname.toLowerCase();
  if (host.endsWith('.ci.ai.dynamics.com')) return { ok: false, reason: 'customer-insights-app' };
  const match = ORG_HOST.exec(host);
  // The Global Discovery Service shares the organisations' host shape.
  if (!match || match[1] === 'globaldisco') return { ok: false, reason: 'not-an-organisation' };
  return { ok: true, origin: `https://${match[1]}.${match[2]}.dynamics.com` };
}

/** The pattern `permissions.request` and `optional_host_permissions` speak of, for one origin. */
export function originPattern(origin: string): string {
  return `${origin}/*`;
}
