import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Encoding } from '../project/decode.js';

/** Options every command that reads a project shares. */
export interface ProjectFlags {
  encoding?: Encoding;
  delimiter?: string;
  color: boolean;
  quiet?: boolean;
}

/** A mistake in how dtors was called: one line on stderr and exit 2. */
export class UsageError extends Error {}

export function addProjectOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--encoding <name>', 'how to read input files that are not UTF-8 (UTF-8 and UTF-16 files with a BOM are read as such)').choices(['utf8', 'latin1', 'windows-1252']))
    .addOption(new Option('--delimiter <char>', 'CSV delimiter of the input tables (default: detected from the header line)').argParser(parseDelimiter))
    .option('-q, --quiet', 'do not print warnings')
    .option('--no-color', 'no colour in messages (also: NO_COLOR=1)');
}

function parseDelimiter(v: string): string {
  if (v === '\\t' || v.toLowerCase() === 'tab') return '\t';
  if (v.length !== 1) throw new InvalidArgumentError('the delimiter must be one character (or "tab").');
  return v;
}

/** A repeatable flag whose values may contain commas (`--where "area=North, East"`). */
export function repeat(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `a,b` and repeated flags alike become one list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** `--where ATTR=VALUE` flags by attribute; the same attribute twice means either value. */
export function parseWhere(flags: string[] | undefined): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const w of flags ?? []) {
    const i = w.indexOf('=');
    if (i <= 0) throw new UsageError(`--where takes ATTRIBUTE=VALUE, not "${w}"`);
    const k = w.slice(0, i).trim();
    where.set(k, [...(where.get(k) ?? []), w.slice(i + 1).trim()]);
  }
  return where;
}
