// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPageFacts } from '../../../src/content/page-facts.ts';
import {
  collectPageClues,
  displayNameFor,
  MAX_CANDIDATE_LENGTH,
  MAX_CANDIDATES,
  matchPage,
  type PageClues,
  type PageFacts,
  unknownOutputNames,
} from '../../../src/core/segment-page.ts';

const ENV = '3f6c2a8e-9b41-4d7a-8e25-6c1d0f4b7a92';
const OTHER_ENV = 'a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
const CORRELATION = '0f0e0d0c-0b0a-4908-8706-050403020100';
const HOME = 'https://home.ci.ai.dynamics.com';

const SEGMENTS = [
  { id: 'Male_under_40', displayName: 'Male under 40' },
  { id: 'HighValueCustomers', displayName: 'High-value customers' },
  { id: 'New_customers_VIP', displayName: 'Yeni müşteriler & VIP' },
  { id: 'Turkiye_Loyalty', displayName: 'Türkiye loyalty members' },
  { id: 'Copy_A', displayName: 'Duplicate name' },
  { id: 'Copy_B', displayName: 'Duplicate name' },
];
const ENVIRONMENTS = [
  { environmentId: ENV, segments: SEGMENTS },
  { environmentId: OTHER_ENV, segments: [{ id: 'Test_segment', displayName: 'Test segment' }] },
];

function clues(page: PageFacts): PageClues {
  const found = collectPageClues(page);
  if (!found) throw new Error(`no clues on ${page.url}`);
  return found;
}

/** The segment id the page shows, as the worker would find it. */
function shown(page: PageFacts): string | null {
  const match = matchPage(clues(page), ENVIRONMENTS);
  return match?.kind === 'environment' ? (match.segment?.id ?? null) : null;
}

describe('matching a page against the known environments and segments', () => {
  it.each([
    ['the output name in the path', `${HOME}/app/${ENV}/segments/Male_under_40`],
    ['detail?ci=<GUID>&segment=<name>', `${HOME}/app/segments/detail?ci=${ENV}&segment=Male_under_40`],
    ['query keys nobody listed', `${HOME}/x/y?tenantScope=${ENV}&selectedItem=Male_under_40&view=grid`],
    ['a GUID inside a longer value', `${HOME}/app/details?ctx=env:${ENV};v2&s=Male_under_40`],
    ['a route in the fragment', `${HOME}/#/environments/${ENV}/segments/Male_under_40?tab=members`],
    ['a query in the fragment', `${HOME}/app#/segment?e=${ENV}&n=Male_under_40`],
    ['an upper-case GUID and output name', `${HOME}/app/${ENV.toUpperCase()}/segments/MALE_UNDER_40`],
    ['the display name in the query', `${HOME}/app/${ENV}/s?name=Male%20under%2040`],
    ['a path-like query value', `${HOME}/app?route=${ENV}/segments/Male_under_40`],
    ['a correlation GUID before the environment', `${HOME}/r/${CORRELATION}/e/${ENV}/Male_under_40`],
  ])('finds the segment with %s', (_shape, url) => {
    expect(shown({ url, title: 'Customer Insights' })).toBe('Male_under_40');
  });

  it('finds a segment the address does not name, from the heading, breadcrumb or title', () => {
    const url = `${HOME}/app/${ENV}/insights/item?id=42`;
    expect(shown({ url, title: '', headings: ['High-value customers'] })).toBe('HighValueCustomers');
    expect(shown({ url, title: '', breadcrumb: ['Segmentler', '›', 'High-value customers'] })).toBe(
      'HighValueCustomers',
    );
    expect(shown({ url, title: 'High-value customers | Segments | Dynamics 365' })).toBe(
      'HighValueCustomers',
    );
  });

  it('keeps separators inside a display name that the title splits on', () => {
    const segments = [{ id: 'Gold', displayName: 'VIP - Gold' }];
    const found = matchPage(
      clues({ url: `${HOME}/app/${ENV}/segments/x`, title: 'VIP - Gold - Segments - Customer Insights' }),
      [{ environmentId: ENV, segments }],
    );
    expect(found).toMatchObject({ kind: 'environment', segment: { id: 'Gold' } });
  });

  it('ignores case, accents, Unicode form and spacing on both sides', () => {
    const decomposed = 'YENI MU\u0308S\u0327TERILER  &  vip';
    expect(shown({ url: `${HOME}/app/${ENV}/p`, title: '', headings: [decomposed] })).toBe(
      'New_customers_VIP',
    );
    expect(shown({ url: `${HOME}/app/${ENV}/p`, title: '', headings: ['turkiye LOYALTY members'] })).toBe(
      'Turkiye_Loyalty',
    );
    expect(shown({ url: `${HOME}/app/${ENV}/p`, title: '', headings: ['HIGH VALUE CUSTOMERS'] })).toBe(
      'HighValueCustomers',
    );
  });

  it('trusts the address while the page text names nothing, as while the page is loading', () => {
    expect(
      shown({ url: `${HOME}/app/${ENV}/segments/Male_under_40`, title: '', headings: ['Loading…'] }),
    ).toBe('Male_under_40');
  });

  it('claims nothing while address and page text name different segments, as mid-navigation', () => {
    const page = {
      url: `${HOME}/app/${ENV}/segments/Male_under_40`,
      title: 'High-value customers - Segments - Customer Insights',
      headings: ['High-value customers'],
    };
    expect(matchPage(clues(page), ENVIRONMENTS)).toMatchObject({ kind: 'environment', segment: null });
  });

  it('tells segments sharing a display name apart by output name, and otherwise claims nothing', () => {
    expect(shown({ url: `${HOME}/app/${ENV}/p`, title: '', headings: ['Duplicate name'] })).toBeNull();
    expect(
      shown({ url: `${HOME}/app/${ENV}/segments/Copy_B`, title: '', headings: ['Duplicate name'] }),
    ).toBe('Copy_B');
    expect(shown({ url: `${HOME}/app/${ENV}/compare?a=Copy_A&b=Copy_B`, title: '' })).toBeNull();
  });

  it('says which environment a page belongs to even when it shows no segment', () => {
    const measures = clues({
      url: `${HOME}/app/${ENV}/measures`,
      title: 'Measures - Customer Insights',
      headings: ['Measures'],
    });
    expect(matchPage(measures, ENVIRONMENTS)).toMatchObject({
      kind: 'environment',
      environment: { environmentId: ENV },
      segment: null,
    });
    const other = clues({ url: `${HOME}/app/${OTHER_ENV}/segments/Male_under_40`, title: '' });
    expect(matchPage(other, ENVIRONMENTS)).toMatchObject({
      kind: 'environment',
      environment: { environmentId: OTHER_ENV },
      segment: null,
    });
  });

  it('offers the first GUID when no GUID of the page is a known environment', () => {
    const page = clues({ url: `${HOME}/app/${CORRELATION}/segments/X?other=${OTHER_ENV}`, title: '' });
    expect(matchPage(page, [])).toEqual({ kind: 'unknown-environment', environmentId: CORRELATION });
  });

  it('finds the segment wherever a generated address puts it, under keys and paths nobody wrote down', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
    const segment = fc.constantFrom(...SEGMENTS.slice(0, 4));
    const shape = fc.record({
      segment,
      words: fc.array(word, { maxLength: 4 }),
      envIn: fc.constantFrom('path', 'query', 'fragment'),
      envKey: word,
      envAt: fc.nat(4),
      nameIn: fc.constantFrom('path', 'query', 'fragment-query'),
      nameKey: word,
      byDisplayName: fc.boolean(),
      noise: fc.array(fc.tuple(word, word), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(shape, (s) => {
        const name = s.byDisplayName ? s.segment.displayName : s.segment.id;
        const path = [...s.words];
        const query = new URLSearchParams(s.noise);
        const fragment = new URLSearchParams();
        if (s.envIn === 'path') path.splice(Math.min(s.envAt, path.length), 0, ENV);
        else if (s.envIn === 'query') query.append(s.envKey, ENV);
        else fragment.append(s.envKey, ENV);
        if (s.nameIn === 'path') path.push(name);
        else if (s.nameIn === 'query') query.append(s.nameKey, name);
        else fragment.append(s.nameKey, name);
        const hash = fragment.size ? `#/${s.words.join('/')}?${fragment}` : '';
        const url = `${HOME}/${path.map(encodeURIComponent).join('/')}?${query}${hash}`;
        expect(shown({ url, title: 'Customer Insights' })).toBe(s.segment.id);
      }),
    );
  });
});

describe('reading a page of the web app', () => {
  const page = (html: string, title: string): PageFacts => {
    document.title = title;
    document.body.innerHTML = html;
    return readPageFacts(document, `${HOME}/app/${ENV}/p/${CORRELATION}`);
  };

  it.each([
    [
      'a breadcrumb nav and an h1 (the sandbox)',
      '<nav aria-label="Breadcrumb"><ol><li><a href="#">Segments</a></li><li>Male under 40</li></ol></nav><h1>Male under 40</h1>',
      'Customer Insights',
    ],
    [
      'a Fluent UI breadcrumb',
      '<div class="ms-Breadcrumb" role="navigation"><ol class="ms-Breadcrumb-list"><li class="ms-Breadcrumb-listItem">Segments</li><li class="ms-Breadcrumb-listItem"><span>›</span></li><li class="ms-Breadcrumb-listItem">Male under 40</li></ol></div>',
      'Dynamics 365',
    ],
    [
      'an ARIA heading',
      '<div role="heading" aria-level="1"> Male   under 40 </div><div role="heading" aria-level="2">Overview</div>',
      'Customer Insights',
    ],
    ['nothing but the title', '<main><p>Members</p></main>', 'Male under 40 – Segmente – Customer Insights'],
  ])('finds the segment in %s', (_shape, html, title) => {
    expect(shown(page(html, title))).toBe('Male_under_40');
  });

  it('reports clues, never the whole address or anything else of the page', () => {
    const facts = page('<h1>Male under 40</h1><p>jane@example.com</p>', 'Male under 40 - Segments');
    const found = clues(facts);
    expect(found.guids).toEqual([ENV, CORRELATION]);
    expect(JSON.stringify(found)).not.toContain('jane@example.com');
    expect(found.address).not.toContain(facts.url);
  });
});

describe('naming a segment found by its output name', () => {
  it('takes the page text that spells the output name, else the output name', () => {
    const page = (title: string) => clues({ url: `${HOME}/app/${ENV}/segments/Male_under_40`, title });
    expect(displayNameFor('Male_under_40', page('Segments | Male under 40 | Customer Insights'))).toBe(
      'Male under 40',
    );
    expect(displayNameFor('Male_under_40', page('Segments - Customer Insights'))).toBe('Male_under_40');
  });
});

describe('collecting clues', () => {
  it.each([
    ['another host', `https://example.com/app/${ENV}/segments/Male_under_40`],
    ['a lookalike host', `https://home.ci.ai.dynamics.com.evil.example/app/${ENV}/segments/X`],
    ['a host hidden behind user info', `https://home.ci.ai.dynamics.com@evil.example/app/${ENV}/x`],
    ['a subdomain lookalike', `https://evil.home.ci.ai.dynamics.com/app/${ENV}/segments/X`],
    ['plain http', `http://home.ci.ai.dynamics.com/app/${ENV}/segments/Male_under_40`],
    ['a page without a GUID', `${HOME}/app/segments/Male_under_40`],
    ['an address that does not parse', 'not a url'],
  ])('finds nothing on %s', (_case, url) => {
    expect(collectPageClues({ url, title: 'Male under 40', headings: ['Male under 40'] })).toBeNull();
  });

  it('leaves long values such as codes and tokens a sign-in leaves in the address out', () => {
    const token = 'eyJ'.padEnd(600, 'x');
    const found = clues({ url: `${HOME}/app/${ENV}/segments/Male_under_40#code=${token}`, title: '' });
    expect(JSON.stringify(found)).not.toContain(token);
    expect(found.address).toContain('Male_under_40');
  });

  it('names the output names worth asking Dataverse about: unknown, and shaped like table names', () => {
    const found = clues({
      url: `${HOME}/app/${ENV}/segments/detail?segment=Winback_2019&q=two words&known=Male_under_40`,
      title: '',
    });
    expect(unknownOutputNames(found, SEGMENTS)).toEqual(['app', 'segments', 'detail', 'Winback_2019']);
  });

  it('never throws, and stays within its bounds whatever the page', () => {
    const part = fc.oneof(fc.constantFrom('app', 'segments', ENV, ENV.toUpperCase()), fc.string(), fc.uuid());
    const facts = fc.record({
      host: fc.constantFrom('home.ci.ai.dynamics.com', 'example.com'),
      path: fc.array(part, { maxLength: 60 }),
      query: fc.array(fc.tuple(fc.string(), part), { maxLength: 30 }),
      hash: fc.string(),
      title: fc.string({ maxLength: 400 }),
      headings: fc.array(fc.string(), { maxLength: 3 }),
      breadcrumb: fc.array(fc.string(), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(facts, ({ host, path, query, hash, title, headings, breadcrumb }) => {
        const url = `https://${host}/${path.map(encodeURIComponent).join('/')}?${new URLSearchParams(query)}#${hash}`;
        const found = collectPageClues({ url, title, headings, breadcrumb });
        if (!found) return;
        expect(host).toBe('home.ci.ai.dynamics.com');
        expect(found.guids.length).toBeGreaterThan(0);
        for (const guid of found.guids) expect(guid).toMatch(/^[0-9a-f-]{36}$/);
        for (const list of [found.address, found.text]) {
          expect(list.length).toBeLessThanOrEqual(MAX_CANDIDATES);
          for (const text of list) expect(text.length).toBeLessThanOrEqual(MAX_CANDIDATE_LENGTH);
        }
      }),
    );
  });
});
