import type { EnvironmentDefinition } from './sandbox-state.ts';

// Fixed GUIDs so that e2e tests, the demo and bookmarks keep working across restarts.
export const PRODUCTION_ENVIRONMENT_ID = '3f6c2a8e-9b41-4d7a-8e25-6c1d0f4b7a92';
export const TEST_ENVIRONMENT_ID = 'a1b2c3d4-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
/** Their Dataverse organisations, in the Europe (crm4) and North America (crm) regions. */
export const PRODUCTION_ORG_HOST = 'contoso.crm4.dynamics.com';
export const TEST_ORG_HOST = 'contoso-test.crm.dynamics.com';

export const DEFAULT_ENVIRONMENTS: EnvironmentDefinition[] = [
  {
    id: PRODUCTION_ENVIRONMENT_ID,
    displayName: 'Contoso Retail (Production)',
    orgHost: PRODUCTION_ORG_HOST,
    segments: [
      {
        name: 'Male_under_40',
        displayName: 'Male under 40',
        size: 1_200,
        offset: 0,
        description: 'Customers who identify as male and are younger than 40.',
      },
      {
        name: 'HighValueCustomers',
        displayName: 'High-value customers',
        size: 250,
        offset: 1_000,
        description: 'Lifetime value above 5,000.',
      },
      {
        name: 'Turkiye_Loyalty',
        displayName: 'Türkiye loyalty members',
        size: 5_000,
        offset: 3_000,
        description: 'Loyalty programme members in Türkiye.',
      },
      {
        name: 'New_customers_VIP',
        displayName: 'Yeni müşteriler & VIP',
        size: 40,
        offset: 20_000,
        description: 'A display name with non-ASCII letters and an ampersand.',
      },
      { name: 'Winback_2019', displayName: 'Win-back 2019', size: 0, offset: 0, description: 'Empty.' },
      {
        name: 'All_customers_2M',
        displayName: 'All customers (2M)',
        size: 2_000_000,
        offset: 0,
        description: 'Large segment for performance runs; generated on the fly.',
      },
    ],
  },
  {
    id: TEST_ENVIRONMENT_ID,
    displayName: 'Contoso Retail (Test)',
    orgHost: TEST_ORG_HOST,
    segments: [{ name: 'Test_segment', displayName: 'Test segment', size: 25, offset: 0 }],
  },
];
