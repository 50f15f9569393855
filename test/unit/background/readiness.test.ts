import { describe, expect, test } from 'vitest';
import { readinessGate } from '../../../src/background/readiness.ts';

/** A start that fails its first `failures` times, counting the attempts. */
function flakyStart(failures: number) {
  const state = { attempts: 0 };
  const start = async () => {
    state.attempts++;
    if (state.attempts <= failures) throw new Error(`attempt ${state.attempts} failed`);
    return `ready after ${state.attempts}`;
  };
  return { state, start };
}

describe('readinessGate', () => {
  test('starts at once and gives every caller the same result', async () => {
    const { state, start } = flakyStart(0);
    const ready = readinessGate(start);
    expect(state.attempts).toBe(1);
    expect(await Promise.all([ready(), ready(), ready()])).toEqual(Array(3).fill('ready after 1'));
    expect(state.attempts).toBe(1);
  });

  test('starts once more when the first start failed, for every caller waiting on it', async () => {
    const { state, start } = flakyStart(1);
    const ready = readinessGate(start);
    expect(await Promise.all([ready(), ready()])).toEqual(['ready after 2', 'ready after 2']);
    expect(await ready()).toBe('ready after 2');
    expect(state.attempts).toBe(2);
  });

  test('keeps the failure of the one retry instead of trying on every call', async () => {
    const { state, start } = flakyStart(Number.POSITIVE_INFINITY);
    const ready = readinessGate(start);
    await expect(ready()).rejects.toThrow('attempt 2 failed');
    await expect(ready()).rejects.toThrow('attempt 2 failed');
    expect(state.attempts).toBe(2);
  });
});
