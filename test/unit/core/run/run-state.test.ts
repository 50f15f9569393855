import { describe, expect, test } from 'vitest';
import {
  initialRunState,
  isTerminal,
  type RunEvent,
  type RunPhase,
  type RunState,
  type RunStatus,
  runPhases,
  transition,
} from '../../../../src/core/run/run-state.ts';

const error = { code: 'omnisend.invalid-api-key' } as const;
const running = (phase: RunPhase): RunState => ({ status: 'running', phase, error: null });
const ended = (status: RunStatus): RunState => ({
  status,
  phase: 'read',
  error: status === 'failed' ? error : null,
});

const events: RunEvent[] = [
  { type: 'start' },
  ...runPhases.map((to) => ({ type: 'advance', to }) as const),
  { type: 'succeed' },
  { type: 'fail', error },
  { type: 'cancel' },
];

describe('the run state machine', () => {
  test('a new run is queued, with no phase and no error', () => {
    expect(initialRunState).toEqual({ status: 'queued', phase: null, error: null });
  });

  test('a queued run starts running in the read phase', () => {
    expect(transition(initialRunState, { type: 'start' })).toEqual({
      ok: true,
      state: { status: 'running', phase: 'read', error: null },
    });
  });

  test('a queued run can be canceled or failed before it starts', () => {
    expect(transition(initialRunState, { type: 'cancel' })).toMatchObject({
      ok: true,
      state: { status: 'canceled' },
    });
    expect(transition(initialRunState, { type: 'fail', error })).toMatchObject({
      ok: true,
      state: { status: 'failed', error },
    });
  });

  test('a queued run neither advances nor succeeds', () => {
    for (const to of runPhases) expect(transition(initialRunState, { type: 'advance', to }).ok).toBe(false);
    expect(transition(initialRunState, { type: 'succeed' }).ok).toBe(false);
  });

  test('a running run only advances forward, and may skip phases', () => {
    for (const [i, from] of runPhases.entries()) {
      for (const [j, to] of runPhases.entries()) {
        const result = transition(running(from), { type: 'advance', to });
        expect(result.ok, `${from} → ${to}`).toBe(j > i);
        if (result.ok) expect(result.state).toEqual(running(to));
      }
    }
  });

  test('a running run cannot start again', () => {
    for (const phase of runPhases) expect(transition(running(phase), { type: 'start' }).ok).toBe(false);
  });

  test('a run succeeds only from its finish phase', () => {
    for (const phase of runPhases) {
      const result = transition(running(phase), { type: 'succeed' });
      expect(result.ok, phase).toBe(phase === 'finish');
    }
    expect(transition(running('finish'), { type: 'succeed' })).toEqual({
      ok: true,
      state: { status: 'succeeded', phase: 'finish', error: null },
    });
  });

  test('a running run can fail or be canceled in any phase, keeping the phase it stopped in', () => {
    for (const phase of runPhases) {
      expect(transition(running(phase), { type: 'fail', error })).toEqual({
        ok: true,
        state: { status: 'failed', phase, error },
      });
      expect(transition(running(phase), { type: 'cancel' })).toEqual({
        ok: true,
        state: { status: 'canceled', phase, error: null },
      });
    }
  });

  test('no event leaves a terminal state', () => {
    for (const status of ['succeeded', 'failed', 'canceled'] as const) {
      expect(isTerminal(status)).toBe(true);
      for (const event of events) {
        const result = transition(ended(status), event);
        expect(result.ok, `${status} + ${event.type}`).toBe(false);
        if (!result.ok) expect(result.reason).toContain(status);
      }
    }
    expect(isTerminal('queued')).toBe(false);
    expect(isTerminal('running')).toBe(false);
  });
});
