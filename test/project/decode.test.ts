import { describe, expect, it } from 'vitest';
import { decode, firstInvalidUtf8 } from '../../src/project/decode.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('decode', () => {
  it('drops a UTF-8 BOM', () => {
    expect(decode(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69))).toEqual({ ok: true, text: 'hi', encoding: 'utf8' });
  });

  it('decodes UTF-16 LE and BE when a BOM says so', () => {
    expect(decode(bytes(0xff, 0xfe, 0x68, 0x00, 0x69, 0x00))).toMatchObject({ ok: true, text: 'hi' });
    expect(decode(bytes(0xfe, 0xff, 0x00, 0x68, 0x00, 0x69))).toMatchObject({ ok: true, text: 'hi' });
  });

  it('names the byte offset of the first byte that is not UTF-8', () => {
    // "café" in Windows-1252: é is 0xE9 at offset 3.
    const r = decode(bytes(0x63, 0x61, 0x66, 0xe9, 0x20, 0x78));
    expect(r).toEqual({ ok: false, offset: 3, reason: 'byte 0xe9 at offset 3 is not valid UTF-8' });
  });

  it('counts the BOM in the offset it reports', () => {
    const r = decode(bytes(0xef, 0xbb, 0xbf, 0x61, 0xff));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.offset).toBe(4);
  });

  it('decodes Windows-1252 when asked', () => {
    expect(decode(bytes(0x63, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x94), 'windows-1252')).toMatchObject({ ok: true, text: 'caf\u00e9 \u201c\u201d' });
    expect(decode(bytes(0x63, 0xe9), 'latin1')).toMatchObject({ ok: true, text: 'cé' });
  });

  it('rejects overlong forms, surrogates and truncated sequences', () => {
    expect(firstInvalidUtf8(bytes(0x61, 0xc0, 0xaf))).toBe(1);
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0);
    expect(firstInvalidUtf8(bytes(0x61, 0x62, 0xe2, 0x82))).toBe(2);
    expect(firstInvalidUtf8(new TextEncoder().encode('ok 🙂 ok'))).toBe(10);
  });
});

describe('--encoding', () => {
  it('drops a UTF-8 BOM also when the rest is read in a legacy encoding', () => {
    expect(decode(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41, 0xe9]), 'latin1')).toMatchObject({ ok: true, text: 'A\u00e9' });
  });

  it('applies only to files that are not UTF-8', () => {
    const utf8 = new TextEncoder().encode('you\u2019re');
    expect(decode(utf8, 'windows-1252')).toMatchObject({ ok: true, text: 'you\u2019re', encoding: 'utf8' });
    expect(decode(Uint8Array.from([0x79, 0x92, 0x72, 0x65]), 'windows-1252')).toMatchObject({ ok: true, text: 'y\u2019re', encoding: 'windows-1252' });
  });
});
