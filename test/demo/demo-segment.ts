import { dataCsv } from '../../src/core/safe-csv.ts';
import { customerAt, PROFILE_FIELDS } from '../sandbox/customer-insights/profiles.ts';

/**
 * The demo's segment file: customers of the Customer Insights sandbox tenant, dirty data included
 * (invalid, blank and duplicate emails, Turkish and other non-Latin names, country and phone
 * variants), as a marketer would export them from a CRM.
 */
export function demoSegmentCsv(size: number): Buffer {
  const rows: (string | number | null)[][] = [];
  for (let i = 0; i < size; i++) {
    const profile = customerAt(1, 3_000 + i);
    rows.push(
      PROFILE_FIELDS.map((field) => {
        const value = profile[field];
        return typeof value === 'boolean' ? String(value) : value;
      }),
    );
  }
  return Buffer.from(dataCsv(PROFILE_FIELDS, rows), 'utf8');
}
