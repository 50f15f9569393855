// Node 20 cannot run TypeScript by itself; Vite's module runner (already a dependency) can.
import { resolve } from 'node:path';
import { runnerImport } from 'vite';

const [entry] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node test/run-ts.mjs <file.ts> [args…]');
  process.exit(2);
}
await runnerImport(resolve(entry), { configFile: false, logLevel: 'error' });
