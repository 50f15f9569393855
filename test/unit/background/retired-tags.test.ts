import { describe, expect, test } from 'vitest';
import { retiredTags } from '../../../src/background/export-service.ts';
import type { ExportDefinition } from '../../../src/core/export-definition.ts';

const segment = (id: string, tag: string) => ({ sourceId: 'file', segmentId: id, displayName: id, tag });
const definition = (segments: ExportDefinition['segments'], connectionId = 'c1'): ExportDefinition => ({
  id: 'e1',
  name: 'Push',
  connectionId,
  segments,
  mapping: { email: 'Email' },
  syncMode: 'mirror',
  schedule: { kind: 'manual' },
  createdAt: 1,
  updatedAt: 1,
});

describe('the tags a save stops using', () => {
  const before = definition([segment('vip', 'VIP'), segment('gold', 'Gold')]);

  test('a segment dropped, a tag renamed; a tag kept by another segment is not one of them', () => {
    expect(retiredTags(before, definition([segment('gold', 'Gold')]))).toEqual(['VIP']);
    expect(retiredTags(before, definition([segment('vip', 'VIP 2026'), segment('gold', 'Gold')]))).toEqual([
      'VIP',
    ]);
    expect(retiredTags(before, definition([segment('other', 'VIP'), segment('gold', 'Gold')]))).toEqual([]);
  });

  test('none when the connection changes: the old brand’s ledger goes with it', () => {
    expect(retiredTags(before, definition([segment('gold', 'Gold')], 'c2'))).toEqual([]);
  });
});
