import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const distDir = resolve(repoRoot, 'dist');

/** Builds the production extension into dist/ exactly as `npm run build` does. */
export async function buildExtension(): Promise<string> {
  await build({ root: repoRoot, configFile: resolve(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
  if (!existsSync(resolve(distDir, 'manifest.json')))
    throw new Error('The build wrote no dist/manifest.json.');
  return distDir;
}
