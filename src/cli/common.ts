import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { anchorAll } from '../anchor/anchor.js';
import { changesRow, checkDrift, type DriftReport } from '../anchor/drift.js';
import { buildLock, emptyLock, LOCK_FILE, lockedHashes, parseLock, serialiseLock, transcriptHashes, type Lock } from '../anchor/lock.js';
import { readTextFile } from '../project/files.js';
import { error, hasErrors, pushAll } from '../model/diagnostics.js';
import type { Diagnostic, Project, Segment } from '../model/types.js';
import { projectWarnings } from '../project/checks.js';
import { loadProject, type Loaded } from '../project/load.js';
import { slugClashes } from '../render/outputs.js';
import { progress, readIfExists, shownPath, type Io, type Progress } from './output.js';
import type { ProjectFlags } from './options.js';

import { report, writeOrReport } from './report.js';

// Reporting lives in report.ts; most commands reach it through here.
export { colours, diagnosticJson, exitCode, formatDiagnostic, report, SHOWN_PER_CODE, writeOrReport } from './report.js';

export interface Analysed extends Loaded {
  segments: Segment[];
  /** The project's dtors.lock.json (empty when it has none), and its path. */
  lock: Lock;
  lockPath?: string;
  lockFound: boolean;
  /**
   * 'full': `lock` holds every entry. 'hashes': the lock was found unchanged by lockedHashes and not
   * parsed, so `lock` is empty; enough for the drift check, not for writing a new lock.
   */
  lockRead: 'full' | 'hashes';
  drift?: DriftReport;
}

export interface AnalyseOptions {
  /**
   * What the command needs of the lock. 'full' (validate, reanchor, --lock) parses every entry. 'drift'
   * (commands that only report drift) reads just the transcript hashes when the lock is in dtors' own
   * layout and no transcript has changed since, which gives the same diagnostics: none.
   */
  lock?: 'full' | 'drift';
}

/** Load, anchor and check a project: the start of every command's pipeline. */
export function analyse(io: Io, target: string | undefined, flags: ProjectFlags, status: Progress, opts: AnalyseOptions = {}): Analysed {
  status.step('reading the project');
  const loaded = loadProject(resolve(io.cwd, target ?? '.'), { encoding: flags.encoding, delimiter: flags.delimiter, display: target ?? '.' });
  if (!loaded.project) return { ...loaded, segments: [], lock: emptyLock(), lockFound: false, lockRead: 'full' };
  status.step(`locating ${loaded.project.annotations.length.toLocaleString('en')} coded passages in ${loaded.project.transcripts.size.toLocaleString('en')} transcripts`);
  const anchored = anchorAll(loaded.project);
  // Theme names that would overwrite each other's chart files are a problem of the frame, so
  // validate reports them as well as chart.
  const diagnostics = [...loaded.diagnostics, ...anchored.diagnostics, ...slugClashes(loaded.project)];
  pushAll(diagnostics, projectWarnings(loaded.project, { coverage: !hasErrors(diagnostics) }));
  // The lock, when there is one: annotations whose transcript changed are checked against it.
  const lockPath = join(loaded.project.root, LOCK_FILE);
  let lock = emptyLock();
  let drift: DriftReport | undefined;
  let lockRead: Analysed['lockRead'] = 'full';
  const lockFound = existsSync(lockPath);
  if (lockFound) {
    const r = readTextFile(lockPath, { what: 'lock file', kind: 'lock', shown: LOCK_FILE, hash: false });
    pushAll(diagnostics, r.diagnostics);
    const now = r.file && opts.lock === 'drift' ? transcriptHashes(loaded.project) : undefined;
    const locked = now && lockedHashes(r.file!.text);
    if (now && locked && [...locked].every(([id, shas]) => !now.has(id) || (shas.size === 1 && shas.has(now.get(id)!)))) {
      // Every entry was locked against its transcript as it is now: nothing can have drifted.
      lockRead = 'hashes';
      drift = { drifts: [], checked: 0, held: 0, diagnostics: [] };
    } else if (r.file) {
      const parsed = parseLock(r.file.text, lockPath);
      pushAll(diagnostics, parsed.diagnostics);
      lock = parsed.lock;
      status.step('checking coded passages against the lock');
      drift = checkDrift(loaded.project, anchored.segments, lock);
      pushAll(diagnostics, drift.diagnostics);
    }
  }
  return { ...loaded, diagnostics, segments: anchored.segments, lock, lockPath, lockFound, lockRead, drift };
}

/**
 * The start of every command that makes something from a project: analyse it (with a status line on a
 * terminal) and, when it has errors, report them with `nothing` ("no charts written") and return the
 * exit code instead. `stops` decides what counts as stopping (reanchor lets misplaced coding through).
 * The lock is read only as far as the drift check needs, unless `opts` asks for all of it.
 */
export function analyseOrStop(
  io: Io,
  target: string,
  flags: ProjectFlags & { color: boolean },
  nothing: string,
  stops: (a: Analysed) => boolean = (a) => hasErrors(a.diagnostics),
  opts: AnalyseOptions = { lock: 'drift' },
): (Analysed & { project: NonNullable<Analysed['project']> }) | number {
  const status = progress(io, flags.quiet);
  const a = analyse(io, target, flags, status, opts);
  status.done();
  if (!a.project || stops(a)) {
    const failed = report(io, a.diagnostics, flags);
    if (a.project) io.stderr.write(`dtors: ${nothing}; fix the errors above\n`);
    return failed;
  }
  return a as Analysed & { project: NonNullable<Analysed['project']> };
}

/**
 * The lock file's new text for an analysed project: every located annotation locked afresh, except
 * drifted ones, which keep the record reanchor needs to move them (locking them where they now point
 * would bless the drift). `kept` counts those.
 */
export function relock(a: Analysed): { content: string; kept: number; locked: number } {
  // Locking afresh keeps the old entries of passages not located now: they must have been read.
  if (a.lockRead !== 'full') throw new Error('relock needs the lock read in full (analyse with lock: "full")');
  const keep = new Set<number>();
  for (const d of a.drift?.drifts ?? []) if ('lost' in d.outcome || changesRow(d)) keep.add(d.annotation.index);
  const lock = buildLock(a.project!, a.segments, a.lock, keep);
  return { content: serialiseLock(lock), kept: keep.size, locked: lock.entries.length };
}

export interface LockWritten {
  written: boolean;
  annotations: number;
  kept: number;
}

/**
 * `--lock`: writes the project's lock (when it changed) and says so on stderr. Returns what was done,
 * or the exit code when it could not be written (or the run was interrupted).
 */
export async function writeLock(io: Io, a: Analysed, flags: { color: boolean; quiet?: boolean }): Promise<LockWritten | number> {
  const r = relock(a);
  const written = readIfExists(a.lockPath!) !== r.content;
  if (written) {
    const failed = await writeOrReport(io, a.project!.root, [{ name: LOCK_FILE, content: r.content }], flags, `${LOCK_FILE} was not changed`);
    if (failed !== undefined) return failed;
  }
  const w = { written, annotations: r.locked, kept: r.kept };
  if (!flags.quiet) io.stderr.write(lockMessage(w));
  return w;
}

/** `dtors: wrote dtors.lock.json (409 passages locked)`, and how many drifted passages kept their record. */
export function lockMessage(w: LockWritten): string {
  const n = (k: number, word: string) => `${k.toLocaleString('en')} ${word}${k === 1 ? '' : 's'}`;
  return (
    `dtors: ${w.written ? 'wrote' : 'unchanged:'} ${LOCK_FILE} (${n(w.annotations, 'passage')} locked` +
    `${w.kept ? `; ${n(w.kept, 'drifted passage')} kept ${w.kept === 1 ? 'its' : 'their'} old record: run dtors reanchor` : ''})\n`
  );
}

/**
 * Whether the project has errors beyond misplaced coding. Then no lock is written (with a file that did
 * not load, its passages would seem gone and their records be dropped) and reanchor does not run.
 */
export function blocked(a: Analysed): boolean {
  return !a.project || a.diagnostics.some((d) => d.severity === 'error' && !ANCHOR_PROBLEMS.has(d.code));
}

/** Anchoring problems: the ones re-anchoring is for, which do not stop the lock being written or reanchor running. */
export const ANCHOR_PROBLEMS = new Set(['quote-not-found', 'quote-outside-lines', 'quote-ambiguous', 'lines-out-of-range', 'blank-passage', 'anchor-drift']);

/**
 * Why `outDir` cannot take `what` (charts, a report): it is a file, or a folder the project is read
 * from, so that what is written there would be read back as input on the next run. Checked before any
 * work, so a mistake there costs nothing. Exit 2 with it.
 */
export function outputDirProblem(io: Io, project: Project, outDir: string, what: string): Diagnostic | undefined {
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    return error('output-not-writable', `${shownPath(io, outDir)} is a file, not a folder for the ${what}`, { path: outDir }, 'name a folder with --out (it is created if need be)');
  }
  const inputDirs = new Set([project.root, ...project.annotations.map((x) => dirname(x.file))]);
  if (inputDirs.has(outDir)) {
    const held = outDir === project.root ? 'dtors.yaml' : 'coding';
    return error('output-in-inputs', `${shownPath(io, outDir)} holds the project's ${held}; ${what} written there would be read back as input`, { path: outDir }, `write the ${what} to a folder of their own (e.g. --out ${what === 'charts' ? 'charts' : 'report'})`);
  }
  return undefined;
}
