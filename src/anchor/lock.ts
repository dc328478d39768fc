/**
 * The anchor lock (dtors.lock.json): for every located annotation, the text it resolved to, with a
 * little context on each side, and the hash of the transcript it was read from. It is what lets dtors
 * notice that a transcript edit has slid the coding off its words, and put it back (see relocate.ts).
 * The record follows the W3C Web Annotation TextQuoteSelector: exact, prefix, suffix.
 */
import { hash } from 'node:crypto';
import { relative, sep } from 'node:path';
import { error } from '../model/diagnostics.js';
import type { Annotation, Diagnostic, Project, Segment } from '../model/types.js';
import { validate } from '../project/schemas.js';
import { parseYaml } from '../project/yamlFile.js';
import { LineIndex } from '../project/text.js';

export const LOCK_FILE = 'dtors.lock.json';
export const LOCK_VERSION = 1;

/** Characters of context kept on each side of the exact text. */
export const CONTEXT = 40;

export interface LockEntry {
  /** Identifies the annotation: its id, or a hash of the fields that place it (see lockKey). */
  key: string;
  /** Annotation file, relative to the project, with `/`. */
  file: string;
  id?: string;
  transcript: string;
  code: string;
  /** The lines the text was on when locked (`112-118`, or `112`). */
  lines: string;
  /** sha256 of the transcript file's bytes when locked. */
  sha256: string;
  exact: string;
  prefix: string;
  suffix: string;
}

export interface Lock {
  entries: LockEntry[];
  /** Entries by key. */
  byKey: Map<string, LockEntry>;
}

export function emptyLock(): Lock {
  return { entries: [], byKey: new Map() };
}

function relPath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/**
 * Keys for every annotation, in order. An annotation with an id is keyed by it (ids are unique, and
 * survive moving the row to another file); any other by the fields that say which passage it codes, as
 * written, so editing those fields by hand makes it a new annotation to lock. Identical rows are told
 * apart by their order. With `wanted`, only those annotations' keys are computed (hashing a hundred
 * thousand keys is a quarter of a second) and the others are ''; the numbering of identical rows still
 * counts every row.
 */
export function lockKeys(project: Project, wanted?: (a: Annotation) => boolean): string[] {
  const seen = new Map<string, number>();
  return project.annotations.map((a) => {
    const base = a.id !== undefined ? `id\u0000${a.id}` : ['row', relPath(project.root, a.file), a.transcript, a.code, a.coder ?? '', writtenLines(a), a.quote ?? ''].join('\u0000');
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    if (wanted && !wanted(a)) return '';
    return hash('sha256', n === 1 ? base : `${base}\u0000${n}`, 'hex').slice(0, 16);
  });
}

/** How many annotations the lock has no entry for (added, or edited by hand, since it was written). */
export function unlockedCount(project: Project, lock: Lock): number {
  if (!lock.entries.length) return project.annotations.length;
  return lockKeys(project).filter((k) => !lock.byKey.has(k)).length;
}

/** The annotation's lines as written (`112-118`), or '' when it has none. */
export function writtenLines(a: Annotation): string {
  return a.lines ? lineRange(a.lines.start, a.lines.end) : '';
}

export function lineRange(start: number, end: number): string {
  return start === end ? String(start) : `${start}-${end}`;
}

/** `from`..`to` of `text`, widened so that no surrogate pair is cut in half. */
function slice(text: string, from: number, to: number): string {
  const low = (i: number) => i > 0 && i < text.length && /[\udc00-\udfff]/.test(text[i]) && /[\ud800-\udbff]/.test(text[i - 1]);
  if (low(from)) from--;
  if (low(to)) to++;
  return text.slice(from, to);
}

/** A fresh entry for a located annotation. */
export function entryFor(project: Project, key: string, s: Segment, transcriptSha: string): LockEntry {
  const a = s.annotation;
  const text = s.transcript.text;
  const e: LockEntry = {
    key,
    file: relPath(project.root, a.file),
    transcript: a.transcript,
    code: a.code,
    lines: lineRange(s.startLine, s.endLine),
    sha256: transcriptSha,
    exact: text.slice(s.start, s.end),
    prefix: slice(text, Math.max(0, s.start - CONTEXT), s.start),
    suffix: slice(text, s.end, Math.min(text.length, s.end + CONTEXT)),
  };
  if (a.id !== undefined) e.id = a.id;
  return e;
}

/** sha256 of each transcript's file, by transcript id. */
export function transcriptHashes(project: Project): Map<string, string> {
  const byPath = new Map(project.inputs.map((i) => [i.path, i.sha256]));
  const out = new Map<string, string>();
  for (const t of project.transcripts.values()) {
    const h = byPath.get(relPath(project.root, t.path));
    if (h) out.set(t.id, h);
  }
  return out;
}

/**
 * The lock to write: a fresh entry for every located annotation except those in `keep` (drifted ones,
 * whose old record is what reanchor needs), and the previous entry for any annotation that could not be
 * located now. Entries of annotations that no longer exist are dropped. Order is the annotations'.
 */
export function buildLock(project: Project, segments: Segment[], previous: Lock, keep: ReadonlySet<number>): Lock {
  const keys = lockKeys(project);
  const hashes = transcriptHashes(project);
  const located = new Map(segments.map((s) => [s.annotation.index, s]));
  const entries: LockEntry[] = [];
  project.annotations.forEach((a, i) => {
    const key = keys[i];
    const old = previous.byKey.get(key);
    const s = located.get(a.index);
    const sha = hashes.get(a.transcript);
    if (s && sha && !keep.has(a.index) && s.end > s.start) entries.push(entryFor(project, key, s, sha));
    else if (old) entries.push(old);
  });
  return { entries, byKey: new Map(entries.map((e) => [e.key, e])) };
}

/**
 * The lock as the file's text: one entry per line, so that a change to one passage is a one-line diff
 * and two people's locks merge line by line; fields in a fixed order; a final newline.
 */
export function serialiseLock(lock: Lock): string {
  const lines = lock.entries.map((e) => {
    const o: Record<string, string> = { key: e.key, file: e.file };
    if (e.id !== undefined) o.id = e.id;
    Object.assign(o, { transcript: e.transcript, code: e.code, lines: e.lines, sha256: e.sha256, exact: e.exact, prefix: e.prefix, suffix: e.suffix });
    return JSON.stringify(o);
  });
  const about = 'Written by dtors (validate --lock, chart --lock, reanchor): the text each annotation was anchored to. Commit it; do not edit it by hand.';
  return `{"dtorsLock": ${LOCK_VERSION},\n "about": ${JSON.stringify(about)},\n "annotations": [${lines.length ? `\n${lines.join(',\n')}\n` : ''}]}\n`;
}

// The layout serialiseLock writes, entry by entry: a JSON string, and the same with at least one
// character (exact). A line that matches is valid JSON and satisfies lock.schema.json.
const STRING = '"(?:[^"\\\\\\u0000-\\u001f]|\\\\(?:["\\\\/bfnrt]|u[0-9a-fA-F]{4}))*"';
const FILLED = STRING.replace(/\*"$/, '+"');
const ENTRY_LINE = new RegExp(
  `^\\{"key":"[0-9a-f]{16}","file":${STRING},(?:"id":${STRING},)?"transcript":(${STRING}),"code":${STRING},"lines":"[0-9]+(?:-[0-9]+)?","sha256":"([0-9a-f]{64})","exact":${FILLED},"prefix":${STRING},"suffix":${STRING}\\}$`,
);

/**
 * The transcript hashes a lock records (transcript id → every hash its entries were locked against),
 * read without building the entries: a quarter of the time of parseLock on a large lock. Only for a
 * file in the layout dtors writes, every line of which is checked in full, so that a lock this accepts
 * is one parseLock would read without a diagnostic; for any other file (edited, merged, damaged) it
 * returns undefined, and the lock must be parsed.
 */
export function lockedHashes(text: string): Map<string, Set<string>> | undefined {
  const lines = text.split('\n');
  const [version, about] = serialiseLock(emptyLock()).split('\n');
  // Three lines before the entries, and "]}" with the final newline after them.
  if (lines.length < 6 || lines[0] !== version || lines[1] !== about || lines[2] !== ' "annotations": [') return undefined;
  if (lines[lines.length - 2] !== ']}' || lines[lines.length - 1] !== '') return undefined;
  const out = new Map<string, Set<string>>();
  const last = lines.length - 3;
  for (let i = 3; i <= last; i++) {
    const line = lines[i];
    // Entries are separated by commas; the last has none.
    const entry = i < last ? (line.endsWith(',') ? line.slice(0, -1) : undefined) : line;
    const m = entry === undefined ? null : ENTRY_LINE.exec(entry);
    if (!m) return undefined;
    const transcript = m[1].includes('\\') ? (JSON.parse(m[1]) as string) : m[1].slice(1, -1);
    let set = out.get(transcript);
    if (!set) out.set(transcript, (set = new Set()));
    set.add(m[2]);
  }
  return out;
}

/**
 * Reads a lock file's text. JSON.parse does the work; only when that or the schema fails is the text
 * parsed again (as YAML, of which JSON is a subset) to say where the problem is.
 */
export function parseLock(text: string, file: string): { lock: Lock; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rewrite = 'dtors writes this file: delete it and run dtors validate --lock (while the coding is right) to write it again';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const y = parseYaml(text, file);
    const where = y.diagnostics[0] ?? undefined;
    const conflict = /^(<{7}|={7}|>{7})/m.exec(text);
    const pos = conflict ? new LineIndex(text).pos(file, conflict.index) : where?.line ? { file, line: where.line, col: where.col ?? 1 } : { file };
    const hint = conflict ? 'keep either side of the conflict (it is only a record), then run dtors validate --lock to bring it up to date' : rewrite;
    diagnostics.push(error('lock-invalid', conflict ? 'the lock file has merge-conflict markers' : `the lock file is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`, pos, hint));
    return { lock: emptyLock(), diagnostics };
  }
  let locate = (_p: (string | number)[], _t: 'key' | 'value') => ({ file, line: 1, col: 1 });
  let ds = validate('lock', value, (p, t) => locate(p, t), { field: 'key' });
  if (ds.length) {
    // Only now is it worth the positions.
    const y = parseYaml(text, file);
    locate = y.locate;
    ds = validate('lock', value, (p, t) => locate(p, t), { field: 'key' });
    for (const d of ds) diagnostics.push({ ...d, severity: 'error', code: 'lock-invalid', message: `${d.message} (${d.code})`, hint: rewrite });
    return { lock: emptyLock(), diagnostics };
  }
  const entries = (value as { annotations: LockEntry[] }).annotations;
  return { lock: { entries, byKey: new Map(entries.map((e) => [e.key, e])) }, diagnostics };
}
