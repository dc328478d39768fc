import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Diagnostic } from '../../model/types.js';
import type { ImportPlan } from '../../summaries/import.js';
import type { ReadBack } from '../../summaries/read.js';
import { error } from '../../model/diagnostics.js';
import { addProjectOptions, UsageError, type ProjectFlags } from '../options.js';
import { readIfExists, readStdin, shownPath, type Io } from '../output.js';

interface Flags extends ProjectFlags {
  dryRun?: boolean;
  force?: boolean;
  coder?: string;
  format: 'text' | 'json';
}

/** A workbook larger than this is not a chart of a study (L's, 1,000 cases, is a few MB). */
const MAX_WORKBOOK_BYTES = 200 * 1024 * 1024;

export function summariesCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('summaries').summary('bring cell summaries written in a spreadsheet back into the project');
  const imp = new Command('import')
    .summary('read the summaries written in a chart workbook or template into summaries.csv')
    .description(
      'Reads a workbook (dtors chart --format xlsx, with or without --template) or one CSV sheet of a chart or ' +
        'template, and writes the summaries the analyst wrote or changed there into the summaries file. Cells are ' +
        'matched by case and code (the case column and the column headers), never by position. Lines dtors ' +
        'wrote ([P07:112-118] passages, [Note: …], quotes, references after a summary) are never taken for ' +
        'summary text. A cell whose coding changed since the sheet was made is stale, and one whose summary was ' +
        'changed in the project meanwhile is a conflict: both are reported and left alone unless --force.',
    )
    .argument('<file>', 'the .xlsx workbook, or a .csv sheet (with its manifest.json beside it); - reads stdin')
    .argument('[project]', 'project folder or its dtors.yaml', '.')
    .option('-n, --dry-run', 'print what would change, and write nothing')
    .option('--force', 'import stale, conflicting and unrecorded cells too')
    .option('--coder <name>', 'record NAME as the coder of the summaries changed or added')
    .addOption(new Option('-f, --format <format>', 'how to list the changes on stdout').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  dtors chart --template --out sheets -f xlsx          a workbook to write summaries in
  dtors summaries import sheets/charts.xlsx --dry-run  what would change
  dtors summaries import sheets/charts.xlsx --coder amira
  dtors summaries import sheets/1-needs-from-drug-treatment.csv   one sheet saved as CSV

Exit status: 0 done (also when some cells were left alone, each with a warning), 1 the project or the
sheet has errors (nothing written), 2 usage problems.`,
    );
  addProjectOptions(imp);
  imp.action(async (file: string, project: string, flags: Flags) => done(await runImport(io, file, project, flags)));
  // `dtors summaries` alone is a usage mistake, said as such (and exit 2), not a page of help.
  return cmd.addCommand(imp).action(() => {
    throw new UsageError('name what to do: dtors summaries import FILE [PROJECT] (see dtors summaries import --help)');
  });
}

async function runImport(io: Io, file: string, target: string, flags: Flags): Promise<number> {
  flags.color &&= !io.env.NO_COLOR;
  const [{ analyseOrStop, report, writeOrReport }, { planImport }, read] = await Promise.all([import('../common.js'), import('../../summaries/import.js'), import('../../summaries/read.js')]);
  const a = analyseOrStop(io, target, flags, 'nothing imported');
  if (typeof a === 'number') return a;
  const project = a.project;

  const back = await readBack(io, file, flags, read);
  if (!('sheets' in back)) return report(io, [...a.diagnostics, ...back], flags) || 1;
  if (!back.sheets.length) {
    return report(io, [...a.diagnostics, error('sheet-no-charts', 'no sheet here is a chart: none has "case" in its first cell', { file: shown(io, file) }, 'import a workbook or CSV made by dtors chart (--template for one meant for summaries)')], flags) || 1;
  }
  const plan = planImport(project, a.segments, back, { force: flags.force });
  const code = report(io, [...a.diagnostics, ...plan.diagnostics], flags);
  if (code) return code;
  io.stdout.write(flags.format === 'json' ? jsonOf(io, plan) : textOf(plan));

  if (!flags.dryRun && plan.changes.length) {
    const target = project.summariesPath ?? join(project.root, 'summaries.csv');
    const { summariesText } = await import('../../summaries/import.js');
    // Read as the project was (a BOM, UTF-16, --encoding); written back as UTF-8.
    const { decode } = await import('../../project/decode.js');
    const before = project.summariesPath ? decode(readFileSync(target), flags.encoding) : undefined;
    const written = summariesText(before?.ok ? before.text : undefined, plan.changes, flags.coder, flags.delimiter);
    if ('problem' in written) {
      return report(io, [error('unwritable-summaries', `the summaries file cannot be edited safely: ${written.problem}; nothing was written`, { file: target, line: 1, col: 1 })], flags) || 1;
    }
    const files = [{ dir: dirname(target), name: basename(target), content: written.text }];
    if (!project.summariesPath) {
      // A project without a summaries file gets one, named in dtors.yaml (a line added at its end).
      const yaml = readFileSync(project.configPath, 'utf8');
      files.push({ dir: dirname(project.configPath), name: basename(project.configPath), content: `${yaml}${yaml.endsWith('\n') || yaml === '' ? '' : '\n'}summaries: summaries.csv\n` });
    }
    for (const dir of new Set(files.map((f) => f.dir))) {
      const failed = await writeOrReport(io, dir, files.filter((f) => f.dir === dir), flags, 'the summaries were left as they were');
      if (failed !== undefined) return failed;
    }
  }
  if (!flags.quiet) {
    const n = (k: string) => plan.changes.filter((c) => c.kind === k).length;
    const skipped = plan.skipped.length ? `; ${plan.skipped.length} left alone (see the warnings)` : '';
    const where = shownPath(io, project.summariesPath ?? join(project.root, 'summaries.csv'));
    io.stderr.write(
      `dtors: ${flags.dryRun ? 'would change' : plan.changes.length ? `changed ${where}:` : 'nothing to change:'} ${n('updated')} updated, ${n('added')} added, ${n('removed')} removed; ${plan.unchanged} cells as they were${skipped}\n`,
    );
  }
  return 0;
}

function shown(io: Io, file: string): string {
  return file === '-' ? '(stdin)' : resolve(io.cwd, file);
}

/** The sheets of the file, with their records (the workbook's own, or the manifest beside a CSV). */
async function readBack(io: Io, file: string, flags: Flags, read: typeof import('../../summaries/read.js')): Promise<ReadBack | Diagnostic[]> {
  const path = shown(io, file);
  let bytes: Uint8Array;
  if (file === '-') bytes = await readStdin(MAX_WORKBOOK_BYTES);
  else {
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) return [error('not-a-file', `${file} is not a file`, { path })];
      size = st.size;
    } catch {
      return [error('missing-file', `no such file: ${file}`, { path })];
    }
    if (size > MAX_WORKBOOK_BYTES) return [error('file-too-large', `${file} is larger than ${MAX_WORKBOOK_BYTES / 1024 / 1024} MB: not a chart of a study`, { file: path, line: 1, col: 1 })];
    bytes = readFileSync(path);
  }
  const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (zip) {
    const unsafe = await checkArchive(bytes, path);
    if (unsafe) return [unsafe];
    const r = await read.readWorkbookSheets(bytes, path);
    return 'sheets' in r ? r : [r];
  }
  if (/\.xlsx$/i.test(file)) return [error('sheet-unreadable', 'this is not a workbook (.xlsx files are zip archives)', { file: path, line: 1, col: 1 }, 'save it from the spreadsheet as an Excel workbook (.xlsx), or as CSV')];
  const { decode } = await import('../../project/decode.js');
  const d = decode(bytes, flags.encoding);
  if (!d.ok) return [error('invalid-encoding', `the sheet is not valid text: ${d.reason}`, { file: path, line: 1, col: 1 }, 'save it as CSV UTF-8, or pass --encoding windows-1252')];
  // A CSV sheet carries no records: they are in the manifest written beside it, with the options.
  const recorded = read.manifestRecords(file === '-' ? undefined : readIfExists(join(dirname(path), 'manifest.json')));
  const r = read.readCsvSheet(d.text, path, recorded.options?.raw === false);
  if (!r.sheet) return r.diagnostics;
  return { sheets: [r.sheet], ...recorded };
}

/**
 * A workbook is a zip: its entries are inflated once under the caps of an import (refi/zip.ts) before
 * the workbook library reads it, so that a zip bomb named .xlsx is refused rather than unpacked.
 */
async function checkArchive(bytes: Uint8Array, file: string): Promise<Diagnostic | undefined> {
  const { openZip, ZipProblem, ZIP_LIMITS } = await import('../../refi/zip.js');
  try {
    const zip = await openZip(bytes);
    try {
      for (const e of zip.entries) if (!e.directory) await zip.read(e.name, ZIP_LIMITS.qdeBytes);
    } finally {
      zip.close();
    }
    return undefined;
  } catch (e) {
    if (!(e instanceof ZipProblem)) throw e;
    const at = { file, line: 1, col: 1 };
    return e.kind === 'unsafe' ? error('sheet-unsafe', e.message, at, e.hint) : error('sheet-unreadable', e.message, at, e.hint);
  }
}

function textOf(plan: ImportPlan): string {
  const clip = (s: string) => (s.length > 70 ? `${s.slice(0, 67)}…` : s).replace(/\n/g, ' / ');
  return plan.changes
    .map((c) => (c.kind === 'added' ? `added    ${c.case} ${c.code}: ${clip(c.after)}` : c.kind === 'removed' ? `removed  ${c.case} ${c.code}: was ${clip(c.before!)}` : `updated  ${c.case} ${c.code}: ${clip(c.before!)} → ${clip(c.after)}`))
    .map((l) => `${l}\n`)
    .join('');
}

function jsonOf(io: Io, plan: ImportPlan): string {
  const place = (at: { file?: string; line?: number; col?: number }) => ({ file: at.file ? shownPath(io, at.file) : null, line: at.line ?? null, col: at.col ?? null });
  return (
    JSON.stringify(
      {
        changes: plan.changes.map((c) => ({ kind: c.kind, case: c.case, code: c.code, before: c.before ?? null, after: c.after, ...place(c.at) })),
        skipped: plan.skipped.map((s) => ({ why: s.why, case: s.case, code: s.code, ...place(s.at) })),
        unchanged: plan.unchanged,
      },
      null,
      2,
    ) + '\n'
  );
}
