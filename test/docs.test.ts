import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('docs/errors.md', () => {
  it('documents every diagnostic code the source can emit, and no other', () => {
    const used = new Set<string>();
    for (const f of sources(join(ROOT, 'src'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:error|warning)\(\s*'([a-z0-9-]+)'/g)) used.add(m[1]);
    }
    const documented = new Set([...readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8').matchAll(/^### `([a-z0-9-]+)`/gm)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((c) => !documented.has(c)).sort()).toEqual([]);
    expect([...documented].filter((c) => !used.has(c)).sort()).toEqual([]);
  });
});

describe('README', () => {
  it('shows the two set-up commands and the test command', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm install');
    expect(readme).toContain('npx dtors chart examples/dtors');
    expect(readme).toContain('npm test');
  });
});
