import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nearest } from '../../src/nlp/distance.js';
import { ROOT, tempDir } from '../helpers.js';
import { writeFileSync } from 'node:fs';

describe('src/nlp', () => {
  it('prints nothing and reads no .env when imported', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'DTORS_LEAK=1\n');
    const modules = ['distance.js', 'words.js', 'stopwords.js'].map((m) => JSON.stringify(join(ROOT, 'dist', 'nlp', m)));
    const script = `Promise.all([${modules.map((m) => `import(${m})`).join(', ')}]).then(() => console.error(process.env.DTORS_LEAK ?? 'clean'))`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('clean');
  });

  it('suggests near misses only', () => {
    expect(nearest('sumary', ['summary', 'note', 'key'])).toEqual(['summary']);
    expect(nearest('P07-basline', ['P07-baseline', 'P07-followup'])).toEqual(['P07-baseline']);
    expect(nearest('zzz', ['summary', 'note'])).toEqual([]);
  });
});
