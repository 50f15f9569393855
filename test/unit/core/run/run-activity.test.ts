import { describe, expect, test } from 'vitest';
import { type ActivityInput, activityOf } from '../../../../src/core/run/run-activity.ts';

const running: ActivityInput = {
  status: 'running',
  phase: 'read',
  waiting: null,
  readDone: false,
  listingOmnisend: false,
  queuedUpserts: 0,
  unsettledBatches: 0,
  queuedTagEmails: 0,
  rateLimitWaitMs: { default: 0, tags: 0 },
};

describe('what a run is doing, in the words the screens use', () => {
  test.each<[string, Partial<ActivityInput>, ReturnType<typeof activityOf>]>([
    ['a queued run waits its turn', { status: 'queued', phase: null }, 'queued'],
    [
      "a run bringing the brand snapshot up to date reads Omnisend's contacts",
      { listingOmnisend: true },
      'reading-omnisend',
    ],
    ['an ended run does nothing', { status: 'succeeded', phase: 'finish' }, null],
    [
      'a run that waits for a sign-in says so before anything else',
      { waiting: 'sign-in.required', queuedUpserts: 5 },
      'waiting-for-sign-in',
    ],
    [
      'a run that waits to be let reach a Dataverse organisation says that instead',
      { waiting: 'customer-insights.org-access-required', queuedUpserts: 5 },
      'waiting-for-access',
    ],
    [
      'a run that needs a key only an unlocked administrator can use waits for the administrator',
      { waiting: 'vault-locked' },
      'waiting-for-administrator',
    ],
    ['reading goes on while batches are out', { unsettledBatches: 3 }, 'reading'],
    ['contacts read and queued are being sent', { readDone: true, queuedUpserts: 40 }, 'sending'],
    [
      'upserts held by the rate limit say so',
      { readDone: true, queuedUpserts: 40, rateLimitWaitMs: { default: 5_000, tags: 0 } },
      'waiting-for-rate-limit',
    ],
    [
      'a short wait for a slot is the normal pace',
      { readDone: true, queuedUpserts: 40, rateLimitWaitMs: { default: 500, tags: 0 } },
      'sending',
    ],
    ['tag calls queued are tagging', { readDone: true, phase: 'upsert', queuedTagEmails: 300 }, 'tagging'],
    [
      'tag calls held by the tag rate limit say so',
      { readDone: true, queuedTagEmails: 300, rateLimitWaitMs: { default: 0, tags: 30_000 } },
      'waiting-for-rate-limit',
    ],
    [
      'all sent and nothing to tag yet: Omnisend is processing the batches',
      { readDone: true, phase: 'upsert', unsettledBatches: 2 },
      'waiting-for-omnisend',
    ],
    ['the leaver scan of mirror is tagging', { readDone: true, phase: 'untag' }, 'tagging'],
    ['nothing left but the last checkpoint', { readDone: true, phase: 'tag' }, 'tagging'],
    ['then it finishes', { readDone: true, phase: 'finish' }, 'finishing'],
  ])('%s', (_what, input, activity) => {
    expect(activityOf({ ...running, ...input })).toBe(activity);
  });
});
