import { resolve } from 'node:path';
import { Chalk } from 'chalk';
import { anchorAll } from '../anchor/anchor.js';
import { ENVIRONMENT_CODES, hasErrors, pushAll, sortDiagnostics } from '../model/diagnostics.js';
import type { Diagnostic, Segment } from '../model/types.js';
import { projectWarnings } from '../project/checks.js';
import { loadProject, type Loaded } from '../project/load.js';
import { slugClashes } from '../render/outputs.js';
import { shownPath, type Io, type Progress } from './output.js';
import type { ProjectFlags } from './options.js';

export interface Analysed extends Loaded {
  segments: Segment[];
}

/** Load, anchor and check a project: the start of every command's pipeline. */
export function analyse(io: Io, target: string | undefined, flags: ProjectFlags, status: Progress): Analysed {
  status.step('reading the project');
  const loaded = loadProject(resolve(io.cwd, target ?? '.'), { encoding: flags.encoding, delimiter: flags.delimiter, display: target ?? '.' });
  if (!loaded.project) return { ...loaded, segments: [] };
  status.step(`locating ${loaded.project.annotations.length.toLocaleString('en')} coded passages in ${loaded.project.transcripts.size.toLocaleString('en')} transcripts`);
  const anchored = anchorAll(loaded.project);
  // Theme names that would overwrite each other's chart files are a problem of the frame, so
  // validate reports them as well as chart.
  const diagnostics = [...loaded.diagnostics, ...anchored.diagnostics, ...slugClashes(loaded.project)];
  pushAll(diagnostics, projectWarnings(loaded.project, { coverage: !hasErrors(diagnostics) }));
  return { ...loaded, diagnostics, segments: anchored.segments };
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

