import { basename, dirname, resolve } from 'node:path';
import type { StatView } from '../stats/types.js';
import { writeOrReport } from './report.js';
import { UsageError } from './options.js';
import type { Io } from './output.js';

export interface ViewFlags {
  format: 'markdown' | 'csv' | 'json';
  section?: string;
  out?: string;
  excel?: boolean;
  raw?: boolean;
  color: boolean;
  quiet?: boolean;
}

/** Text on stdout, or written atomically to `out` (a path; `-` is stdout). Returns the exit code when writing failed. */
export async function emitText(io: Io, text: string, out: string | undefined, flags: { color: boolean; quiet?: boolean }): Promise<number | undefined> {
  if (!out || out === '-') {
    io.stdout.write(text);
    return undefined;
  }
  const path = resolve(io.cwd, out);
  return writeOrReport(io, dirname(path), [{ name: basename(path), content: text }], flags, `${out} not written`);
}

/**
 * The end of `stats` and `agree`: the tables in the chosen format, on stdout or in `--out`, with any
 * other files the command makes (a heatmap, ratings). Files of one folder are written together, so a
 * picture is never left without its table. Returns the exit code when writing failed.
 */
export async function emitView(io: Io, view: StatView, flags: ViewFlags, others: { path: string; content: string }[] = []): Promise<number | undefined> {
  const render = await import('../render/stats.js');
  const sections = render.csvSections(view);
  if (flags.format === 'csv') {
    if (flags.section && !sections.includes(flags.section)) throw new UsageError(`${view.view} has no table "${flags.section}" (its tables: ${sections.join(', ')})`);
    if (!flags.section && sections.length > 1) throw new UsageError(`${view.view} has ${sections.length} tables; CSV holds one: choose it with --section ${sections.join('|')}`);
  }
  const text =
    flags.format === 'json'
      ? render.renderStatsJson(view)
      : flags.format === 'csv'
        ? render.renderStatsCsv(view, flags.section, { excel: flags.excel, raw: flags.raw })
        : render.renderStatsMarkdown(view);
  const toStdout = !flags.out || flags.out === '-';
  const files = toStdout ? others : [{ path: resolve(io.cwd, flags.out!), content: text }, ...others];
  const byFolder = new Map<string, { name: string; content: string }[]>();
  for (const f of files) {
    const list = byFolder.get(dirname(f.path)) ?? [];
    list.push({ name: basename(f.path), content: f.content });
    byFolder.set(dirname(f.path), list);
  }
  for (const [dir, list] of byFolder) {
    const failed = await writeOrReport(io, dir, list, flags, `${list.map((f) => f.name).join(', ')} not written`);
    if (failed !== undefined) return failed;
  }
  if (toStdout) io.stdout.write(text);
  return undefined;
}
