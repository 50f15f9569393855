import { describe, expect, test } from 'vitest';
import { type EtaInput, estimateRemainingMs } from '../../../../src/core/run/eta.ts';

const fresh: EtaInput = {
  total: 1_000_000,
  read: 0,
  queuedUpserts: 0,
  unsettledUpserts: 0,
  sent: 0,
  tagsDoneOrQueued: 0,
  queuedTagEmails: 0,
  ratePerMinute: { default: 400, tags: 60 },
  batchItems: 100,
  tagEmails: 250,
};

describe('ETA from the rate limits', () => {
  test('a first export of a million new contacts is bound by the tag endpoint: 66.7 minutes', () => {
    expect(estimateRemainingMs(fresh)).toBe(Math.round((4000 / 60) * 60_000));
  });

  test('the upsert lane bounds it when its budget is the smaller one', () => {
    // 10 000 batches + 400 listings (25 batches each) at 100/min = 104 min; tags 4 000 calls at
    // 60/min = 66.7 min.
    expect(estimateRemainingMs({ ...fresh, ratePerMinute: { default: 100, tags: 60 } })).toBe(104 * 60_000);
  });

  test('a rerun where nothing changed has almost nothing left to do', () => {
    const rerun = { ...fresh, read: 500_000, sent: 0, tagsDoneOrQueued: 0 };
    expect(estimateRemainingMs(rerun)).toBe(0);
  });

  test('what is queued counts even when reading is done', () => {
    const tail = {
      ...fresh,
      total: 1000,
      read: 1000,
      sent: 1000,
      tagsDoneOrQueued: 1000,
      queuedTagEmails: 500,
    };
    expect(estimateRemainingMs(tail)).toBe(2000);
  });

  test('is unknown while the total is unknown', () => {
    expect(estimateRemainingMs({ ...fresh, total: null })).toBeNull();
  });
});
