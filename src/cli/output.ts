import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

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
  return r && !r.startsWith('..') ? r.split(sep).join('/') : p;
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

/** A failure of the environment (unwritable folder …): a one-line message and exit 2. */
export class EnvironmentError extends Error {}

/**
 * Writes files into `dir` so that a failure leaves nothing half-done: every file goes to a temporary
 * name first, and only when all are written are they renamed into place. Files in `remove` (outputs
 * a previous run made that this one no longer makes) are deleted last.
 */
export function writeFilesAtomic(dir: string, files: { name: string; content: string }[], remove: string[] = []): void {
  const temps: string[] = [];
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new EnvironmentError(`${dir} exists and is not a folder`);
    mkdirSync(dir, { recursive: true });
    const staged = files.map((f) => {
      const target = join(dir, f.name);
      mkdirSync(dirname(target), { recursive: true });
      const tmp = join(dirname(target), `.${f.name.split('/').pop()}.${process.pid}.tmp`);
      temps.push(tmp);
      writeFileSync(tmp, f.content);
      return { tmp, target };
    });
    for (const s of staged) renameSync(s.tmp, s.target);
    temps.length = 0;
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
    if (e instanceof EnvironmentError) throw e;
    throw new EnvironmentError(`cannot write to ${dir}: ${(e as Error).message}`);
  }
}

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
