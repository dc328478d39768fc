/**
 * Saying what went wrong: diagnostics on stderr, exit codes, and writing with failures reported. Kept
 * apart from common.ts so that commands which do not anchor coding (search) do not load the anchoring.
 */
import { ENVIRONMENT_CODES, hasErrors, sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/types.js';
import { INTERRUPT_EXIT, Interrupted } from './interrupt.js';
import { EnvironmentError, shownPath, writeFilesAtomic, type Io } from './output.js';

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

/** The four styles a diagnostic uses, as functions that wrap text (or leave it as it is). */
export interface Colours {
  red: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
  bold: (s: string) => string;
}

/**
 * Colour only on a terminal, never with NO_COLOR set (to anything but "") or TERM=dumb or --no-color,
 * and only on stderr: stdout is data. Four SGR codes of ECMA-48, which every terminal that shows colour
 * understands; a library for them cost more start-up time than a quick search has to spare.
 */
export function colours(io: Io, enabled: boolean): Colours {
  const on = enabled && io.stderrIsTTY && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const sgr = (open: number, close: number) => (on ? (s: string) => `\u001b[${open}m${s}\u001b[${close}m` : (s: string) => s);
  return { red: sgr(31, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), bold: sgr(1, 22) };
}

/** `path:line:col: error CODE: message`, then an indented hint. */
export function formatDiagnostic(io: Io, d: Diagnostic, c: Colours): string {
  const where = d.file ? `${shownPath(io, d.file)}${d.line ? `:${d.line}:${d.col ?? 1}` : ''}: ` : 'dtors: ';
  const sev = d.severity === 'error' ? c.red(c.bold('error')) : c.yellow(c.bold('warning'));
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
