// Worker-thread side of the bench's sandboxes (see sandbox-protocol.ts). Started by
// remote-sandbox.ts through test/run-ts.mjs; it answers requests until the bench terminates it.
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import {
  type CustomerInsightsSandbox,
  startCustomerInsightsSandbox,
} from '../sandbox/customer-insights/index.ts';
import { type OmnisendSandbox, startOmnisendSandbox } from '../sandbox/omnisend/index.ts';
import { threadCpu } from './process-cpu.ts';
import type { SandboxEndpoint, SandboxReply, SandboxRequest, SandboxStats } from './sandbox-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('sandbox-thread.ts runs in a worker thread');

const ENVIRONMENT_ID = '6b1f4c2d-8e3a-4f5b-9c7d-2a1e0f9b8c3d';
const SEGMENT_NAME = 'Bench_members';

let omnisend: OmnisendSandbox | null = null;
let customerInsights: CustomerInsightsSandbox | null = null;
let since = performance.eventLoopUtilization();
let cpuSince = threadCpu();

function current(): OmnisendSandbox {
  if (omnisend === null) throw new Error('no sandbox started');
  return omnisend;
}

async function stop(): Promise<void> {
  await Promise.all([omnisend?.close(), customerInsights?.close()]);
  omnisend = null;
  customerInsights = null;
}

async function answer(request: SandboxRequest): Promise<SandboxEndpoint | SandboxStats | null> {
  switch (request.op) {
    case 'start': {
      await stop();
      const { timeScale, rateLimits, customerInsightsMembers } = request.options;
      omnisend = await startOmnisendSandbox({
        seed: 1,
        timeScale,
        requestLogLimit: 1,
        ...(rateLimits ? { rateLimits } : {}),
      });
      if (customerInsightsMembers > 0) {
        customerInsights = await startCustomerInsightsSandbox({
          environments: [
            {
              id: ENVIRONMENT_ID,
              displayName: 'Bench environment',
              segments: [{ name: SEGMENT_NAME, displayName: 'Bench members', size: customerInsightsMembers }],
            },
          ],
        });
      }
      since = performance.eventLoopUtilization();
      cpuSince = threadCpu();
      return {
        omnisendPort: omnisend.port,
        apiKey: omnisend.apiKey,
        customerInsights: customerInsights && {
          port: customerInsights.port,
          environmentId: customerInsights.environmentId,
          subscriptionKey: customerInsights.subscriptionKey,
          segmentName: SEGMENT_NAME,
        },
      };
    }
    case 'stats': {
      const { inspect } = current();
      const violations = inspect.contractViolations();
      let tagged = 0;
      for (const contact of inspect.contacts()) if (contact.tags.includes(request.tag)) tagged++;
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
        tagged,
        memberReads: customerInsights?.inspect.dataReads().length ?? 0,
        busy: performance.eventLoopUtilization(since).utilization,
        cpuSeconds: cpuSince === null ? null : (threadCpu() ?? 0) - cpuSince,
      };
    }
    case 'whenIdle':
      await current().inspect.whenIdle();
      return null;
    case 'clear':
      current().inspect.clear();
      customerInsights?.inspect.clear();
      since = performance.eventLoopUtilization();
      cpuSince = threadCpu();
      return null;
    case 'stop':
      await stop();
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
