import { closeSync, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const FIRST = ['Ayşe', 'Mehmet', 'Zeynep', 'Mustafa', 'Elif', 'Ahmet', 'Emma', 'Liam', 'Olivia', 'Noah'];
const LAST = ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Smith', 'Johnson', 'Brown', 'García', 'Müller'];

/**
 * A segment file of `members` distinct, valid members (Email, First name, Last name – the columns
 * of the measurement in issue #10), written once per size into `dir` and reused.
 */
export function segmentFile(dir: string, members: number): string {
  const path = join(dir, `segment-${members}.csv`);
  if (existsSync(path)) return path;
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    const lines: string[] = ['Email,First name,Last name'];
    for (let i = 0; i < members; i++) {
      lines.push(`member${i}@example.com,${FIRST[i % 10]},${LAST[Math.floor(i / 10) % 10]}`);
      if (lines.length >= 10_000) writeSync(fd, `${lines.splice(0).join('\n')}\n`);
    }
    if (lines.length) writeSync(fd, `${lines.join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return path;
}
