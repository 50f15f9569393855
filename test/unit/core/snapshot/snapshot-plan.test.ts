import { describe, expect, test } from 'vitest';
import {
  FULL_RELIST_AFTER_MS,
  nextListing,
  snapshotKey,
  snapshotPageWaitMs,
  snapshotShowsDeletions,
  UPDATED_OVERLAP_MS,
} from '../../../../src/core/snapshot/snapshot-plan.ts';

const now = 1_800_000_000_000;

describe('the next listing of a brand snapshot', () => {
  test('is full into generation 1 when nothing was listed yet', () => {
    expect(nextListing({ generation: 0, listedAt: null, fullListedAt: null, watermark: null }, now)).toEqual({
      mode: 'full',
      generation: 1,
      after: null,
      startedAt: now,
      updatedAtFrom: null,
      watermark: null,
      read: 0,
    });
  });

  test("is incremental from the last listing's watermark (Omnisend's clock), less the overlap", () => {
    // This machine's clock is three hours behind Omnisend's: the watermark alone decides.
    const omnisendNow = now + 3 * 3_600_000;
    const listing = nextListing(
      {
        generation: 3,
        listedAt: now - 60_000,
        fullListedAt: now - 3_600_000,
        watermark: omnisendNow - 70_000,
      },
      now,
    );
    expect(listing).toMatchObject({
      mode: 'incremental',
      generation: 3,
      updatedAtFrom: omnisendNow - 70_000 - UPDATED_OVERLAP_MS,
      watermark: null,
    });
  });

  test('is full when the last listing found the brand empty: there is no watermark to read from', () => {
    expect(
      nextListing(
        { generation: 3, listedAt: now - 60_000, fullListedAt: now - 60_000, watermark: null },
        now,
      ),
    ).toMatchObject({ mode: 'full', generation: 4 });
  });

  test('is full into a new generation once the last full listing is a week old, or from the future', () => {
    expect(
      nextListing(
        { generation: 3, listedAt: now - 1, fullListedAt: now - FULL_RELIST_AFTER_MS, watermark: now },
        now,
      ),
    ).toMatchObject({
      mode: 'full',
      generation: 4,
    });
    expect(
      nextListing({ generation: 3, listedAt: now, fullListedAt: now + 1, watermark: now }, now).mode,
    ).toBe('full');
  });
});

describe('how a listing shares the budget', () => {
  test('goes at once while no run waits', () => {
    expect(snapshotPageWaitMs({ othersWaiting: false, sinceLastPageMs: 0, slotMs: 150 })).toBe(0);
  });

  test('takes at most a quarter of the slots while runs wait', () => {
    expect(snapshotPageWaitMs({ othersWaiting: true, sinceLastPageMs: 100, slotMs: 150 })).toBe(500);
    expect(snapshotPageWaitMs({ othersWaiting: true, sinceLastPageMs: 600, slotMs: 150 })).toBe(0);
  });
});

test('snapshot keys are trimmed and ASCII lower-cased, other letters left alone', () => {
  expect(snapshotKey(' Ann@Example.COM ')).toBe('ann@example.com');
  expect(snapshotKey('İ@x.com')).toBe('İ@x.com');
});

test('only a complete full listing that started after the ledger last saw Omnisend shows deletions', () => {
  expect(snapshotShowsDeletions(null, null)).toBe(false);
  expect(snapshotShowsDeletions(1_000, null)).toBe(true);
  expect(snapshotShowsDeletions(1_000, 999)).toBe(true);
  // The ledger saw contacts (a run created them) after the listing started: they may not be in it.
  expect(snapshotShowsDeletions(1_000, 1_000)).toBe(false);
  expect(snapshotShowsDeletions(1_000, 5_000)).toBe(false);
});
