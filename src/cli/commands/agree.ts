import { relative, resolve, sep } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Level, Ratings } from '../../agree/alpha.js';
import type { Unit } from '../../agree/coded.js';
import type { StatView } from '../../stats/types.js';
import { addProjectOptions, UsageError, type ProjectFlags } from '../options.js';
import { shownPath, type Io } from '../output.js';

interface Flags extends ProjectFlags {
  unit: Unit;
  a?: string;
  b?: string;
  disagreements?: boolean;
  ratings?: string;
  ratingsOut?: string;
  level: Level;
  format: 'markdown' | 'csv' | 'json';
  out?: string;
  section?: string;
  samples: number;
  seed: number;
  excel?: boolean;
  raw?: boolean;
}

export function agreeCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('agree')
    .summary("inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha, text overlap")
    .description(
      'Compares coders on the transcripts they both coded (the "coder" column, or two files with --a and --b), per code and ' +
        "overall; or, with --ratings, any reliability data (units × coders). Formulas and what the numbers mean: docs/agreement.md.",
    )
    .argument('[project]', 'project folder or its dtors.yaml', '.')
    .addOption(new Option('--unit <unit>', 'what is judged coded or not: each respondent line, character, turn, or the case').choices(['line', 'char', 'turn', 'case']).default('line'))
    .option('--a <file>', 'compare this annotation file (as one coder) …')
    .option('--b <file>', '… with this one')
    .option('--disagreements', 'also list the passages where coders differ, with references')
    .option('--ratings <file>', 'reliability data instead of a project: a CSV with a "unit" column and a column per coder (blank = missing)')
    .option('--ratings-out <file>', "write the project's coding as such a CSV (one row per unit and code)")
    .addOption(new Option('--level <level>', "with --ratings: alpha's metric").choices(['nominal', 'ordinal', 'interval', 'ratio']).default('nominal'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'csv', 'json']).default('markdown'))
    .option('-o, --out <file>', 'write the tables to FILE instead of stdout')
    .option('--section <name>', 'csv: which table (codes, disagreements; with --ratings: alpha, kappa)')
    .addOption(new Option('--samples <n>', 'bootstrap samples for the alpha interval').argParser(positive).default(1000))
    .addOption(new Option('--seed <n>', 'seed of the bootstrap (the same seed gives the same interval)').argParser(positive).default(1))
    .option('--excel', 'CSV for Excel: a byte-order mark and CRLF line ends')
    .option('--raw', 'do not neutralise CSV cells that a spreadsheet would run as formulas')
    .addHelpText(
      'after',
      `
Examples:
  dtors agree                                   every code, coders from the "coder" column, unit: respondent line
  dtors agree --unit case --disagreements       does each case carry the code? and where the coders differ
  dtors agree --a coding/amira.csv --b coding/tom.yaml
  dtors agree --ratings-out ratings.csv         the same data for another program
  dtors agree --ratings ratings.csv --level ordinal

Exit status: 0 done, 1 the project has errors or there is nothing to compare, 2 usage problems.`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (project: string, flags: Flags) => done(await runAgree(io, project, flags)));
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more.');
  return n;
}

async function runAgree(io: Io, target: string, flags: Flags): Promise<number> {
  if (Boolean(flags.a) !== Boolean(flags.b)) throw new UsageError('--a and --b go together: the two annotation files to compare');
  if (flags.ratings && (flags.a || flags.ratingsOut)) throw new UsageError('--ratings reads reliability data on its own; it does not combine with --a, --b or --ratings-out');
  const [{ analyseOrStop, report }, { error }, { emitView }, agreeReport] = await Promise.all([
    import('../common.js'),
    import('../../model/diagnostics.js'),
    import('../views.js'),
    import('../../agree/report.js'),
  ]);
  const boot = { samples: flags.samples, seed: flags.seed };
  let view: StatView;
  const files: { path: string; content: string }[] = [];
  if (flags.ratings) {
    const path = resolve(io.cwd, flags.ratings);
    const read = await readRatings(path, flags);
    if ('diagnostics' in read) {
      const code = report(io, read.diagnostics, flags);
      // A path on the command line that leads nowhere is a usage problem, as a missing project is.
      return read.diagnostics.some((d) => d.code === 'missing-file' || d.code === 'not-a-file') ? 2 : code;
    }
    view = agreeReport.ratingsView(read.coders, read.ratings, flags.level, boot);
  } else {
    const a = analyseOrStop(io, target, flags, 'no agreement computed');
    if (typeof a === 'number') return a;
    report(io, a.diagnostics, flags);
    const project = a.project;
    let coderOf = (x: { coder?: string }) => x.coder;
    if (flags.a && flags.b) {
      const named = new Map([resolve(io.cwd, flags.a), resolve(io.cwd, flags.b)].map((p) => [p, relative(project.root, p).split(sep).join('/')]));
      const missing = [...named.keys()].filter((p) => !project.annotations.some((x) => x.file === p));
      if (missing.length) {
        return report(io, [error('unknown-annotation-file', `${shownPath(io, missing[0])} is not one of the project's annotation files`, { path: missing[0] }, 'name files that dtors.yaml "annotations" reads')], flags) || 1;
      }
      coderOf = (x) => named.get((x as { file: string }).file);
    }
    const { codedAgreement } = await import('../../agree/coded.js');
    const result = codedAgreement(project, a.segments, { unit: flags.unit, coderOf: (x) => coderOf(x) });
    if ('problem' in result) {
      io.stderr.write(`dtors: ${result.problem}\n`);
      return 1;
    }
    view = agreeReport.codedView(result, boot, Boolean(flags.disagreements));
    if (flags.ratingsOut) {
      const rows = [['unit', ...result.coders], ...result.ratings().map((r) => [r.unit, ...r.values.map((v) => (v === null ? '' : String(v)))])];
      const { csvTable } = await import('../../render/csv.js');
      files.push({ path: resolve(io.cwd, flags.ratingsOut), content: csvTable(rows, { excel: flags.excel, raw: flags.raw }) });
    }
  }
  return (await emitView(io, view, flags, files)) ?? 0;
}

/** A ratings CSV: `unit`, then a column per coder; blank cells missing; numbers read as numbers. */
async function readRatings(path: string, flags: Flags): Promise<{ coders: string[]; ratings: Ratings } | { diagnostics: import('../../model/types.js').Diagnostic[] }> {
  const [{ readTextFile }, { parseCsv }, { error }] = await Promise.all([import('../../project/files.js'), import('../../project/csvFile.js'), import('../../model/diagnostics.js')]);
  const r = readTextFile(path, { what: 'ratings file', encoding: flags.encoding, kind: 'csv' });
  if (!r.file) return { diagnostics: r.diagnostics };
  const t = parseCsv(r.file.text, path, flags.delimiter);
  if (t.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: t.diagnostics };
  if (t.header[0]?.toLowerCase() !== 'unit' || t.header.length < 3) {
    return { diagnostics: [error('ratings-header', 'a ratings file starts with a "unit" column, then one column per coder (at least two)', t.headerAt(t.header[0] ?? 'unit'), 'e.g. unit,amira,tom')] };
  }
  const coders = t.header.slice(1);
  const value = (v: string | undefined) => {
    if (v === undefined || v.trim() === '') return null;
    const s = v.trim();
    return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) ? Number(s) : s;
  };
  return { coders, ratings: t.rows.map((row) => coders.map((c) => value(row.values[c]))) };
}
