// Runs the Customer Insights sandbox until Ctrl-C, for the demo and for poking at it by hand:
//   node test/run-ts.mjs test/sandbox/customer-insights/standalone.ts
import { startCustomerInsightsSandbox } from './index.ts';

const port = Number(process.env.CI_SANDBOX_PORT ?? 8444);
const sandbox = await startCustomerInsightsSandbox({ port });

console.log(`Customer Insights sandbox on https://127.0.0.1:${sandbox.port} (self-signed certificate)`);
console.log(
  `Start Chromium with:\n  --host-resolver-rules="${sandbox.hostResolverRules}" --ignore-certificate-errors`,
);
console.log(`Web app:   ${sandbox.url}`);
console.log('Data API:  https://api.ci.ai.dynamics.com/v1/instances');
console.log(`           Ocp-Apim-Subscription-Key: ${sandbox.subscriptionKey}`);
console.log(
  'Entra ID:  https://login.microsoftonline.com/<tenant>/oauth2/v2.0/authorize (auto-consent, PKCE S256)',
);
for (const environment of sandbox.environments) {
  console.log(`Environment ${environment.displayName} (${environment.id})`);
  for (const segment of environment.segments) {
    console.log(`  ${segment.displayName} [${segment.name}, ${segment.size} members]`);
    console.log(`    ${sandbox.segmentPageUrl(segment.name, environment.id)}`);
  }
}

const stop = async (): Promise<void> => {
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
