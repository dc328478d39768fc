import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { ChartOptions } from '../../chart/chart.js';
import type { QuoteMode } from '../../model/types.js';
import type { Format, Layout, OutputFile, RenderOptions } from '../../render/outputs.js';
import { addProjectOptions, collect, parseWhere, repeat, UsageError, type ProjectFlags } from '../options.js';
import { progress, readBytesIfExists, readIfExists, shownPath, type Io } from '../output.js';

interface Flags extends ProjectFlags {
  format?: string[];
  layout: Layout;
  out?: string;
  check?: boolean;
  theme?: string[];
  where?: string[];
  sort?: string[];
  attributes?: string[];
  quotes?: QuoteMode;
  interviewer?: boolean;
  coder?: string[];
  excel?: boolean;
  raw?: boolean;
  lock?: boolean;
  autoSummary?: boolean;
  template?: boolean;
}

const FORMATS: Format[] = ['markdown', 'csv', 'json', 'xlsx'];

export function chartCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('chart')
    .summary('write Framework matrices: one chart per theme, a row per case, a column per sub-theme')
    .description(
      "Charts the coded passages of a project as Framework matrices. Each cell holds the analyst's summaries with " +
        'references back to transcript lines (P07:112-118, * marks a key quote), researcher notes as [Note: …], and ' +
        'the cell states [not summarised], [not discussed] and [not asked].',
    )
    .argument('[project]', 'project folder or its dtors.yaml', '.')
    .addOption(new Option('-f, --format <formats>', 'markdown, csv, json or xlsx (one workbook, with --out); with --out a comma list (default: markdown on stdout, csv,markdown with --out)').argParser(collect))
    .addOption(new Option('--layout <layout>', 'wide: a matrix per theme; long: one row per entry').choices(['wide', 'long']).default('wide'))
    .option('-o, --out <dir>', 'write every theme in the chosen formats, plus manifest.json, into DIR')
    .option('--check', 'with --out: write nothing; exit 1 listing each file that is stale or missing')
    .option('-t, --theme <id>', 'chart only this theme (repeatable)', collect)
    .option('-w, --where <attr=value>', 'chart only cases whose attribute has this value (repeatable; the same attribute twice means either)', repeat)
    .option('-s, --sort <attrs>', 'order rows by these case attributes (comma list), then case id', collect)
    .option('-a, --attributes <attrs>', 'attribute columns after the case (comma list; default: the sort attributes; "none" for none)', collect)
    .addOption(new Option('--quotes <mode>', 'none: plain references; marked: * on key quotes; full: verbatim quotes as well').choices(['none', 'marked', 'full']))
    .option('--interviewer', 'keep interviewer lines in verbatim quotes (the default)')
    .option('--no-interviewer', 'drop interviewer lines from verbatim quotes')
    .option('--coder <name>', "chart only this coder's annotations (repeatable)", repeat)
    .option('--excel', 'CSV for Excel: a byte-order mark and CRLF line ends')
    .option('--raw', 'do not neutralise CSV cells that a spreadsheet would run as formulas')
    .option('--lock', 'after charting, write dtors.lock.json (as validate --lock does)')
    .option('--auto-summary', "fill passages not yet summarised with the participant's own most telling sentences, marked [auto]")
    .option('--template', 'a charting sheet: each cell a slot for your summary (with the summary so far), then its passages; bring it back with dtors summaries import')
    .addHelpText(
      'after',
      `
Examples:
  dtors chart                                   all themes as Markdown tables on stdout
  dtors chart examples/dtors --theme 1 -f csv   theme 1 as CSV on stdout
  dtors chart --sort role,route --where route="criminal justice"
  dtors chart --quotes full --no-interviewer    verbatim quotes, respondent words only
  dtors chart --layout long -f csv > long.csv   one row per entry, for R, pandas or pivot tables
  dtors chart --out charts                      charts/1-….csv, charts/1-….md …, charts/manifest.json
  dtors chart --out charts --check              in CI: fail when committed charts are out of date
  dtors chart --out charts --lock               charts, then the lock that keeps the coding on its words
  dtors chart --auto-summary --theme 1          unsummarised passages shown by their own words, marked [auto]
  dtors chart --out charts -f xlsx              charts/charts.xlsx: a sheet per theme, and an Index
  dtors chart --template --out sheets -f xlsx   a workbook to write summaries in; then:
  dtors summaries import sheets/charts.xlsx     the summaries written there, into summaries.csv`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (project: string, flags: Flags) => done(await runChart(io, project, flags)));
}

async function runChart(io: Io, target: string, flags: Flags): Promise<number> {
  const formats = [...new Set(flags.format ?? [])].map((f) => {
    if (!FORMATS.includes(f as Format)) throw new UsageError(`unknown format "${f}" (choose markdown, csv, json or xlsx)`);
    return f as Format;
  });
  if (formats.includes('xlsx') && !flags.out) throw new UsageError('a workbook is written to a folder: add --out DIR (it writes DIR/charts.xlsx)');
  if (flags.layout === 'long' && formats.includes('xlsx')) throw new UsageError('the workbook holds wide charts: use --layout long with csv or json');
  if (flags.layout === 'long' && flags.template) throw new UsageError('--template makes wide charts with a slot per cell: not with --layout long');
  if (flags.check && !flags.out) throw new UsageError('--check needs --out DIR (the folder of charts to check)');
  if (flags.check && flags.lock) throw new UsageError('--check writes nothing, so it cannot --lock');
  if (!flags.out && formats.length > 1) throw new UsageError('one format at a time on stdout; write several with --out DIR');
  const where = parseWhere(flags.where);

  // Loaded here, not at the top, so that `dtors --version` and `--help` start fast.
  const [{ analyseOrStop, outputDirProblem, report, writeLock, writeOrReport }, { buildMatrices, checkOptions }, { buildManifest, MANIFEST, manifestChanges, manifestOutputs }, { renderFiles, renderStdout }, { warning }] =
    await Promise.all([import('../common.js'), import('../../chart/chart.js'), import('../../render/manifest.js'), import('../../render/outputs.js'), import('../../model/diagnostics.js')]);
  const a = analyseOrStop(io, target, flags, 'no charts written', undefined, { lock: flags.lock ? 'full' : 'drift' });
  if (typeof a === 'number') return a;
  const status = progress(io, flags.quiet);
  const project = a.project;
  const d = project.chart;
  // An attribute named twice is one column (and one sort key), not two of the same name.
  const sort = [...new Set(flags.sort ?? d.sort ?? [])];
  const attributes = [...new Set(flags.attributes ?? d.attributes ?? sort)];
  const options: ChartOptions = {
    sort,
    attributes: attributes.length === 1 && attributes[0] === 'none' ? [] : attributes,
    quotes: flags.quotes ?? d.quotes ?? 'marked',
    interviewer: flags.interviewer ?? d.interviewer ?? true,
    themes: flags.theme,
    where: [...where],
    coders: flags.coder ?? d.coders,
    // Language processing is loaded only for the charts that use it.
    autoSummary: flags.autoSummary ? await import('../../chart/autoSummary.js') : undefined,
  };
  // Values from dtors.yaml were checked, with their place in the file, when it was loaded.
  const optionProblems = checkOptions(project, { ...options, sort: flags.sort ?? [], attributes: flags.attributes ? options.attributes : [], coders: flags.coder });
  if (optionProblems.length) {
    report(io, [...a.diagnostics, ...optionProblems], flags);
    return 2;
  }
  const code = report(io, a.diagnostics, flags);
  const render: RenderOptions = {
    formats: formats.length ? formats : flags.out ? ['csv', 'markdown'] : ['markdown'],
    layout: flags.layout,
    quotes: options.quotes,
    excel: flags.excel,
    raw: flags.raw,
    template: flags.template,
  };
  // The output folder is checked before any charting, so a mistake there costs nothing.
  const outDir = flags.out ? resolve(io.cwd, flags.out) : undefined;
  const badOut = outDir && outputDirProblem(io, project, outDir, 'charts');
  if (badOut) {
    report(io, [badOut], flags);
    return 2;
  }
  const themeCount = options.themes ? new Set(options.themes).size : project.frame.themes.length;
  if (!flags.out && render.formats[0] === 'csv' && render.layout === 'wide' && themeCount !== 1) {
    throw new UsageError('CSV on stdout holds one theme: add --theme ID, use --layout long, or write every theme with --out DIR');
  }
  // Verbatim words appear in full-quote cells, the long layout's quote column and JSON entries only.
  options.verbatim = options.quotes !== 'none' && (options.quotes === 'full' || render.layout === 'long' || render.formats.includes('json'));
  status.step('charting');
  const matrices = buildMatrices(project, a.segments, options);
  if (options.where.length && matrices.length && matrices[0].rows.length === 0) {
    status.done();
    const values = options.where.map(([k]) => `${k}: ${[...new Set(project.cases.map((c) => c.attributes[k]).filter(Boolean))].sort().join(', ')}`);
    report(io, [warning('no-cases', 'no case matches the --where filters; the charts have no rows', undefined, `the values there are (repeat --where for either of two): ${values.join('; ')}`)], flags);
  }

  if (!flags.out) {
    const format = render.formats[0];
    const text = renderStdout(project, matrices, format, render);
    status.done();
    io.stdout.write(text);
    if (flags.lock) {
      const w = await writeLock(io, a, flags);
      if (typeof w === 'number') return w;
    }
    return code;
  }

  status.step('rendering');
  const files = renderFiles(project, matrices, render);
  status.done();
  // Options whose order changes nothing are recorded sorted, so `-f markdown,csv` and `-f csv,markdown`
  // give the same manifest.
  const sorted = (xs: string[] | undefined) => (xs ? [...new Set(xs)].sort() : null);
  const manifestOptions = {
    formats: sorted(render.formats),
    layout: render.layout,
    quotes: options.quotes,
    interviewer: options.interviewer,
    sort: options.sort,
    attributes: options.attributes,
    themes: sorted(options.themes),
    where: Object.fromEntries(options.where.map(([k, v]) => [k, sorted(v)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    coders: sorted(options.coders),
    excel: Boolean(flags.excel),
    raw: Boolean(flags.raw),
    // Recorded only when used, so manifests of charts made without them stay as they were.
    ...(flags.autoSummary ? { autoSummary: true } : {}),
    ...(flags.template ? { template: true } : {}),
  };
  if (render.formats.includes('xlsx')) {
    status.step('writing the workbook');
    const { workbookFile } = await import('../../render/xlsx.js');
    const w = await workbookFile(project, matrices, render, manifestOptions);
    files.push(w.file);
    files.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    status.done();
    if (w.diagnostics.length) report(io, w.diagnostics, flags);
  }
  // Sheets meant to come back carry a record of each cell (summaries/cells.ts).
  const cells = render.template || render.formats.includes('xlsx') ? (await import('../../summaries/records.js')).cellRecords(matrices, render) : undefined;
  const manifest = buildManifest(project.inputs, manifestOptions, files, cells);
  const all = [...files, manifest];
  const dir = outDir!; // --out was given: stdout output returned above
  const oldManifest = readIfExists(join(dir, MANIFEST));
  const previous = manifestOutputs(oldManifest);
  const obsolete = previous.filter((p) => !all.some((f) => f.name === p) && !p.includes('..') && !p.startsWith('/'));

  if (flags.check) return checkCharts(io, dir, all, obsolete, manifestChanges(oldManifest, manifest.content as string), flags.quiet) || code;
  const failed = await writeOrReport(io, dir, all, flags, `nothing in ${shownPath(io, dir)} was changed`, obsolete);
  if (failed !== undefined) return failed;
  if (!flags.quiet) io.stderr.write(`dtors: wrote ${all.length} files to ${shownPath(io, dir)}\n`);
  if (flags.lock) {
    const w = await writeLock(io, a, flags);
    if (typeof w === 'number') return w;
  }
  return code;
}

/**
 * `--check`: compares the charts that would be written with those in the folder, lists what is stale,
 * missing or obsolete and why, and returns 1 when anything is (0 when all are up to date).
 */
function checkCharts(
  io: Io,
  outDir: string,
  all: OutputFile[],
  obsolete: string[],
  why: { inputs: string[]; options: boolean } | undefined,
  quiet?: boolean,
): number {
  const problems: string[] = [];
  for (const f of all) {
    const now = readBytesIfExists(join(outDir, f.name));
    if (now === undefined) problems.push(`${shownPath(io, join(outDir, f.name))}: missing`);
    else if (!now.equals(Buffer.from(f.content))) problems.push(`${shownPath(io, join(outDir, f.name))}: stale`);
  }
  for (const p of obsolete) {
    if (readIfExists(join(outDir, p)) !== undefined) problems.push(`${shownPath(io, join(outDir, p))}: obsolete (no longer produced)`);
  }
  for (const p of problems) io.stderr.write(`${p}\n`);
  // Say why: which inputs changed since the charts were made, or that the options differ.
  if (problems.length && why) {
    if (why.inputs.length) io.stderr.write(`  changed since the charts were made: ${why.inputs.join(', ')}\n`);
    if (why.options) io.stderr.write('  the options differ from those the charts were made with (see manifest.json)\n');
    if (problems.length === 1 && problems[0].endsWith(`${all[all.length - 1].name}: stale`)) {
      io.stderr.write('  the charts themselves are unchanged; only the record of their inputs differs\n');
    }
  }
  if (problems.length) {
    const n = problems.length;
    io.stderr.write(`dtors: ${n} ${n === 1 ? 'file' : 'files'} in ${shownPath(io, outDir)} ${n === 1 ? 'is' : 'are'} out of date; run the same command without --check to update them\n`);
    return 1;
  }
  if (!quiet) io.stderr.write(`dtors: ${all.length} files in ${shownPath(io, outDir)} are up to date\n`);
  return 0;
}
