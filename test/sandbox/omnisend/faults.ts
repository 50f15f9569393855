import { seededRandom } from '../../support/seeded-random.ts';
/**
 * Injected failures (DESIGN.md §9: 429 storms, 5xx, dropped connections). Random ones draw from a
 * seeded generator, so a failing test fails the same way every time. A fault "after effect" lets
 * the request take effect first and then loses the answer: the case that makes a client retry
 * something that already happened.
 */

export interface FaultTiming {
  /** Apply the request, then fail the answer (default: fail before anything happens). */
  afterEffect?: boolean;
}

export type ServerErrorStatus = 500 | 502 | 503;

const SERVER_ERRORS: readonly ServerErrorStatus[] = [500, 502, 503];

export class FaultState {
  readonly #random: () => number;
  #serverErrorRate = 0;
  #serverErrorAfter = false;
  #dropRate = 0;
  #dropAfter = false;
  #stormLeft = 0;
  #stormRetryAfter = 1;
  latencyMs = 0;
  /** Requests each key still answers before it is revoked. */
  readonly revokeAfter = new Map<string, number>();

  constructor(seed: number) {
    this.#random = seededRandom(seed);
  }

  setServerErrorRate(rate: number, timing: FaultTiming = {}): void {
    this.#serverErrorRate = checkRate(rate);
    this.#serverErrorAfter = timing.afterEffect ?? false;
  }

  setDropRate(rate: number, timing: FaultTiming = {}): void {
    this.#dropRate = checkRate(rate);
    this.#dropAfter = timing.afterEffect ?? false;
  }

  startStorm(count: number, retryAfterSeconds: number): void {
    this.#stormLeft = count;
    this.#stormRetryAfter = retryAfterSeconds;
  }

  /** Whether to drop this connection at this point (`afterEffect`: once the request took effect). */
  drop(afterEffect: boolean): boolean {
    return this.#dropRate > 0 && this.#dropAfter === afterEffect && this.#random() < this.#dropRate;
  }

  serverError(afterEffect: boolean): ServerErrorStatus | undefined {
    if (this.#serverErrorRate <= 0 || this.#serverErrorAfter !== afterEffect) return undefined;
    if (this.#random() >= this.#serverErrorRate) return undefined;
    return SERVER_ERRORS[Math.floor(this.#random() * SERVER_ERRORS.length)] ?? 500;
  }

  /** The retryAfter of a storm 429, while the storm lasts. */
  storm(): number | undefined {
    if (this.#stormLeft <= 0) return undefined;
    this.#stormLeft--;
    return this.#stormRetryAfter;
  }

  reset(): void {
    this.#serverErrorRate = 0;
    this.#dropRate = 0;
    this.#stormLeft = 0;
    this.latencyMs = 0;
    this.revokeAfter.clear();
  }
}

function checkRate(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError('a fault rate is between 0 and 1');
  return rate;
}
