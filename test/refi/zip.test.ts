import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openZip, writeZip, ZipProblem } from '../../src/refi/zip.js';
import { tempDir } from '../helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);

async function refusal(bytes: Uint8Array, read?: { name: string; cap: number }): Promise<ZipProblem> {
  try {
    const z = await openZip(bytes);
    if (read) await z.read(read.name, read.cap);
    z.close();
  } catch (e) {
    if (e instanceof ZipProblem) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('writeZip and openZip', () => {
  it('round-trip files, in order, from bytes and from a file on disk', async () => {
    const files = [
      { name: 'project.qde', data: enc('<Project/>') },
      { name: 'sources/a.txt', data: enc('héllo 👋\n') },
    ];
    const bytes = writeZip(files);
    for (const source of [bytes, join(tempDir(), 'p.qdpx')]) {
      if (typeof source === 'string') writeFileSync(source, bytes);
      const z = await openZip(source);
      expect(z.entries.map((e) => e.name)).toEqual(['project.qde', 'sources/a.txt']);
      expect(new TextDecoder().decode(await z.read('sources/a.txt', 1000))).toBe('héllo 👋\n');
      z.close();
    }
  });

  it('gives the same bytes every time, stamped 2000-01-01 00:00 whatever the time zone', () => {
    const files = [{ name: 'project.qde', data: enc('<Project/>') }];
    const a = writeZip(files);
    expect(writeZip(files)).toEqual(a);
    // The first local header: DOS time at offset 10, date at 12.
    const view = new DataView(a.buffer, a.byteOffset);
    expect(view.getUint16(10, true)).toBe(0);
    expect(view.getUint16(12, true)).toBe(((2000 - 1980) << 9) | (1 << 5) | 1);
  });
});

describe('unsafe archives', () => {
  it('refuses an entry whose path leaves the archive (zip slip)', async () => {
    const p = await refusal(zipSync({ 'project.qde': enc('<Project/>'), '../../evil.txt': enc('x') }));
    expect(p.kind).toBe('unsafe');
    expect(p.message).toMatch(/outside itself/);
  });

  it('refuses an absolute path', async () => {
    const p = await refusal(zipSync({ '/etc/evil.txt': enc('x') }));
    expect(p.kind).toBe('unsafe');
  });

  it('refuses two entries that are one file on Windows and macOS', async () => {
    const p = await refusal(zipSync({ 'Sources/a.txt': enc('x'), 'sources/A.txt': enc('y') }));
    expect(p.kind).toBe('unsafe');
    expect(p.message).toMatch(/both "Sources\/a.txt" and "sources\/A.txt"/);
  });

  it('refuses an entry that inflates hundreds of times over (a zip bomb)', async () => {
    const bomb = zipSync({ 'project.qde': new Uint8Array(20 * 1024 * 1024) }, { level: 9 });
    const p = await refusal(bomb, { name: 'project.qde', cap: 256 * 1024 * 1024 });
    expect(p.kind).toBe('unsafe');
    expect(p.message).toMatch(/zip bomb/);
  });

  it('refuses an entry above its cap before inflating it', async () => {
    const p = await refusal(zipSync({ 'a.txt': enc('x'.repeat(5000)) }, { level: 0 }), { name: 'a.txt', cap: 1000 });
    expect(p.kind).toBe('unsafe');
    expect(p.message).toMatch(/more than 1000 bytes/);
  });

  it.each([0, 6])('refuses an entry whose header understates its size (deflate level %i)', async (level) => {
    const bytes = zipSync({ 'a.txt': enc('y'.repeat(5000)) }, { level: level as 0 | 6 });
    // Claim 10 bytes in both headers: the stream is cut at the cap, whatever the header said.
    const view = new DataView(bytes.buffer);
    const central = bytes.findIndex((_, i) => view.getUint32(i, true) === 0x02014b50);
    view.setUint32(22, 10, true);
    view.setUint32(central + 24, 10, true);
    const p = await refusal(bytes, { name: 'a.txt', cap: 1000 });
    expect(p.kind).toBe('unreadable');
    expect(p.message).toMatch(/damaged: .*(size mismatch|too many bytes)/);
  });

  it('calls a cut-short archive damaged, not unsafe', async () => {
    const whole = zipSync({ 'project.qde': enc('<Project/>') });
    const p = await refusal(whole.subarray(0, whole.length - 10));
    expect(p.kind).toBe('unreadable');
    expect(p.message).toMatch(/cut short/);
  });
});
