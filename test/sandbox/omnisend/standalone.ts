// Runs the Omnisend sandbox until Ctrl-C, for the demo, e2e by hand and poking at it with curl:
//   node test/run-ts.mjs test/sandbox/omnisend/standalone.ts
import { startOmnisendSandbox } from './index.ts';

const port = Number(process.env.OMNISEND_SANDBOX_PORT ?? 8443);
const sandbox = await startOmnisendSandbox({ port });

console.log(`Omnisend sandbox on ${sandbox.url} (self-signed certificate), API version 2026-03-15`);
console.log(`API key:  ${sandbox.apiKey}`);
console.log(`Brand:    ${sandbox.brands[0]?.name} (${sandbox.brandId})`);
console.log(
  `Start Chromium with:\n  --host-resolver-rules="${sandbox.hostResolverRules}" --ignore-certificate-errors`,
);
console.log(
  `Try:\n  curl -k --resolve api.omnisend.com:${sandbox.port}:127.0.0.1 https://api.omnisend.com:${sandbox.port}/api/brands/current \\\n` +
    `    -H 'Authorization: Omnisend-API-Key ${sandbox.apiKey}' -H 'Omnisend-Version: 2026-03-15'`,
);

const stop = async (): Promise<void> => {
  const violations = sandbox.inspect.contractViolations();
  if (violations.length > 0) console.log(`${violations.length} contract violation(s):`, violations);
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
