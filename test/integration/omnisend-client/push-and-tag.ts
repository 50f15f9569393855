import { type Clock, systemClock } from '../../../src/core/clock.ts';
import { omnisendRateLimits, RateBudget } from '../../../src/core/rate-budget.ts';
import type { RetryPolicyOptions } from '../../../src/core/retry-policy.ts';
import type { BatchOutcome } from '../../../src/omnisend/batch-outcome.ts';
import { BudgetedOmnisendClient } from '../../../src/omnisend/budgeted-client.ts';
import { MAX_BATCH_ITEMS, MAX_TAG_EMAILS, OmnisendClient } from '../../../src/omnisend/client.ts';
import type { ContactRequest } from '../../../src/omnisend/schemas.ts';
import type { OmnisendSandbox } from '../../sandbox/omnisend/index.ts';

/**
 * The export's two lanes against the sandbox, driven through the budgeted client the way the
 * engine drives them (DESIGN.md §5): the upsert lane submits 100-contact batches (default class);
 * the tag lane, at the same time, polls the submitted batches (default class too) and tags the
 * contacts of finished ones, 250 emails per call (tags class). Nothing here retries: every retry
 * and every wait is the budgeted client's.
 */

/** A contact as an export sends it: email identifier, no welcome message, a few fields. */
export function exportContact(index: number): ContactRequest {
  return {
    identifiers: [
      {
        type: 'email',
        id: contactEmail(index),
        sendWelcomeMessage: false,
        channels: { email: { status: 'nonSubscribed' } },
      },
    ],
    firstName: `First${index}`,
    lastName: `Last${index}`,
    customProperties: { sourceRank: index },
  };
}

export function contactEmail(index: number): string {
  return `member${String(index).padStart(5, '0')}@example.com`;
}

export interface BulkClient {
  client: BudgetedOmnisendClient;
  budget: RateBudget;
}

/** The sandbox's key behind a budget with the real limits scaled like the sandbox's (×60 → 1000 ms). */
export function budgetedClientFor(
  sandbox: OmnisendSandbox,
  windowMs: number,
  retryPolicy?: Partial<RetryPolicyOptions>,
  clock: Clock = systemClock,
): BulkClient {
  const budget = new RateBudget({ clock, limits: omnisendRateLimits(windowMs) });
  const client = new BudgetedOmnisendClient({
    client: new OmnisendClient({ apiKey: sandbox.apiKey, fetch: sandbox.fetch }),
    budget,
    clock,
    ...(retryPolicy === undefined ? {} : { retryPolicy }),
  });
  return { client, budget };
}

export interface PushOptions {
  /** Batches in flight at once in the upsert lane. */
  submitters: number;
  /** Wait between two polls of a batch that has not finished. */
  pollIntervalMs: number;
  /** Tag calls in flight at once in the tag lane. */
  tagCallsInFlight: number;
  /** Called after the upsert lane submitted batch `index` (0-based), e.g. to start a fault. */
  afterBatchSubmitted?: (index: number) => void;
}

export interface PushReport {
  batchesSubmitted: number;
  batchPolls: number;
  tagCalls: number;
  /** Emails the tag lane tagged: those whose batch item succeeded. */
  taggedEmails: number;
  /** Emails whose batch item Omnisend rejected. */
  rejectedEmails: string[];
  elapsedMs: number;
  /** From the first tag call to the last answered one. */
  tagLaneMs: number;
}

interface Submitted {
  batchID: string;
  emails: readonly string[];
}

/** Upserts `contacts` and adds each of `tags` to every contact that made it, both lanes at once. */
export async function pushAndTag(
  client: BudgetedOmnisendClient,
  contacts: readonly ContactRequest[],
  tags: readonly string[],
  options: PushOptions,
): Promise<PushReport> {
  const started = Date.now();
  const chunks: ContactRequest[][] = [];
  for (let at = 0; at < contacts.length; at += MAX_BATCH_ITEMS) {
    chunks.push(contacts.slice(at, at + MAX_BATCH_ITEMS));
  }

  // Submitted batches in chunk order; the tag lane awaits each in turn.
  const submitted = chunks.map(() => deferred<Submitted>());
  let nextChunk = 0;
  const submitter = async (): Promise<void> => {
    while (nextChunk < chunks.length) {
      const index = nextChunk++;
      const items = chunks[index] ?? [];
      const { batchID } = await client.submitContactBatch(items);
      submitted[index]?.resolve({ batchID, emails: items.map(emailOf) });
      options.afterBatchSubmitted?.(index);
    }
  };
  const upsertLane = Promise.all(Array.from({ length: options.submitters }, submitter));
  // A failing upsert lane must also end the tag lane's wait.
  upsertLane.catch((error: unknown) => {
    for (const pending of submitted) pending.reject(error);
  });

  let batchPolls = 0;
  let tagCalls = 0;
  let taggedEmails = 0;
  let firstTagAt: number | undefined;
  let lastTagAt = started;
  const rejectedEmails: string[] = [];
  // Tag calls in flight never reject (a failure is kept and thrown by the lane), so none goes unhandled.
  const inFlight = new Set<Promise<void>>();
  let tagFailure: { error: unknown } | undefined;
  const sendTags = async (emails: readonly string[]): Promise<void> => {
    for (const tag of tags) {
      while (inFlight.size >= options.tagCallsInFlight) await Promise.race(inFlight);
      if (tagFailure) throw tagFailure.error;
      firstTagAt ??= Date.now();
      const tracked: Promise<void> = client
        .addTags(emails, [tag])
        .then(
          () => {
            tagCalls++;
            lastTagAt = Date.now();
          },
          (error: unknown) => {
            tagFailure ??= { error };
          },
        )
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    taggedEmails += emails.length;
  };

  const tagLane = async (): Promise<void> => {
    let ready: string[] = [];
    for (const pending of submitted) {
      const { batchID, emails } = await pending.promise;
      let batch: BatchOutcome;
      for (;;) {
        batch = await client.getBatchOutcome(batchID);
        batchPolls++;
        if (batch.settled) break;
        await systemClock.sleep(options.pollIntervalMs);
      }
      const { outcomeOf } = batch;
      const rejected = new Set(emails.filter((email) => !outcomeOf(email).ok));
      for (const email of emails) {
        if (rejected.has(email)) rejectedEmails.push(email);
        else ready.push(email);
      }
      while (ready.length >= MAX_TAG_EMAILS) {
        await sendTags(ready.slice(0, MAX_TAG_EMAILS));
        ready = ready.slice(MAX_TAG_EMAILS);
      }
    }
    if (ready.length > 0) await sendTags(ready);
    await Promise.all([...inFlight]);
    if (tagFailure) throw tagFailure.error;
  };

  await Promise.all([upsertLane, tagLane()]);
  return {
    batchesSubmitted: chunks.length,
    batchPolls,
    tagCalls,
    taggedEmails,
    rejectedEmails,
    elapsedMs: Date.now() - started,
    tagLaneMs: firstTagAt === undefined ? 0 : lastTagAt - firstTagAt,
  };
}

function emailOf(contact: ContactRequest): string {
  const email = contact.identifiers.find((identifier) => identifier.type === 'email')?.id;
  if (email === undefined) throw new Error('an export contact always has an email identifier');
  return email;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejected only when the upsert lane failed; that failure is reported through the lane itself.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
