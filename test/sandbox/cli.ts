import { startCustomerInsightsSandbox } from './customer-insights/index.ts';
import { startOmnisendSandbox } from './omnisend/index.ts';

/**
 * `npm run sandbox`: both local sandboxes on fixed ports, for trying the extension by hand in a
 * Chromium started with the printed flags. Runs until Ctrl-C.
 */
const omnisendPort = Number(process.env.OMNISEND_SANDBOX_PORT ?? 8443);
const customerInsightsPort = Number(process.env.CI_SANDBOX_PORT ?? 8444);
const timeScale = Number(process.env.SANDBOX_TIME_SCALE ?? 1);

const omnisend = await startOmnisendSandbox({ port: omnisendPort, timeScale });
const customerInsights = await startCustomerInsightsSandbox({ port: customerInsightsPort });

console.log(
  `Omnisend sandbox        https://api.omnisend.com → 127.0.0.1:${omnisend.port} (limits ×${timeScale})`,
);
console.log(`  API key               ${omnisend.apiKey}`);
console.log(`  brand                 ${omnisend.brands[0]?.name ?? omnisend.brandId}`);
console.log(
  `Customer Insights       https://home.ci.ai.dynamics.com, api.ci…, login.microsoftonline.com → 127.0.0.1:${customerInsights.port}`,
);
console.log(`  environment id        ${customerInsights.environmentId}`);
console.log(`  subscription key      ${customerInsights.subscriptionKey}`);
console.log(`  a segment page        ${customerInsights.segmentPageUrl(customerInsights.segments[0]!.name)}`);
console.log('\nStart Chromium with:');
console.log(
  `  --host-resolver-rules="${omnisend.hostResolverRules}, ${customerInsights.hostResolverRules}" --ignore-certificate-errors`,
);
console.log('\nPress Ctrl-C to stop.');

const stop = async () => {
  await Promise.all([omnisend.close(), customerInsights.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
