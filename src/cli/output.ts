import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { error } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/types.js';
import { holdingInterrupts, Interrupted } from './interrupt.js';
import { UsageError } from './options.js';

/** The streams and environment a command runs against: the real process, or a test's buffers. */
export interface Io {
  stdout: { write(s: string | Uint8Array): unknown };
  stderr: { write(s: string): unknown };
  cwd: string;
  env: Record<string, string | undefined>;
  stderrIsTTY: boolean;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, stderrIsTTY: Boolean(process.stderr.isTTY) };
}

/** A path as the user should see it: relative to where they ran dtors when it is below it. */
export function shownPath(io: Io, p: string): string {
  const r = relative(io.cwd, p);
  if (r === '') return '.';
  return !r.startsWith('..') && !isAbsolute(r) ? r.split(sep).join('/') : p;
}

export interface Progress {
  /** Shows what is being done now, replacing the previous step. */
  step(message: string): void;
  /** Clears the line, before anything else is written. */
  done(): void;
}

/**
 * A one-line status on stderr while a large project is worked through: only on a terminal, never
 * with --quiet or TERM=dumb, and cleared before any other output, so logs and pipes never see it.
 */
export function progress(io: Io, quiet?: boolean): Progress {
  if (!io.stderrIsTTY || quiet || io.env.TERM === 'dumb') return { step: () => {}, done: () => {} };
  // Plain carriage returns and spaces, no escape sequences, so NO_COLOR terminals see no codes either.
  let width = 0;
  const clear = () => (width ? `\r${' '.repeat(width)}\r` : '');
  return {
    step(message) {
      const line = `dtors: ${message}…`;
      io.stderr.write(`${clear()}${line}`);
      width = line.length;
    },
    done() {
      io.stderr.write(clear());
      width = 0;
    },
  };
}

/** A failure of the environment (unwritable folder …): a coded diagnostic at the path, and exit 2. */
export class EnvironmentError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/**
 * Creates `dir` and any missing parents, one level at a time. (Node 20's recursive mkdirSync never
 * returns for a path under /proc; this fails there like anywhere else.)
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
}

/**
 * Writes files into `dir` so that a failure or an interruption leaves nothing half-done: every file
 * goes to a temporary name first, and only when all are written are they renamed into place. Signals
 * are let in between files; one that comes removes what was staged and throws Interrupted. Files in
 * `remove` (outputs a previous run made that this one no longer makes) are deleted last.
 */
export async function writeFilesAtomic(dir: string, files: { name: string; content: string | Uint8Array }[], remove: string[] = []): Promise<void> {
  // Two files of one name would share a temporary file: a bug in the caller, not in the user's input.
  const names = new Set(files.map((f) => f.name));
  if (names.size !== files.length) throw new Error(`two output files have the same name: ${files.map((f) => f.name).find((n, i, all) => all.indexOf(n) !== i)}`);
  const staged: { tmp: string; target: string; old: string }[] = [];
  let committed = false;
  try {
    await holdingInterrupts(async (checkpoint) => {
      makeFolder(dir);
      for (const f of files) {
        const target = join(dir, f.name);
        makeFolder(dirname(target));
        const base = join(dirname(target), `.${f.name.split('/').pop()}.${process.pid}`);
        staged.push({ tmp: `${base}.tmp`, target, old: `${base}.old` });
        writeFileSync(`${base}.tmp`, f.content);
        await checkpoint();
      }
      // The last moment to stop; after it the renames run without a break.
      await checkpoint();
      commit(staged);
      committed = true;
    });
  } catch (e) {
    for (const x of staged) removeQuietly(x.tmp);
    if (e instanceof Interrupted) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new EnvironmentError(error('output-not-writable', `cannot write to ${dir}: ${err.code ?? err.message}`, { path: err.path ?? dir }, writeHint(err.code)));
  }
  if (!committed) return;
  for (const r of remove) {
    try {
      rmSync(join(dir, r), { force: true });
    } catch {
      // Something else now stands where an old chart was (a folder): leave it; the new charts are written.
    }
  }
}

/**
 * Moves staged files into place, keeping each file it replaces until all are in: if one rename fails
 * (a full disk, a file made read-only meanwhile), those already done are undone, so the folder holds
 * either every new file or every old one.
 */
function commit(staged: { tmp: string; target: string; old: string }[]): void {
  const done: { target: string; old?: string }[] = [];
  try {
    for (const x of staged) {
      const had = existsSync(x.target);
      if (had) renameSync(x.target, x.old);
      done.push({ target: x.target, old: had ? x.old : undefined });
      renameSync(x.tmp, x.target);
    }
  } catch (e) {
    for (const d of done.reverse()) {
      try {
        if (d.old) renameSync(d.old, d.target);
        else rmSync(d.target, { force: true });
      } catch {
        /* as much as can be put back is put back */
      }
    }
    throw e;
  }
  for (const d of done) if (d.old) removeQuietly(d.old);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function writeHint(code: string | undefined): string | undefined {
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'choose a folder you can write to with --out';
  if (code === 'ENOTDIR') return 'part of the path is a file, not a folder';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the disk is full';
  return undefined;
}

export function readBytesIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Everything on stdin, for a file named `-`. More than `limit` bytes is a usage problem: a file that
 * large should be named, so that it can be read as needed instead of held whole.
 */
export async function readStdin(limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) throw new UsageError(`stdin holds more than ${limit} bytes; name the file instead`);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
