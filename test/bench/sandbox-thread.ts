// Worker-thread side of the bench's sandbox (see sandbox-protocol.ts). Started by remote-sandbox.ts
// through test/run-ts.mjs; it answers requests until the bench terminates the thread.
import { parentPort } from 'node:worker_threads';
import { type OmnisendSandbox, startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { throwawayCertificate } from '../support/tls.ts';
import type { SandboxEndpoint, SandboxReply, SandboxRequest, SandboxStats } from './sandbox-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('sandbox-thread.ts runs in a worker thread');

let sandbox: OmnisendSandbox | null = null;

function current(): OmnisendSandbox {
  if (sandbox === null) throw new Error('no sandbox started');
  return sandbox;
}

async function answer(request: SandboxRequest): Promise<SandboxEndpoint | SandboxStats | null> {
  switch (request.op) {
    case 'start': {
      await sandbox?.close();
      sandbox = await startOmnisendSandbox({ seed: 1, requestLogLimit: 1, ...request.options });
      return {
        port: sandbox.port,
        ca: throwawayCertificate().cert,
        apiKey: sandbox.apiKey,
        brandId: sandbox.brandId,
      };
    }
    case 'stats': {
      const { inspect } = current();
      const violations = inspect.contractViolations();
      return {
        requestCounts: inspect.requestCounts(),
        count429: inspect.count429(),
        contractViolations: violations.length,
        violationSamples: violations
          .slice(0, 3)
          .map((v) => `${v.method} ${v.path}: ${v.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`),
        peakInWindow: {
          default: inspect.maxRequestsInAnyWindow('default'),
          tags: inspect.maxRequestsInAnyWindow('tags'),
        },
        contacts: inspect.contactCount(),
        heapUsed: process.memoryUsage().heapUsed,
      };
    }
    case 'whenIdle':
      await current().inspect.whenIdle();
      return null;
    case 'clear':
      current().inspect.clear();
      return null;
    case 'stop':
      await sandbox?.close();
      sandbox = null;
      return null;
  }
}

port.on('message', (request: SandboxRequest) => {
  answer(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies SandboxReply),
    (error: unknown) =>
      port.postMessage({ id: request.id, ok: false, error: String(error) } satisfies SandboxReply),
  );
});
