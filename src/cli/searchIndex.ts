import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Project } from '../model/types.js';
import { sha256 } from '../project/files.js';
import type { SearchIndex } from '../search/index.js';
import type { ProjectFlags } from './options.js';
import { writeFilesAtomic, type Io } from './output.js';

/** Where the word index is kept between runs, below the project folder. */
export const INDEX_DIR = '.dtors';
export const INDEX_FILE = 'search-index.bin';

/** The saved index's bytes, if there is one (an unreadable one is rebuilt). */
function readIndexFile(root: string): Uint8Array | undefined {
  const path = join(root, INDEX_DIR, INDEX_FILE);
  try {
    return existsSync(path) && statSync(path).isFile() ? readFileSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts reading the saved index in the background, so that it arrives while the project is read
 * (reading 60 MB takes as long as a fifth of a search).
 */
export function readIndexSoon(projectFile: string): Promise<Uint8Array | undefined> {
  return readFile(join(dirname(projectFile), INDEX_DIR, INDEX_FILE)).then(
    (b) => b,
    () => undefined,
  );
}

/**
 * The words of every transcript (search/index.ts), from .dtors/ where it is up to date, indexed again
 * where a transcript changed, and saved again when anything did. Used by search and suggest.
 */
export async function loadIndex(io: Io, project: Project, flags: ProjectFlags, early?: Promise<Uint8Array | undefined>): Promise<SearchIndex> {
  const { emptyIndex, parseIndex, refreshIndex, serialiseIndex } = await import('../search/index.js');
  const dir = join(project.root, INDEX_DIR);
  let index: SearchIndex | undefined;
  const bytes = (await early) ?? readIndexFile(project.root);
  if (bytes) index = parseIndex(bytes);
  index ??= emptyIndex();
  const sha = new Map(project.inputs.map((i) => [i.path, i.sha256]));
  const rel = (p: string) => relative(project.root, p).split(sep).join('/');
  const before = index.docs.size;
  // The turns depend on the speaker settings: a change there makes every entry stale.
  const speakers = sha256(JSON.stringify([project.speakers.pattern.source, project.speakers.pattern.flags, project.speakers.interviewer])).slice(0, 12);
  const { turnsOf } = await import('../search/search.js');
  const transcripts = [...project.transcripts.values()].map((t) => ({
    id: t.id,
    key: `${sha.get(rel(t.path)) ?? ''}:${flags.encoding ?? 'utf8'}:${speakers}`,
    text: () => t.text,
    turns: () => turnsOf(t),
  }));
  const indexed = refreshIndex(index, transcripts);
  if (indexed || index.docs.size !== before) {
    try {
      await writeFilesAtomic(dir, [
        { name: INDEX_FILE, content: serialiseIndex(index) },
        { name: '.gitignore', content: '# Made by dtors search: a cache, rebuilt when missing.\n*\n' },
      ]);
    } catch (e) {
      // A search answers without its cache (a read-only project, a full disk): it is only slower next time.
      if (!flags.quiet) io.stderr.write(`dtors: the search index could not be saved (${(e as Error).message}); the next search will index again\n`);
    }
  }
  return index;
}
