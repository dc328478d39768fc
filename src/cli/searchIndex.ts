import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Project, Transcript } from '../model/types.js';
import { sameStamp, sha256 } from '../project/files.js';
import type { KnownFile } from '../project/load.js';
import { bytesReader, emptyIndex, openIndex, refreshIndex, serialiseIndex, type DocTurns, type IndexFile, type IndexInput, type SearchIndex } from '../search/index.js';
import type { ProjectFlags } from './options.js';
import { writeFilesAtomic, type Io } from './output.js';

/** Where the word index is kept between runs, below the project folder. */
export const INDEX_DIR = '.dtors';
export const INDEX_FILE = 'search-index.bin';

/**
 * A file changed this soon before the index was written may have changed again within the same tick
 * of a coarse file-system clock (FAT keeps 2 s, HFS+ 1 s) without its stamp showing it: such a file is
 * read and hashed every time, as git treats its "racily clean" entries.
 */
const RACY_MS = 2000;

/** The index kept in the project, open for reading piece by piece, and when it was written. */
export interface KeptIndex {
  file: IndexFile;
  writtenMs: number;
  close(): void;
}

/** Opens the kept index, if there is a usable one (an unreadable or outdated one is rebuilt). */
export function openKeptIndex(root: string): KeptIndex | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(join(root, INDEX_DIR, INDEX_FILE), 'r');
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a file');
    const at = fd;
    const file = openIndex((offset, length) => {
      // Its own buffer for each piece, so that the arrays viewing it are aligned.
      const b = Buffer.allocUnsafeSlow(length);
      for (let got = 0; got < length; ) {
        const n = readSync(at, b, got, length - got, offset + got);
        if (n === 0) throw new Error('the index is shorter than its header says');
        got += n;
      }
      return b;
    }, st.size);
    if (!file) throw new Error('not an index of this version');
    return { file, writtenMs: st.mtimeMs, close: () => closeSync(at) };
  } catch {
    if (fd !== undefined) closeSync(fd);
    return undefined;
  }
}

/**
 * The transcripts the kept index vouches for (LoadOptions.known): read cleanly in the same encoding,
 * with a stamp, and not changed too soon before the index was written to be sure of. Their text comes
 * from the index.
 */
export function knownTranscripts(kept: KeptIndex | undefined, encoding: string | undefined): Map<string, KnownFile> {
  const known = new Map<string, KnownFile>();
  for (const d of kept?.file.docs ?? []) {
    if (!d.path || !d.stamp) continue;
    if (d.stamp.mtimeMs >= kept!.writtenMs - RACY_MS) continue;
    // The key is "sha256:encoding:speakers". A file read cleanly in one encoding need not be in
    // another; the speakers are for the index to check (the file itself is the same).
    const [sha, enc] = d.key.split(':');
    if (enc === (encoding ?? 'utf8')) known.set(d.path, { stamp: d.stamp, sha256: sha, text: () => kept!.file.text(d.number) });
  }
  return known;
}

/** What the index should hold for each transcript of the project. */
function inputsOf(project: Project, flags: ProjectFlags, turnsOf: (t: Transcript) => DocTurns): IndexInput[] {
  const sha = new Map(project.inputs.map((i) => [i.path, i.sha256]));
  const rel = (p: string) => relative(project.root, p).split(sep).join('/');
  // The turns depend on the speaker settings: a change there makes every entry stale.
  const speakers = sha256(JSON.stringify([project.speakers.pattern.source, project.speakers.pattern.flags, project.speakers.interviewer])).slice(0, 12);
  return [...project.transcripts.values()].map((t) => ({
    id: t.id,
    key: `${sha.get(rel(t.path)) ?? ''}:${flags.encoding ?? 'utf8'}:${speakers}`,
    path: rel(t.path),
    stamp: t.stamp,
    text: () => t.text,
    lineStarts: () => t.lineStarts,
    turns: () => turnsOf(t),
  }));
}

/** Whether the kept index holds exactly these transcripts, as they are (stamps included). */
function upToDate(file: IndexFile, inputs: IndexInput[]): boolean {
  if (file.docs.length !== inputs.length) return false;
  return inputs.every((i) => {
    const d = file.byId.get(i.id);
    return d !== undefined && d.key === i.key && d.path === i.path && (d.stamp && i.stamp ? sameStamp(d.stamp, i.stamp) : d.stamp === i.stamp);
  });
}

/**
 * The words of every transcript (search/index.ts): the kept index as it is when it is up to date, else
 * brought up to date (changed transcripts indexed again) and saved. `whole` for the words of every
 * transcript in memory (suggest); else the index is read piece by piece (search).
 */
export async function loadIndex(io: Io, project: Project, flags: ProjectFlags, kept?: KeptIndex): Promise<{ file: IndexFile; whole: () => SearchIndex; close: () => void }> {
  const { turnsOf } = await import('../search/search.js');
  const inputs = inputsOf(project, flags, turnsOf);
  kept ??= openKeptIndex(project.root);
  if (kept && upToDate(kept.file, inputs)) {
    const { file, close } = kept;
    return { file, whole: () => file.load(), close };
  }
  const index = kept?.file.load() ?? emptyIndex();
  kept?.close();
  refreshIndex(index, inputs);
  const bytes = serialiseIndex(index);
  try {
    await writeFilesAtomic(join(project.root, INDEX_DIR), [
      { name: INDEX_FILE, content: bytes },
      { name: '.gitignore', content: '# Made by dtors search: a cache, rebuilt when missing.\n*\n' },
    ]);
  } catch (e) {
    // A search answers without its cache (a read-only project, a full disk): it is only slower next time.
    if (!flags.quiet) io.stderr.write(`dtors: the search index could not be saved (${(e as Error).message}); the next search will index again\n`);
  }
  return { file: openIndex(bytesReader(bytes), bytes.byteLength)!, whole: () => index, close: () => undefined };
}
