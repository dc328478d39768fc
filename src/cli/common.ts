import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Chalk } from 'chalk';
import { anchorAll } from '../anchor/anchor.js';
import { changesRow, checkDrift, type DriftReport } from '../anchor/drift.js';
import { buildLock, emptyLock, LOCK_FILE, parseLock, serialiseLock, type Lock } from '../anchor/lock.js';
import { readTextFile } from '../project/files.js';
import { ENVIRONMENT_CODES, hasErrors, pushAll, sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic, Segment } from '../model/types.js';
import { projectWarnings } from '../project/checks.js';
import { loadProject, type Loaded } from '../project/load.js';
import { slugClashes } from '../render/outputs.js';
import { INTERRUPT_EXIT, Interrupted } from './interrupt.js';
import { EnvironmentError, progress, readIfExists, shownPath, writeFilesAtomic, type Io, type Progress } from './output.js';
import type { ProjectFlags } from './options.js';

export interface Analysed extends Loaded {
  segments: Segment[];
  /** The project's dtors.lock.json (empty when it has none), and its path. */
  lock: Lock;
  lockPath?: string;
  lockFound: boolean;
  drift?: DriftReport;
}

/** Load, anchor and check a project: the start of every command's pipeline. */
export function analyse(io: Io, target: string | undefined, flags: ProjectFlags, status: Progress): Analysed {
  status.step('reading the project');
  const loaded = loadProject(resolve(io.cwd, target ?? '.'), { encoding: flags.encoding, delimiter: flags.delimiter, display: target ?? '.' });
  if (!loaded.project) return { ...loaded, segments: [], lock: emptyLock(), lockFound: false };
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
  const lockFound = existsSync(lockPath);
  if (lockFound) {
    const r = readTextFile(lockPath, { what: 'lock file', kind: 'lock', shown: LOCK_FILE });
    pushAll(diagnostics, r.diagnostics);
    if (r.file) {
      const parsed = parseLock(r.file.text, lockPath);
      pushAll(diagnostics, parsed.diagnostics);
      lock = parsed.lock;
      status.step('checking coded passages against the lock');
      drift = checkDrift(loaded.project, anchored.segments, lock);
      pushAll(diagnostics, drift.diagnostics);
    }
  }
  return { ...loaded, diagnostics, segments: anchored.segments, lock, lockPath, lockFound, drift };
}

/**
 * The start of every command that makes something from a project: analyse it (with a status line on a
 * terminal) and, when it has errors, report them with `nothing` ("no charts written") and return the
 * exit code instead. `stops` decides what counts as stopping (reanchor lets misplaced coding through).
 */
export function analyseOrStop(
  io: Io,
  target: string,
  flags: ProjectFlags & { color: boolean },
  nothing: string,
  stops: (a: Analysed) => boolean = (a) => hasErrors(a.diagnostics),
): (Analysed & { project: NonNullable<Analysed['project']> }) | number {
  const status = progress(io, flags.quiet);
  const a = analyse(io, target, flags, status);
  status.done();
  if (!a.project || stops(a)) {
    const failed = report(io, a.diagnostics, flags);
    if (a.project) io.stderr.write(`dtors: ${nothing}; fix the errors above\n`);
    return failed;
  }
  return a as Analysed & { project: NonNullable<Analysed['project']> };
}

/**
 * At most this many diagnostics of one code are printed; a file with a problem on every one of its
 * 200,000 rows would otherwise bury the terminal (validate --format json still lists them all).
 */
export const SHOWN_PER_CODE = 50;

/** Prints diagnostics on stderr (warnings unless quiet) and returns the exit code they imply. */
export function report(io: Io, diagnostics: Diagnostic[], flags: { color: boolean; quiet?: boolean }): number {
  const c = colours(io, flags.color);
  const shown = new Map<string, number>();
  const hidden = new Map<string, { severity: Diagnostic['severity']; count: number }>();
  for (const d of sortDiagnostics(diagnostics)) {
    if (d.severity === 'warning' && flags.quiet) continue;
    const n = (shown.get(d.code) ?? 0) + 1;
    shown.set(d.code, n);
    if (n > SHOWN_PER_CODE) {
      const h = hidden.get(d.code) ?? { severity: d.severity, count: 0 };
      h.count++;
      hidden.set(d.code, h);
      continue;
    }
    io.stderr.write(formatDiagnostic(io, d, c));
  }
  for (const [code, h] of [...hidden].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    io.stderr.write(`dtors: ${h.count.toLocaleString('en')} more ${code} ${h.severity === 'error' ? 'errors' : 'warnings'} not shown (dtors validate --format json lists every one)\n`);
  }
  return exitCode(diagnostics);
}

export function exitCode(diagnostics: Diagnostic[]): number {
  if (diagnostics.some((d) => d.severity === 'error' && ENVIRONMENT_CODES.has(d.code))) return 2;
  return hasErrors(diagnostics) ? 1 : 0;
}

/**
 * Colour only on a terminal, never with NO_COLOR set (to anything but "") or TERM=dumb or --no-color, and only on
 * stderr: stdout is data. chalk's own detection ignores NO_COLOR, so the level is decided here.
 */
export function colours(io: Io, enabled: boolean): InstanceType<typeof Chalk> {
  const on = enabled && io.stderrIsTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  return new Chalk({ level: on ? 1 : 0 });
}

/** `path:line:col: error CODE: message`, then an indented hint. */
export function formatDiagnostic(io: Io, d: Diagnostic, c: InstanceType<typeof Chalk>): string {
  const where = d.file ? `${shownPath(io, d.file)}${d.line ? `:${d.line}:${d.col ?? 1}` : ''}: ` : 'dtors: ';
  const sev = d.severity === 'error' ? c.red.bold('error') : c.yellow.bold('warning');
  let s = `${c.bold(where)}${sev} ${d.code}: ${d.message}\n`;
  if (d.hint) s += `  ${c.cyan('hint:')} ${d.hint}\n`;
  return s;
}

export function diagnosticJson(io: Io, d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.file ? shownPath(io, d.file) : null,
    line: d.line ?? null,
    col: d.col ?? null,
    hint: d.hint ?? null,
  };
}


/**
 * The lock file's new text for an analysed project: every located annotation locked afresh, except
 * drifted ones, which keep the record reanchor needs to move them (locking them where they now point
 * would bless the drift). `kept` counts those.
 */
export function relock(a: Analysed): { content: string; kept: number; locked: number } {
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
 * writeFilesAtomic with its failures reported: undefined when every file was written, else the exit
 * code (an unwritable place, or an interruption, after which `unchanged` says what was left alone).
 */
export async function writeOrReport(
  io: Io,
  dir: string,
  files: { name: string; content: string | Uint8Array }[],
  flags: { color: boolean; quiet?: boolean },
  unchanged: string,
  remove: string[] = [],
): Promise<number | undefined> {
  try {
    await writeFilesAtomic(dir, files, remove);
    return undefined;
  } catch (e) {
    if (e instanceof EnvironmentError) return report(io, [e.diagnostic], flags);
    if (e instanceof Interrupted) {
      if (e.reason !== 'EPIPE') io.stderr.write(`dtors: interrupted (${e.reason}); ${unchanged}\n`);
      return INTERRUPT_EXIT[e.reason];
    }
    throw e;
  }
}
