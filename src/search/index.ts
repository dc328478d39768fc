/**
 * The words of every transcript, for search: where each word is and which word it is. Finding the
 * words is most of a search's time (6 million words in the benchmark's L project take 0.7 s), so the
 * index is kept between runs (`.dtors/search-index.bin`, see cli/commands/search.ts) and a transcript
 * is indexed again only when its bytes change. This module is pure: building, and the bytes in and out.
 */
import type { FileStamp } from '../model/types.js';
import { sameStamp } from '../project/files.js';
import { floorIndex } from '../project/text.js';
import { lineStartsOf } from '../project/transcript.js';
import { stem, tokenize } from '../nlp/words.js';

export interface DocIndex {
  /** sha256 of the transcript file, the encoding and the speaker settings: what the entry is valid for. */
  key: string;
  /** The file's path in the project and its stamp when it was last read cleanly (none if it was not). */
  path?: string;
  stamp?: FileStamp;
  /**
   * The text the words were found in, UTF-16LE, and where its lines start: a search quotes from it
   * instead of reading the transcript, and reads only the turns it quotes (in UTF-16 a turn's offsets
   * are its bytes' offsets halved). Only surrogate pairs make offsets in code points differ.
   */
  text: Uint8Array;
  lineStarts: Int32Array;
  bmp: boolean;
  starts: Int32Array;
  lengths: Uint16Array;
  /** Index into the vocabulary of each word. */
  words: Int32Array;
  /**
   * The speaker turns, as search answers a query within them: finding them is a tenth of a search's
   * time, so they are kept too. Offsets into the transcript's text; `label` indexes `labels`, -1 for the
   * lines before the first turn.
   */
  turns: DocTurns;
}

export interface DocTurns {
  starts: Int32Array;
  ends: Int32Array;
  label: Int32Array;
  interviewer: Uint8Array;
  labels: string[];
}

export interface SearchIndex {
  /** Lower-case words; only ever appended to, so stored entries stay valid. */
  vocabulary: string[];
  /** The stem of each word (stemming thousands of words is a tenth of a search's time otherwise). */
  stems: string[];
  docs: Map<string, DocIndex>;
}

export function emptyIndex(): SearchIndex {
  return { vocabulary: [], stems: [], docs: new Map() };
}

export interface IndexInput {
  id: string;
  key: string;
  path: string;
  stamp?: FileStamp;
  text: () => string;
  /** Where its lines start (default: worked out from the text, whose line ends are LF). */
  lineStarts?: () => ArrayLike<number>;
  turns: () => DocTurns;
}

/**
 * Brings the index up to date with the transcripts: unchanged ones are kept (with their stamps brought
 * up to date), changed and new ones indexed, gone ones dropped. Returns whether anything changed, and
 * how many transcripts were indexed.
 */
export function refreshIndex(index: SearchIndex, transcripts: IndexInput[]): { changed: boolean; indexed: number } {
  const wordId = new Map(index.vocabulary.map((w, i) => [w, i]));
  const keep = new Set(transcripts.map((t) => t.id));
  let changed = false;
  for (const id of [...index.docs.keys()]) {
    if (!keep.has(id)) {
      index.docs.delete(id);
      changed = true;
    }
  }
  let indexed = 0;
  for (const t of transcripts) {
    const old = index.docs.get(t.id);
    if (old?.key === t.key) {
      // Touched but not changed (a save without edits, a checkout): the words stand, the stamp moves on.
      if (old.path !== t.path || !(old.stamp && t.stamp ? sameStamp(old.stamp, t.stamp) : old.stamp === t.stamp)) {
        old.path = t.path;
        old.stamp = t.stamp;
        changed = true;
      }
      continue;
    }
    const text = t.text();
    const tokens = tokenize(text);
    const words = new Int32Array(tokens.words.length);
    tokens.words.forEach((w, i) => {
      let id = wordId.get(w);
      if (id === undefined) {
        id = index.vocabulary.length;
        index.vocabulary.push(w);
        index.stems.push(stem(w));
        wordId.set(w, id);
      }
      words[i] = id;
    });
    index.docs.set(t.id, {
      key: t.key,
      path: t.path,
      stamp: t.stamp,
      text: Buffer.from(text, 'utf16le'),
      lineStarts: Int32Array.from(t.lineStarts?.() ?? lineStartsOf(text)),
      bmp: !/[\uD800-\uDFFF]/.test(text),
      starts: tokens.starts,
      lengths: tokens.lengths,
      words,
      turns: t.turns(),
    });
    indexed++;
    changed = true;
  }
  return { changed, indexed };
}

/** The text of an entry. */
export function docText(d: DocIndex): string {
  return Buffer.from(d.text.buffer, d.text.byteOffset, d.text.byteLength).toString('utf16le');
}

const MAGIC = 'DTORSIDX';
/** Bump when the layout or the tokenizer changes: an index from another version is rebuilt. */
export const INDEX_VERSION = 5;

/**
 * One transcript in the file's header: `n` words, `u` turns, `l` lines and `t` UTF-16 units of text,
 * whether the text is all in the Basic Multilingual Plane, and byte offsets of its parts in the file.
 */
interface HeaderDoc {
  id: string;
  key: string;
  path: string | null;
  stamp: number[] | null;
  n: number;
  u: number;
  l: number;
  t: number;
  bmp: boolean;
  labels: string[];
  turnsAt: number;
  linesAt: number;
  textAt: number;
}

interface Header {
  vocabulary: string[];
  stems: string[];
  docs: HeaderDoc[];
  /** Byte offsets of the postings directory (vocabulary + 1 entry numbers) and of the postings. */
  directoryAt: number;
  postingsAt: number;
}

/**
 * The index as bytes. `DTORSIDX`, a version and the header's length; the header (JSON: vocabulary,
 * stems, and per transcript its id, key, path, stamp, counts and offsets); then, little-endian and
 * 4-byte aligned:
 * - every transcript's turns (starts, ends, label numbers, interviewer flags), one after another;
 * - every transcript's line starts, one after another;
 * - the postings directory: for word w, its postings are entries directory[w] to directory[w + 1];
 * - the postings: per word, by transcript and position, four int32s each: transcript number, word
 *   position, UTF-16 offset and length;
 * - each transcript's text, UTF-16LE.
 * A search reads the header, the turns and lines, the postings of the words it looks for, and the turns
 * it quotes: a few megabytes of a file of a hundred (see IndexFile).
 */
export function serialiseIndex(index: SearchIndex): Uint8Array {
  const docs = [...index.docs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const pad = (n: number) => n + ((4 - (n % 4)) % 4);
  // Postings by counting sort on the word: transcripts and positions come in order by themselves.
  const vocab = index.vocabulary.length;
  const directory = new Uint32Array(vocab + 1);
  for (const [, d] of docs) for (let k = 0; k < d.words.length; k++) directory[d.words[k] + 1]++;
  for (let w = 0; w < vocab; w++) directory[w + 1] += directory[w];
  const entries = directory[vocab];
  const postings = new Int32Array(entries * 4);
  const next = directory.slice(0, vocab);
  docs.forEach(([, d], i) => {
    for (let k = 0; k < d.words.length; k++) {
      const at = next[d.words[k]]++ * 4;
      postings[at] = i;
      postings[at + 1] = k;
      postings[at + 2] = d.starts[k];
      postings[at + 3] = d.lengths[k];
    }
  });
  // The body is laid out from 0 and moved by the header's (padded) length once that is known; the
  // offsets are written at a fixed width, so the header's length does not depend on them.
  let body = 0;
  const turnsAt = docs.map(([, d]) => ((body += pad(d.turns.starts.length * 13)), body - pad(d.turns.starts.length * 13)));
  const linesAt = docs.map(([, d]) => ((body += d.lineStarts.byteLength), body - d.lineStarts.byteLength));
  const directoryAt = body;
  body += directory.byteLength;
  const postingsAt = body;
  body += postings.byteLength;
  const textAt = docs.map(([, d]) => ((body += pad(d.text.byteLength)), body - pad(d.text.byteLength)));
  const fixed = (n: number) => String(n).padStart(15, ' ');
  const header = (shift: number) =>
    Buffer.from(
      `{"vocabulary":${JSON.stringify(index.vocabulary)},"stems":${JSON.stringify(index.stems)},"directoryAt":${fixed(directoryAt + shift)},"postingsAt":${fixed(postingsAt + shift)},"docs":[` +
        docs
          .map(
            ([id, d], i) =>
              JSON.stringify({
                id,
                key: d.key,
                path: d.path ?? null,
                stamp: d.stamp ? [d.stamp.size, d.stamp.mtimeMs, d.stamp.ctimeMs, d.stamp.ino] : null,
                n: d.words.length,
                u: d.turns.starts.length,
                l: d.lineStarts.length,
                t: d.text.byteLength / 2,
                bmp: d.bmp,
                labels: d.turns.labels,
              }).slice(0, -1) + `,"turnsAt":${fixed(turnsAt[i] + shift)},"linesAt":${fixed(linesAt[i] + shift)},"textAt":${fixed(textAt[i] + shift)}}`,
          )
          .join(',') +
        ']}',
      'utf8',
    );
  const headerLength = header(0).length;
  const shift = 16 + pad(headerLength);
  const out = Buffer.alloc(shift + body);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(INDEX_VERSION, 8);
  out.writeUInt32LE(headerLength, 12);
  header(shift).copy(out, 16);
  const put = (a: ArrayBufferView, at: number) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, shift + at);
  docs.forEach(([, d], i) => {
    const u = d.turns.starts.length;
    put(d.turns.starts, turnsAt[i]);
    put(d.turns.ends, turnsAt[i] + u * 4);
    put(d.turns.label, turnsAt[i] + u * 8);
    put(d.turns.interviewer, turnsAt[i] + u * 12);
    put(d.lineStarts, linesAt[i]);
    put(d.text, textAt[i]);
  });
  put(directory, directoryAt);
  put(postings, postingsAt);
  return out;
}

/** Reads `length` bytes at byte `at` of the index (from a file, or from bytes in memory). */
export type ReadAt = (at: number, length: number) => Uint8Array;

/** Where one word occurs, as parallel arrays sorted by transcript number and position. */
export interface Postings {
  doc: Int32Array;
  pos: Int32Array;
  start: Int32Array;
  length: Int32Array;
}

/** A transcript of an index file, by number: what the header says of it. */
export interface IndexDoc {
  id: string;
  number: number;
  key: string;
  path?: string;
  stamp?: FileStamp;
  /** Whether its offsets in code points are its UTF-16 offsets (no character outside the BMP). */
  bmp: boolean;
}

/** What a search quotes from one transcript: reference lines, code points, and pieces of text. */
export interface Quotable {
  /** 1-based line of a UTF-16 offset. */
  line(offset: number): number;
  codePoint(offset: number): number;
  slice(start: number, end: number): string;
}

/**
 * An index file read piece by piece: the header first, then only what is asked for. Made by
 * openIndex(); a search of a thousand transcripts reads a few megabytes of it.
 */
export class IndexFile {
  readonly docs: IndexDoc[];
  readonly byId: Map<string, IndexDoc>;
  private turnsSection?: Uint8Array;
  private linesSection?: Uint8Array;
  private directory?: Uint32Array;

  constructor(
    private readonly read: ReadAt,
    private readonly header: Header,
  ) {
    this.docs = header.docs.map((d, number) => ({
      id: d.id,
      number,
      key: d.key,
      path: typeof d.path === 'string' ? d.path : undefined,
      stamp: Array.isArray(d.stamp) && d.stamp.length === 4 && d.stamp.every((x) => typeof x === 'number') ? { size: d.stamp[0], mtimeMs: d.stamp[1], ctimeMs: d.stamp[2], ino: d.stamp[3] } : undefined,
      bmp: d.bmp === true,
    }));
    this.byId = new Map(this.docs.map((d) => [d.id, d]));
  }

  get vocabulary(): string[] {
    return this.header.vocabulary;
  }

  get stems(): string[] {
    return this.header.stems;
  }

  /** A section that lies in one piece (every transcript's turns, or lines), read whole when first needed. */
  private section(first: number, end: number): Uint8Array {
    return end > first ? this.read(first, end - first) : new Uint8Array(0);
  }

  turns(doc: number): DocTurns {
    const ds = this.header.docs;
    this.turnsSection ??= ds.length ? this.section(ds[0].turnsAt, ds[ds.length - 1].turnsAt + ds[ds.length - 1].u * 13) : new Uint8Array(0);
    const d = ds[doc];
    const at = d.turnsAt - (ds[0]?.turnsAt ?? 0);
    const b = this.turnsSection;
    return { starts: int32s(b, at, d.u), ends: int32s(b, at + d.u * 4, d.u), label: int32s(b, at + d.u * 8, d.u), interviewer: b.subarray(at + d.u * 12, at + d.u * 13), labels: d.labels };
  }

  lineStarts(doc: number): Int32Array {
    const ds = this.header.docs;
    this.linesSection ??= ds.length ? this.section(ds[0].linesAt, ds[ds.length - 1].linesAt + ds[ds.length - 1].l * 4) : new Uint8Array(0);
    const d = ds[doc];
    return int32s(this.linesSection, d.linesAt - (ds[0]?.linesAt ?? 0), d.l);
  }

  /** The whole text of transcript `doc`. */
  text(doc: number): string {
    const d = this.header.docs[doc];
    return utf16(this.read(d.textAt, d.t * 2));
  }

  /** Quotes from transcript `doc`, reading only the pieces asked for; undefined when it is not all in the BMP. */
  quotable(doc: number): Quotable | undefined {
    const d = this.header.docs[doc];
    if (!d.bmp) return undefined;
    const lines = this.lineStarts(doc);
    return {
      line: (offset) => floorIndex(lines, offset) + 1,
      codePoint: (offset) => offset,
      slice: (start, end) => {
        const a = Math.max(0, Math.min(start, d.t));
        const b = Math.max(a, Math.min(end, d.t));
        return b > a ? utf16(this.read(d.textAt + a * 2, (b - a) * 2)) : '';
      },
    };
  }

  postings(word: number): Postings {
    const directory = this.dir();
    const from = directory[word];
    const n = directory[word + 1] - from;
    const all = int32s(this.read(this.header.postingsAt + from * 16, n * 16), 0, n * 4);
    const doc = new Int32Array(n);
    const pos = new Int32Array(n);
    const start = new Int32Array(n);
    const length = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      doc[i] = all[i * 4];
      pos[i] = all[i * 4 + 1];
      start[i] = all[i * 4 + 2];
      length[i] = all[i * 4 + 3];
    }
    return { doc, pos, start, length };
  }

  private dir(): Uint32Array {
    return (this.directory ??= uint32s(this.read(this.header.directoryAt, (this.header.vocabulary.length + 1) * 4)));
  }

  /** The whole index in memory, words by transcript again (for suggestions, and to bring it up to date). */
  load(): SearchIndex {
    const directory = this.dir();
    const vocab = this.header.vocabulary.length;
    const entries = directory[vocab];
    const all = int32s(this.read(this.header.postingsAt, entries * 16), 0, entries * 4);
    const docs = this.header.docs.map((d) => ({ starts: new Int32Array(d.n), words: new Int32Array(d.n), lengths: new Uint16Array(d.n) }));
    for (let w = 0; w < vocab; w++) {
      for (let e = directory[w]; e < directory[w + 1]; e++) {
        const d = docs[all[e * 4]];
        const k = all[e * 4 + 1];
        if (!d || k < 0 || k >= d.words.length) throw new IndexDamaged();
        d.words[k] = w;
        d.starts[k] = all[e * 4 + 2];
        d.lengths[k] = all[e * 4 + 3];
      }
    }
    const out = new Map<string, DocIndex>();
    this.docs.forEach((d, i) => {
      const h = this.header.docs[i];
      out.set(d.id, {
        key: d.key,
        path: d.path,
        stamp: d.stamp,
        text: this.read(h.textAt, h.t * 2),
        lineStarts: this.lineStarts(i),
        bmp: d.bmp,
        ...docs[i],
        turns: this.turns(i),
      });
    });
    return { vocabulary: this.header.vocabulary, stems: this.header.stems, docs: out };
  }
}

function utf16(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf16le');
}

/** The index's bytes do not hold together (cut short, or written by something else). */
class IndexDamaged extends Error {}

function int32s(b: Uint8Array, offset: number, n: number): Int32Array {
  const at = b.byteOffset + offset;
  if (at % 4 === 0) return new Int32Array(b.buffer, at, n);
  return new Int32Array(b.slice(offset, offset + n * 4).buffer, 0, n);
}

function uint32s(b: Uint8Array): Uint32Array {
  return b.byteOffset % 4 === 0 ? new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4) : new Uint32Array(b.slice().buffer);
}

/**
 * The index behind `read` (its total size `size`), or undefined when it is not an index of this
 * version or does not hold together: it is then rebuilt. Only the header is read here.
 */
export function openIndex(read: ReadAt, size: number): IndexFile | undefined {
  try {
    if (size < 16) return undefined;
    const head = Buffer.from(read(0, 16));
    if (head.toString('latin1', 0, 8) !== MAGIC || head.readUInt32LE(8) !== INDEX_VERSION) return undefined;
    const length = head.readUInt32LE(12);
    if (16 + length > size) return undefined;
    const hb = read(16, length);
    const header = JSON.parse(Buffer.from(hb.buffer, hb.byteOffset, hb.byteLength).toString('utf8')) as Header;
    if (!Array.isArray(header.vocabulary) || !Array.isArray(header.stems) || header.stems.length !== header.vocabulary.length || !Array.isArray(header.docs)) return undefined;
    // Every section must lie inside the file: a cut-off index is rebuilt, not half read.
    const inside = (at: number, n: number) => Number.isInteger(at) && at >= 0 && n >= 0 && at + n <= size;
    if (!inside(header.directoryAt, (header.vocabulary.length + 1) * 4)) return undefined;
    for (const d of header.docs) {
      if (typeof d.id !== 'string' || typeof d.key !== 'string' || !Array.isArray(d.labels) || !inside(d.turnsAt, d.u * 13) || !inside(d.linesAt, d.l * 4) || !inside(d.textAt, d.t * 2)) return undefined;
    }
    const file = new IndexFile(read, header);
    const directory = uint32s(read(header.directoryAt, (header.vocabulary.length + 1) * 4));
    if (!inside(header.postingsAt, directory[header.vocabulary.length] * 16)) return undefined;
    return file;
  } catch {
    return undefined;
  }
}

/** Reads from bytes in memory. */
export function bytesReader(bytes: Uint8Array): ReadAt {
  return (at, length) => {
    if (at < 0 || at + length > bytes.byteLength) throw new IndexDamaged();
    return bytes.subarray(at, at + length);
  };
}

/** The whole index from bytes, or undefined when they are not an index of this version. */
export function parseIndex(bytes: Uint8Array): SearchIndex | undefined {
  try {
    return openIndex(bytesReader(bytes), bytes.byteLength)?.load();
  } catch {
    return undefined;
  }
}
