import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import {
  type OmnisendSandbox,
  type OmnisendSandboxOptions,
  startOmnisendSandbox,
} from '../sandbox/omnisend/index.ts';

/**
 * The hooks of a worker integration test file: one Omnisend sandbox for the file (handed to
 * `started` once it listens), a fresh IndexedDB for every test, and a test fails if it made the
 * sandbox see a request against Omnisend's contract.
 */
export function useOmnisendSandbox(
  options: OmnisendSandboxOptions,
  started: (sandbox: OmnisendSandbox) => void,
): void {
  let sandbox: OmnisendSandbox | undefined;
  beforeAll(async () => {
    sandbox = await startOmnisendSandbox(options);
    started(sandbox);
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();
  });
  afterEach(() => {
    expect(sandbox?.inspect.contractViolations()).toEqual([]);
  });
}
