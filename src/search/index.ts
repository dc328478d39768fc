/**
 * The words of every transcript, for search: where each word is and which word it is. Finding the
 * words is most of a search's time (6 million words in the benchmark's L project take 0.7 s), so the
 * index is kept between runs (`.dtors/search-index.bin`, see cli/commands/search.ts) and a transcript
 * is indexed again only when its bytes change. This module is pure: building, and the bytes in and out.
 */
import { stem, tokenize } from '../nlp/words.js';

export interface DocIndex {
  /** sha256 of the transcript file, the encoding and the speaker settings: what the entry is valid for. */
  key: string;
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

/**
 * Brings the index up to date with the transcripts (id → key and text): unchanged ones are kept,
 * changed and new ones indexed, gone ones dropped. Returns how many were indexed.
 */
export function refreshIndex(index: SearchIndex, transcripts: { id: string; key: string; text: () => string; turns: () => DocTurns }[]): number {
  const wordId = new Map(index.vocabulary.map((w, i) => [w, i]));
  const keep = new Set(transcripts.map((t) => t.id));
  for (const id of [...index.docs.keys()]) if (!keep.has(id)) index.docs.delete(id);
  let indexed = 0;
  for (const t of transcripts) {
    if (index.docs.get(t.id)?.key === t.key) continue;
    const tokens = tokenize(t.text());
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
    index.docs.set(t.id, { key: t.key, starts: tokens.starts, lengths: tokens.lengths, words, turns: t.turns() });
    indexed++;
  }
  return indexed;
}

const MAGIC = 'DTORSIDX';
/** Bump when the layout or the tokenizer changes: an index from another version is rebuilt. */
export const INDEX_VERSION = 3;

/**
 * The index as bytes: `DTORSIDX`, a version, a JSON header (vocabulary, and per transcript its id,
 * key and word count), then each transcript's arrays, little-endian and 4-byte aligned.
 */
export function serialiseIndex(index: SearchIndex): Uint8Array {
  const docs = [...index.docs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header = Buffer.from(
    JSON.stringify({ vocabulary: index.vocabulary, stems: index.stems, docs: docs.map(([id, d]) => ({ id, key: d.key, n: d.words.length, u: d.turns.starts.length, labels: d.turns.labels })) }),
    'utf8',
  );
  const pad = (n: number) => (4 - (n % 4)) % 4;
  let size = 16 + header.length + pad(header.length);
  for (const [, d] of docs) size += d.words.length * 10 + pad(d.words.length * 2) + d.turns.starts.length * 13 + pad(d.turns.starts.length);
  const out = Buffer.alloc(size);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(INDEX_VERSION, 8);
  out.writeUInt32LE(header.length, 12);
  header.copy(out, 16);
  let at = 16 + header.length + pad(header.length);
  const put = (a: Int32Array | Uint16Array | Uint8Array) => {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, at);
    at += a.byteLength;
  };
  for (const [, d] of docs) {
    put(d.starts);
    put(d.words);
    put(d.lengths);
    at += pad(d.lengths.byteLength);
    put(d.turns.starts);
    put(d.turns.ends);
    put(d.turns.label);
    put(d.turns.interviewer);
    at += pad(d.turns.interviewer.byteLength);
  }
  return out;
}

/** The index from bytes, or undefined when they are not an index of this version (it is then rebuilt). */
export function parseIndex(bytes: Uint8Array): SearchIndex | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 16 || b.toString('latin1', 0, 8) !== MAGIC || b.readUInt32LE(8) !== INDEX_VERSION) return undefined;
  try {
    const headerLength = b.readUInt32LE(12);
    const header = JSON.parse(b.toString('utf8', 16, 16 + headerLength)) as { vocabulary: string[]; stems: string[]; docs: { id: string; key: string; n: number; u: number; labels: string[] }[] };
    if (!Array.isArray(header.stems) || header.stems.length !== header.vocabulary.length) return undefined;
    let at = 16 + headerLength + ((4 - (headerLength % 4)) % 4);
    // Views of the file's bytes where they are aligned (a file read whole is), copies where not.
    const take = <T extends Int32Array | Uint16Array | Uint8Array>(make: { new (n: number): T; new (buffer: ArrayBufferLike, offset: number, n: number): T; BYTES_PER_ELEMENT: number }, n: number): T => {
      const bytesLength = n * make.BYTES_PER_ELEMENT;
      if (at + bytesLength > b.length) throw new Error('short');
      const offset = b.byteOffset + at;
      let a: T;
      if (offset % make.BYTES_PER_ELEMENT === 0) a = new make(b.buffer, offset, n);
      else {
        a = new make(n);
        Buffer.from(a.buffer).set(b.subarray(at, at + bytesLength));
      }
      at += bytesLength;
      return a;
    };
    const docs = new Map<string, DocIndex>();
    for (const d of header.docs) {
      const starts = take(Int32Array, d.n);
      const words = take(Int32Array, d.n);
      const lengths = take(Uint16Array, d.n);
      at += (4 - ((d.n * 2) % 4)) % 4;
      const turns: DocTurns = { starts: take(Int32Array, d.u), ends: take(Int32Array, d.u), label: take(Int32Array, d.u), interviewer: take(Uint8Array, d.u), labels: d.labels };
      at += (4 - (d.u % 4)) % 4;
      docs.set(d.id, { key: d.key, starts, lengths, words, turns });
    }
    return { vocabulary: header.vocabulary, stems: header.stems, docs };
  } catch {
    return undefined;
  }
}
