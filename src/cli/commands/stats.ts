import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { StatView } from '../../stats/types.js';
import { addProjectOptions, collect, parseWhere, repeat, UsageError, type ProjectFlags } from '../options.js';
import type { Io } from '../output.js';

interface Flags extends ProjectFlags {
  format: 'markdown' | 'csv' | 'json';
  out?: string;
  svg?: string;
  where?: string[];
  theme?: string[];
  coder?: string[];
  count?: boolean;
  within: 'passage' | 'case';
  by?: string;
  section?: string;
  excel?: boolean;
  raw?: boolean;
}

const VIEWS = ['codes', 'presence', 'coverage', 'cooccur', 'compare'] as const;
type View = (typeof VIEWS)[number];
const PICTURED: View[] = ['presence', 'coverage', 'compare'];

export function statsCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('stats')
    .summary('numbers from the coding: codes, presence, coverage, co-occurrence, group comparison')
    .description(
      'Counts what the charts show, for mapping and interpretation. Views: codes (use of every code), presence ' +
        '(cases × sub-themes), coverage (the charting audit), cooccur (sub-themes coded together), compare --by ATTR ' +
        '(sub-themes by group of cases).',
    )
    .usage('[options] [project] <view>')
    .argument('<view...>', 'the view (codes, presence, coverage, cooccur, compare), after the project folder if one is given (default .)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'csv', 'json']).default('markdown'))
    .option('-o, --out <file>', 'write the table to FILE instead of stdout')
    .option('--svg <file>', 'presence, coverage, compare: also draw the heatmap as a standalone SVG file')
    .option('-w, --where <attr=value>', 'only cases whose attribute has this value (repeatable; the same attribute twice means either)', repeat)
    .option('-t, --theme <id>', 'only this theme (repeatable, or a comma list)', collect)
    .option('--coder <name>', "only this coder's passages (repeatable)", repeat)
    .option('--count', 'presence: passages per cell instead of 0/1')
    .addOption(new Option('--within <unit>', 'cooccur: count overlapping passages, or cases with both').choices(['passage', 'case']).default('passage'))
    .option('--by <attr>', 'compare: the case attribute whose groups are compared')
    .option('--section <name>', 'csv: which table of a view with several (coverage: cells, cases, transcripts; cooccur: matrix, pairs)')
    .option('--excel', 'CSV for Excel: a byte-order mark and CRLF line ends')
    .option('--raw', 'do not neutralise CSV cells that a spreadsheet would run as formulas')
    .addHelpText(
      'after',
      `
Examples:
  dtors stats codes                              every code: passages, cases, words, share of respondent talk
  dtors stats examples/dtors presence --count    passages per case and sub-theme
  dtors stats coverage --svg coverage.svg        the charting audit, and a picture of the cell states
  dtors stats cooccur --within case -f csv > cooccur.csv
  dtors stats compare --by route --where role="treatment seeker" --svg route.svg

Exit status: 0 done, 1 the project has errors, 2 usage problems (an unknown attribute among them).
Percentages and Fisher's p describe the cases at hand: see docs/stats.md.`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (args: string[], flags: Flags) => done(await runStats(io, args, flags)));
}

async function runStats(io: Io, args: string[], flags: Flags): Promise<number> {
  if (args.length > 2) throw new UsageError(`too many arguments: give the project folder and one view (${VIEWS.join(', ')})`);
  const view = args[args.length - 1] as View;
  const target = args.length === 2 ? args[0] : '.';
  if (!VIEWS.includes(view)) throw new UsageError(`unknown view "${view}" (choose ${VIEWS.join(', ')})`);
  if (view === 'compare' && !flags.by) throw new UsageError('compare needs --by ATTRIBUTE (the case attribute whose groups are compared)');
  if (flags.by && view !== 'compare') throw new UsageError('--by is for the compare view');
  if (flags.count && view !== 'presence') throw new UsageError('--count is for the presence view');
  if (flags.svg && !PICTURED.includes(view)) throw new UsageError(`--svg draws presence, coverage and compare, not ${view}`);
  const where = parseWhere(flags.where);

  const [{ analyseOrStop, report }, { checkOptions }, { makeScope }, { emitView }] = await Promise.all([
    import('../common.js'),
    import('../../chart/chart.js'),
    import('../../stats/scope.js'),
    import('../views.js'),
  ]);
  const a = analyseOrStop(io, target, flags, 'no statistics');
  if (typeof a === 'number') return a;
  const project = a.project;
  const themes = flags.theme ? [...new Set(flags.theme)] : undefined;
  const problems = checkOptions(project, { sort: [], attributes: flags.by ? [flags.by] : [], quotes: 'none', interviewer: true, themes, where: [...where], coders: flags.coder });
  if (problems.length) {
    report(io, [...a.diagnostics, ...problems], flags);
    return 2;
  }
  const code = report(io, a.diagnostics, flags);
  const scope = makeScope(project, a.segments, { where: [...where], themes, coders: flags.coder });
  const result = await compute(scope, view, flags);
  const others: { path: string; content: string }[] = [];
  if (flags.svg) {
    const { renderHeatmap } = await import('../../render/svg.js');
    others.push({ path: resolve(io.cwd, flags.svg), content: renderHeatmap(result.heatmap!) });
  }
  return (await emitView(io, result, flags, others)) ?? code;
}

async function compute(scope: import('../../stats/scope.js').Scope, view: View, flags: Flags): Promise<StatView> {
  switch (view) {
    case 'codes':
      return (await import('../../stats/codes.js')).codesView(scope);
    case 'presence':
      return (await import('../../stats/presence.js')).presenceView(scope, Boolean(flags.count));
    case 'coverage':
      return (await import('../../stats/coverage.js')).coverageView(scope);
    case 'cooccur':
      return (await import('../../stats/cooccur.js')).cooccurView(scope, flags.within);
    case 'compare':
      return (await import('../../stats/compare.js')).compareView(scope, flags.by!);
  }
}
