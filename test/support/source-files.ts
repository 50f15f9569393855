import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './build-extension.ts';

export interface SourceFile {
  /** Path relative to the repository, with forward slashes. */
  path: string;
  text: string;
}

/** Every TypeScript source file under `dir` (relative to the repository). */
export function sourceFiles(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (absolute: string) => {
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      const child = join(absolute, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        out.push({
          path: relative(repoRoot, child).split('\\').join('/'),
          text: readFileSync(child, 'utf8'),
        });
      }
    }
  };
  walk(join(repoRoot, dir));
  return out;
}
