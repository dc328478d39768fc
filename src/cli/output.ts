import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { holdingInterrupts, Interrupted } from './interrupt.js';

/** The streams and environment a command runs against: the real process, or a test's buffers. */
export interface Io {
  stdout: { write(s: string): unknown };
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

/** A failure of the environment (unwritable folder …): a coded message at the path, and exit 2. */
export class EnvironmentError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
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
export async function writeFilesAtomic(dir: string, files: { name: string; content: string }[], remove: string[] = []): Promise<void> {
  // Two files of one name would share a temporary file, and the second rename would fail half-way.
  const names = new Set(files.map((f) => f.name));
  if (names.size !== files.length) throw new Error(`two output files have the same name: ${files.map((f) => f.name).find((n, i, all) => all.indexOf(n) !== i)}`);
  const temps: string[] = [];
  try {
    await holdingInterrupts(async (checkpoint) => {
      if (existsSync(dir) && !statSync(dir).isDirectory()) throw new EnvironmentError('output-not-writable', dir, `${dir} exists and is not a folder`);
      makeFolder(dir);
      const staged: { tmp: string; target: string }[] = [];
      for (const f of files) {
        const target = join(dir, f.name);
        makeFolder(dirname(target));
        const tmp = join(dirname(target), `.${f.name.split('/').pop()}.${process.pid}.tmp`);
        temps.push(tmp);
        writeFileSync(tmp, f.content);
        staged.push({ tmp, target });
        await checkpoint();
      }
      // The last moment to stop; after it the renames run without a break.
      await checkpoint();
      for (const x of staged) renameSync(x.tmp, x.target);
      temps.length = 0;
    });
    for (const r of remove) {
      try {
        rmSync(join(dir, r), { force: true });
      } catch {
        // Something else now stands where an old chart was (a folder): leave it; the new charts are written.
      }
    }
  } catch (e) {
    for (const t of temps) {
      try {
        unlinkSync(t);
      } catch {
        /* already gone */
      }
    }
    if (e instanceof EnvironmentError || e instanceof Interrupted) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new EnvironmentError('output-not-writable', err.path ?? dir, `cannot write to ${dir}: ${err.code ?? err.message}`, writeHint(err.code));
  }
}

function writeHint(code: string | undefined): string | undefined {
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'choose a folder you can write to with --out';
  if (code === 'ENOTDIR') return 'part of the path is a file, not a folder';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the disk is full';
  return undefined;
}

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
