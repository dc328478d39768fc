import type { Diagnostic, Pos } from './types.js';

/** Builds an error diagnostic at `pos` (file-level when only a file is known). */
export function error(code: string, message: string, pos?: Pos | { file: string }, hint?: string): Diagnostic {
  return make('error', code, message, pos, hint);
}

export function warning(code: string, message: string, pos?: Pos | { file: string }, hint?: string): Diagnostic {
  return make('warning', code, message, pos, hint);
}

function make(
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  pos: Pos | { file: string } | undefined,
  hint: string | undefined,
): Diagnostic {
  const d: Diagnostic = { severity, code, message };
  if (pos) {
    d.file = pos.file;
    if ('line' in pos) {
      d.line = pos.line;
      d.col = pos.col;
    }
  }
  if (hint) d.hint = hint;
  return d;
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
export const ENVIRONMENT_CODES = new Set(['project-not-found', 'unreadable-file']);
