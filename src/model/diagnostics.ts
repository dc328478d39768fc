import type { Diagnostic, Pos } from './types.js';

/**
 * Where a diagnostic points: a place in a file; a whole file (`{ file }`, shown at line 1, column 1 so
 * that editors and CI annotations can open it); or a path that has no lines, such as a folder or a
 * path that does not exist (`{ path }`).
 */
export type Where = Pos | { file: string } | { path: string };

/** Builds an error diagnostic at `pos`. */
export function error(code: string, message: string, pos?: Where, hint?: string): Diagnostic {
  return make('error', code, message, pos, hint);
}

export function warning(code: string, message: string, pos?: Where, hint?: string): Diagnostic {
  return make('warning', code, message, pos, hint);
}

function make(
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  pos: Where | undefined,
  hint: string | undefined,
): Diagnostic {
  const d: Diagnostic = { severity, code, message: visible(message) };
  if (pos && 'path' in pos) d.file = pos.path;
  else if (pos) {
    d.file = pos.file;
    d.line = 'line' in pos ? pos.line : 1;
    d.col = 'line' in pos ? pos.col : 1;
  }
  if (hint) d.hint = visible(hint);
  return d;
}

/**
 * Messages quote the user's text ("unknown code …"). Line breaks, escape sequences and direction
 * overrides in it would forge extra diagnostics, clear the terminal or reverse the text, so they are
 * shown as escapes (`\n`, `\u001b`) instead.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(s: string): string {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(s) ? s.replace(INVISIBLE, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)) : s;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/**
 * Orders diagnostics by file, line, column, then code, so output never depends on the order
 * in which checks happened to run.
 */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const cmp = (a: string | undefined, b: string | undefined) => (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort(
      (x, y) =>
        cmp(x.d.file, y.d.file) ||
        (x.d.line ?? 0) - (y.d.line ?? 0) ||
        (x.d.col ?? 0) - (y.d.col ?? 0) ||
        cmp(x.d.code, y.d.code) ||
        x.i - y.i,
    )
    .map((x) => x.d);
}

/**
 * Codes that describe the environment rather than the content of the user's files; they make the
 * CLI exit 2 instead of 1 (see docs/errors.md).
 */
export const ENVIRONMENT_CODES = new Set(['project-not-found', 'unreadable-file', 'output-not-writable']);

/**
 * Appends `items` to `target`. `target.push(...items)` passes every item as an argument, which
 * overflows the stack for large arrays (a coding file of a million rows, each with a warning).
 */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const x of items) target.push(x);
}
