import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildExtension, repoRoot } from '../support/build-extension.ts';
import { startSandboxThread } from './remote-sandbox.ts';
import { type Mode, runScenario, type ScenarioResult, type SourceKind } from './scenario.ts';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => !a.endsWith('run.ts')),
  options: {
    sizes: { type: 'string' },
    sources: { type: 'string' },
    modes: { type: 'string' },
    'engine-scale': { type: 'string' },
    'paced-scale': { type: 'string' },
    profile: { type: 'boolean' },
    'extension-dir': { type: 'string' },
    'no-build': { type: 'boolean' },
  },
});
const list = (value: string | undefined, env: string, fallback: string) =>
  (value ?? process.env[env] ?? fallback).split(',').filter(Boolean);
const sizes = list(args.sizes, 'BENCH_SIZES', '10000,100000').map(Number);
const sources = list(args.sources, 'BENCH_SOURCES', 'file') as SourceKind[];
const modes = list(args.modes, 'BENCH_MODES', 'engine') as Mode[];
const engineScale = Number(args['engine-scale'] ?? 100);
const pacedScale = Number(args['paced-scale'] ?? 4);
const out = resolve(repoRoot, '.artifacts/bench');
mkdirSync(out, { recursive: true });

if (!args['no-build']) await buildExtension();
const thread = startSandboxThread();
const results: ScenarioResult[] = [];
try {
  for (const source of sources)
    for (const mode of modes)
      for (const members of sizes) {
        const stamp = `${source}-${mode}-${members}`;
        const result = await runScenario(thread, {
          source,
          members,
          mode,
          scale: mode === 'engine' ? engineScale : pacedScale,
          workDir: out,
          extensionDir: args['extension-dir'] ? resolve(args['extension-dir']) : undefined,
          profilePath: args.profile ? resolve(out, `${stamp}.cpuprofile`) : undefined,
        });
        results.push(result);
        console.log(JSON.stringify(result));
      }
} finally {
  await thread.close();
}
writeFileSync(resolve(out, `bench-${Date.now()}.json`), JSON.stringify(results, null, 2));
