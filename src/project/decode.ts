/**
 * Bytes → text, to the contract: UTF-8 (BOM dropped), UTF-16 LE/BE when a BOM says so, and a clear
 * error at the first byte that is not UTF-8 otherwise, unless the user names a legacy encoding for
 * such files.
 */

export type Encoding = 'utf8' | 'latin1' | 'windows-1252';

export type Decoded = { ok: true; text: string; encoding: string } | { ok: false; offset: number; reason: string };

export function decode(bytes: Uint8Array, encoding: Encoding = 'utf8'): Decoded {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return utf16(bytes.subarray(2), 'utf-16le');
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return utf16(bytes.subarray(2), 'utf-16be');
  }
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), encoding: 'utf8' };
  } catch {
    // A legacy encoding is the way out for files that are not UTF-8, and only for them: a project can
    // mix old Windows exports with UTF-8 files.
    if (encoding === 'latin1') return { ok: true, text: Buffer.from(body).toString('latin1'), encoding };
    if (encoding === 'windows-1252') return { ok: true, text: windows1252(body), encoding };
    const at = firstInvalidUtf8(body) + (body === bytes ? 0 : 3);
    return { ok: false, offset: at, reason: `byte 0x${bytes[at]?.toString(16).padStart(2, '0')} at offset ${at} is not valid UTF-8` };
  }
}

function utf16(body: Uint8Array, label: 'utf-16le' | 'utf-16be'): Decoded {
  if (body.length % 2 === 1) return { ok: false, offset: body.length + 1, reason: `odd number of bytes in a ${label.toUpperCase()} file` };
  try {
    return { ok: true, text: new TextDecoder(label, { fatal: true }).decode(body), encoding: label };
  } catch {
    return { ok: false, offset: 2, reason: `invalid ${label.toUpperCase()} (an unpaired surrogate)` };
  }
}

/** Offset of the first byte that breaks UTF-8 (the decoder says only that something did). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    if (i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length;
}

/**
 * Windows-1252 by table: Node's TextDecoder treats the label as ISO-8859-1 and turns 0x80-0x9F (curly
 * quotes, dashes, the euro sign) into invisible control characters.
 */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function windows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    parts.push(String.fromCharCode(...chunk).replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]));
  }
  return parts.join('');
}
