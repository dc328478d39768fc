import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { snapshotDir, tempDir } from '../helpers.js';

// renameSync is made to fail once on demand, as a full disk or a file locked by another program might.
let failRenameTo: string | undefined;
vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  return {
    ...real,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (failRenameTo && String(to).endsWith(failRenameTo)) {
        failRenameTo = undefined; // once: putting the old file back must work
        throw Object.assign(new Error(`ENOSPC: no space left, rename '${from}' -> '${to}'`), { code: 'ENOSPC', path: String(to) });
      }
      return real.renameSync(from, to);
    },
  };
});

const { EnvironmentError, writeFilesAtomic } = await import('../../src/cli/output.js');

afterEach(() => {
  failRenameTo = undefined;
});

describe('writeFilesAtomic', () => {
  it('writes every file, replacing the old ones, and leaves no temporary files', async () => {
    const dir = tempDir();
    fs.writeFileSync(join(dir, 'a.csv'), 'old a\n');
    await writeFilesAtomic(dir, [
      { name: 'a.csv', content: 'new a\n' },
      { name: 'b.csv', content: 'new b\n' },
    ]);
    expect(snapshotDir(dir)).toEqual({ 'a.csv': 'new a\n', 'b.csv': 'new b\n' });
  });

  it('puts every old file back when a rename fails half-way through', async () => {
    const dir = tempDir();
    fs.writeFileSync(join(dir, 'a.csv'), 'old a\n');
    fs.writeFileSync(join(dir, 'c.csv'), 'old c\n');
    const before = snapshotDir(dir);
    failRenameTo = `${join(dir, 'c.csv')}`;
    const failed = writeFilesAtomic(dir, [
      { name: 'a.csv', content: 'new a\n' },
      { name: 'b.csv', content: 'new b\n' },
      { name: 'c.csv', content: 'new c\n' },
    ]);
    await expect(failed).rejects.toBeInstanceOf(EnvironmentError);
    await failed.catch((e) => expect(e.diagnostic).toMatchObject({ code: 'output-not-writable', hint: 'the disk is full' }));
    expect(snapshotDir(dir)).toEqual(before);
  });

  it('refuses two files of one name before writing anything', async () => {
    const dir = tempDir();
    await expect(writeFilesAtomic(dir, [{ name: 'a.csv', content: '1' }, { name: 'a.csv', content: '2' }])).rejects.toThrow(/same name: a.csv/);
    expect(snapshotDir(dir)).toEqual({});
  });
});
