import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectSegmentPage, matchSegment, type SegmentPageContext } from '../../../src/core/segment-page.ts';

const ENV = '3f6c2a8e-9b41-4d7a-8e25-6c1d0f4b7a92';
const HOME = 'https://home.ci.ai.dynamics.com';

const segmentPage = {
  url: `${HOME}/app/${ENV}/segments/Male_under_40`,
  title: 'Male under 40 - Segments - Customer Insights',
  heading: 'Male under 40',
  breadcrumb: ['Segments', 'Male under 40'],
};

const SEGMENTS = [
  { name: 'Male_under_40', displayName: 'Male under 40' },
  { name: 'HighValueCustomers', displayName: 'High-value customers' },
  { name: 'New_customers_VIP', displayName: 'Yeni müşteriler & VIP' },
  { name: 'Copy_A', displayName: 'Duplicate name' },
  { name: 'Copy_B', displayName: 'Duplicate name' },
];

function context(segmentHint: SegmentPageContext['segmentHint']): SegmentPageContext {
  return { environmentId: ENV, segmentHint };
}

describe('detectSegmentPage', () => {
  it('finds the environment, route name and display name on a segment page of the app', () => {
    expect(detectSegmentPage(segmentPage)).toEqual({
      environmentId: ENV,
      segmentHint: { routeName: 'Male_under_40', displayName: 'Male under 40' },
    });
  });

  it('lower-cases the environment GUID and decodes the route name', () => {
    const result = detectSegmentPage({
      url: `${HOME}/app/${ENV.toUpperCase()}/segments/Yeni%20m%C3%BC%C5%9Fteriler?tab=members#top`,
      title: 'Customer Insights',
    });
    expect(result).toEqual({ environmentId: ENV, segmentHint: { routeName: 'Yeni müşteriler' } });
  });

  it.each([
    ['/segment/<name>', `${HOME}/app/${ENV}/segment/Male_under_40`],
    ['/segments?segmentName=', `${HOME}/app/${ENV}/segments?segmentName=Male_under_40`],
    ['/segments?id=', `${HOME}/app/${ENV}/segments?id=Male_under_40`],
    ['/segments?segmentId=', `${HOME}/app/${ENV}/Segments?SegmentId=Male_under_40`],
    ['/segment?id=', `${HOME}/app/${ENV}/segment?id=Male_under_40`],
    ['environment in the query', `${HOME}/segments/Male_under_40?envId=${ENV}`],
    ['environment as ci.envId', `${HOME}/segments/details?segmentName=Male_under_40&ci.envId=${ENV}`],
  ])('accepts the URL variant %s', (_variant, url) => {
    const result = detectSegmentPage({ url, title: '' });
    expect(result?.environmentId).toBe(ENV);
    expect(result?.segmentHint.routeName).toBe('Male_under_40');
  });

  it('prefers the path name rule over query rules', () => {
    const result = detectSegmentPage({ url: `${HOME}/app/${ENV}/segments/A?segmentName=B`, title: '' });
    expect(result?.segmentHint.routeName).toBe('A');
  });

  it('reads the display name from the breadcrumb, ignoring separator items and spacing', () => {
    const result = detectSegmentPage({
      url: `${HOME}/app/${ENV}/segments/Male_under_40`,
      title: 'Customer Insights',
      breadcrumb: [' Segments ', '›', '  Male  under 40 '],
    });
    expect(result?.segmentHint.displayName).toBe('Male under 40');
  });

  it('reads the display name from the title when there is no breadcrumb, keeping dashes inside it', () => {
    const result = detectSegmentPage({
      url: `${HOME}/app/${ENV}/segments/Gold`,
      title: 'VIP - Gold - Segments - Customer Insights',
    });
    expect(result?.segmentHint.displayName).toBe('VIP - Gold');
  });

  it('takes the heading as display name only when the URL names a segment', () => {
    const withRoute = detectSegmentPage({
      url: `${HOME}/app/${ENV}/segments/X`,
      title: '',
      heading: 'Shown name',
    });
    expect(withRoute?.segmentHint).toEqual({ routeName: 'X', displayName: 'Shown name' });
    const withoutRoute = detectSegmentPage({
      url: `${HOME}/app/${ENV}/home`,
      title: '',
      heading: 'Shown name',
    });
    expect(withoutRoute).toBeNull();
  });

  it('recognises a segment page from the breadcrumb or title when the URL shape is unknown', () => {
    const byCrumb = detectSegmentPage({
      url: `${HOME}/app/${ENV}/insights/detail?x=1`,
      title: '',
      breadcrumb: ['Segments', 'High-value customers'],
    });
    expect(byCrumb).toEqual({ environmentId: ENV, segmentHint: { displayName: 'High-value customers' } });
    const byTitle = detectSegmentPage({
      url: `${HOME}/app/${ENV}/insights/detail`,
      title: 'High-value customers - Segments - Customer Insights',
    });
    expect(byTitle?.segmentHint).toEqual({ displayName: 'High-value customers' });
  });

  it('understands a Turkish interface', () => {
    const result = detectSegmentPage({
      url: `${HOME}/app/${ENV}/segments/Turkiye_Loyalty`,
      title: 'Türkiye sadakat üyeleri - Segmentler - Customer Insights',
      breadcrumb: ['Segmentler', 'Türkiye sadakat üyeleri'],
    });
    expect(result?.segmentHint.displayName).toBe('Türkiye sadakat üyeleri');
  });

  it.each([
    [
      'the root home page',
      { url: `${HOME}/`, title: 'Customer Insights', heading: 'Welcome to Customer Insights' },
    ],
    [
      'an environment home page',
      { url: `${HOME}/app/${ENV}/home`, title: 'Home - Customer Insights', heading: 'Home' },
    ],
    [
      'the segment list',
      {
        url: `${HOME}/app/${ENV}/segments`,
        title: 'Segments - Customer Insights',
        heading: 'Segments',
        breadcrumb: ['Segments'],
      },
    ],
    ['the create-segment page', { url: `${HOME}/app/${ENV}/segments/new`, title: 'Customer Insights' }],
    [
      'another page with a breadcrumb',
      { url: `${HOME}/app/${ENV}/measures`, title: '', breadcrumb: ['Measures'] },
    ],
    ['a page without an environment GUID', { ...segmentPage, url: `${HOME}/app/segments/Male_under_40` }],
    [
      'a GUID in an unrelated query parameter',
      { url: `${HOME}/segments/Male_under_40?correlationId=${ENV}`, title: '' },
    ],
    ['another host', { ...segmentPage, url: `https://example.com/app/${ENV}/segments/Male_under_40` }],
    [
      'a lookalike host',
      {
        ...segmentPage,
        url: `https://home.ci.ai.dynamics.com.evil.example/app/${ENV}/segments/Male_under_40`,
      },
    ],
    [
      'a host hidden behind user info',
      {
        ...segmentPage,
        url: `https://home.ci.ai.dynamics.com@evil.example/app/${ENV}/segments/Male_under_40`,
      },
    ],
    [
      'a subdomain lookalike',
      { ...segmentPage, url: `https://evil.home.ci.ai.dynamics.com/app/${ENV}/segments/X` },
    ],
    [
      'plain http',
      { ...segmentPage, url: `http://home.ci.ai.dynamics.com/app/${ENV}/segments/Male_under_40` },
    ],
    ['a URL that does not parse', { ...segmentPage, url: 'not a url' }],
  ])('says %s is not a segment page', (_name, page) => {
    expect(detectSegmentPage(page)).toBeNull();
  });

  it('never throws, and answers only for the app host with a lower-case GUID, whatever the page', () => {
    const part = fc.oneof(
      fc.constantFrom('app', 'segments', 'segment', 'new', ENV, ENV.toUpperCase()),
      fc.string(),
    );
    const page = fc.record({
      host: fc.constantFrom('home.ci.ai.dynamics.com', 'home.ci.ai.dynamics.com.evil.example', 'example.com'),
      path: fc.array(part, { maxLength: 5 }),
      query: fc.array(fc.tuple(fc.constantFrom('envId', 'segmentName', 'id', 'x'), part), { maxLength: 3 }),
      title: fc.string(),
      heading: fc.option(fc.string(), { nil: undefined }),
      breadcrumb: fc.array(fc.oneof(fc.constant('Segments'), fc.string()), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(page, ({ host, path, query, title, heading, breadcrumb }) => {
        const url = `https://${host}/${path.map(encodeURIComponent).join('/')}?${new URLSearchParams(query)}`;
        const result = detectSegmentPage({ url, title, heading, breadcrumb });
        if (result) {
          expect(host).toBe('home.ci.ai.dynamics.com');
          expect(result.environmentId).toBe(ENV);
        }
      }),
    );
  });
});

describe('matchSegment', () => {
  it('matches the route name against output names ignoring case', () => {
    expect(matchSegment(context({ routeName: 'male_UNDER_40' }), SEGMENTS)?.name).toBe('Male_under_40');
  });

  it('matches a display name ignoring case, spacing and Unicode form', () => {
    const decomposed = 'Yeni mu\u0308s\u0327teriler  &  VIP'.toUpperCase();
    expect(matchSegment(context({ displayName: decomposed }), SEGMENTS)?.name).toBe('New_customers_VIP');
  });

  it('falls back from route name to display names and from display name to output names', () => {
    expect(matchSegment(context({ routeName: 'High-value customers' }), SEGMENTS)?.name).toBe(
      'HighValueCustomers',
    );
    expect(matchSegment(context({ displayName: 'HighValueCustomers' }), SEGMENTS)?.name).toBe(
      'HighValueCustomers',
    );
  });

  it('trusts the route when the shown name matches nothing, as while the page is still loading', () => {
    const result = matchSegment(context({ routeName: 'Male_under_40', displayName: 'Loading…' }), SEGMENTS);
    expect(result).toEqual({ name: 'Male_under_40', displayName: 'Male under 40' });
  });

  it('refuses when route and shown name point at different segments, as mid-navigation', () => {
    const result = matchSegment(
      context({ routeName: 'Male_under_40', displayName: 'High-value customers' }),
      SEGMENTS,
    );
    expect(result).toBeNull();
  });

  it('refuses a display name that several segments share', () => {
    expect(matchSegment(context({ displayName: 'Duplicate name' }), SEGMENTS)).toBeNull();
    expect(
      matchSegment(context({ routeName: 'Copy_B', displayName: 'Duplicate name' }), SEGMENTS)?.name,
    ).toBe('Copy_B');
  });

  it('returns null for an unknown segment or an empty list', () => {
    expect(matchSegment(context({ routeName: 'Nope' }), SEGMENTS)).toBeNull();
    expect(matchSegment(context({ routeName: 'Male_under_40' }), [])).toBeNull();
  });

  it('finds the segment of every sandbox-style segment page', () => {
    for (const segment of SEGMENTS.slice(0, 3)) {
      const detected = detectSegmentPage({
        url: `${HOME}/app/${ENV}/segments/${encodeURIComponent(segment.name)}`,
        title: `${segment.displayName} - Segments - Customer Insights`,
        heading: segment.displayName,
        breadcrumb: ['Segments', segment.displayName],
      });
      expect(detected && matchSegment(detected, SEGMENTS)).toBe(segment);
    }
  });
});
