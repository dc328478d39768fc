import { Command, Option } from 'commander';
import type { StatView } from '../../stats/types.js';
import type { SuggestedRow } from '../../suggest/suggest.js';
import { addProjectOptions, parseWhere, repeat, UsageError, type ProjectFlags } from '../options.js';
import type { Io } from '../output.js';

interface Flags extends ProjectFlags {
  format?: 'csv' | 'markdown' | 'json';
  out?: string;
  where?: string[];
  source: 'both' | 'keywords' | 'model';
  top: string;
  minScore: string;
  evaluate?: boolean;
  folds: string;
  excel?: boolean;
  raw?: boolean;
}

export function suggestCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('suggest')
    .summary('propose codes for uncoded respondent talk, from the keywords and from your own coding')
    .description(
      'Looks at every respondent turn (or the part of it no passage is coded to) and proposes codes from two ' +
        'sources, each labelled with its score and the words that drove it: the frame\'s keywords, and a model ' +
        'learnt from the passages already coded (TF-IDF and nearest centroid). The output is annotation rows ' +
        '(coder "suggest") to review, keep or delete. --evaluate cross-validates both sources on the coding you ' +
        'have, code by code, so you know how far to trust them. Everything runs on this machine, and the same ' +
        'project gives the same suggestions.',
    )
    .argument('[project]', 'project folder or its dtors.yaml', '.')
    .addOption(new Option('-f, --format <format>', 'csv: annotation rows to review (the default); markdown or json to read (markdown is the default with --evaluate)').choices(['csv', 'markdown', 'json']))
    .option('-o, --out <file>', 'write to FILE instead of stdout (e.g. annotations/suggested.csv)')
    .option('-w, --where <attr=value>', 'only cases whose attribute has this value (repeatable, as for chart)', repeat)
    .addOption(new Option('--source <source>', 'which suggestions').choices(['both', 'keywords', 'model']).default('both'))
    .option('--top <n>', 'at most this many model suggestions per passage', '2')
    .option('--min-score <x>', 'the least similarity (0 to 1) for a model suggestion', '0.2')
    .option('--evaluate', 'cross-validate the suggestions against the existing coding instead: precision and recall per code')
    .option('--folds <k>', 'with --evaluate: the number of folds (cases are kept together)', '5')
    .option('--excel', 'CSV for Excel: a byte-order mark and CRLF line ends')
    .option('--raw', 'do not neutralise CSV cells that a spreadsheet would run as formulas')
    .addHelpText(
      'after',
      `
Examples:
  dtors suggest --evaluate                          how well each source would have coded what you coded
  dtors suggest --out annotations/suggested.csv     suggestions as coding to review (coder "suggest")
  dtors suggest -f markdown --where route=other      read them first, with an excerpt of each passage

Each row's note says where it came from, e.g. [model 0.41: titration, dose, script] [keywords: methadone].
Delete the rows you disagree with; the rest is coding like any other.
Exit status: 0 done, 1 the project has errors, 2 usage problems.`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (project: string, flags: Flags) => done(await runSuggest(io, project, flags)));
}

async function runSuggest(io: Io, target: string, flags: Flags): Promise<number> {
  flags.color &&= !io.env.NO_COLOR;
  const top = Number(flags.top);
  const minScore = Number(flags.minScore);
  const folds = Number(flags.folds);
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a whole number of at least 1, not "${flags.top}"`);
  if (!(minScore >= 0 && minScore <= 1)) throw new UsageError(`--min-score must be a number from 0 to 1, not "${flags.minScore}"`);
  if (!Number.isInteger(folds) || folds < 2) throw new UsageError(`--folds must be a whole number of at least 2, not "${flags.folds}"`);
  const where = parseWhere(flags.where);
  const [common, { checkOptions, selectCases }, { loadIndex }, core, { emitText, emitView }] = await Promise.all([
    import('../common.js'),
    import('../../chart/chart.js'),
    import('../searchIndex.js'),
    import('../../suggest/suggest.js'),
    import('../views.js'),
  ]);
  const a = common.analyseOrStop(io, target, flags, 'nothing suggested');
  if (typeof a === 'number') return a;
  const project = a.project;
  const problems = checkOptions(project, { sort: [], attributes: [], quotes: 'none', interviewer: true, where: [...where] });
  if (problems.length) {
    common.report(io, problems, flags);
    return 2;
  }
  const code = common.report(io, a.diagnostics, flags);
  const loaded = await loadIndex(io, project, flags);
  const index = loaded.whole();
  loaded.close();
  const filters = [...where].map(([k, vs]) => `${k} = ${vs.join(' or ')}`);

  if (flags.evaluate) {
    const kept = selectCases(project.cases, { sort: [], where: [...where] });
    const e = core.evaluate(project, a.segments, index, { folds, top, minScore, cases: new Set(kept.map((c) => c.id)) });
    const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10);
    const label = (c: string) => project.frame.nodes.get(c)?.label ?? '';
    const view: StatView = {
      view: 'evaluate',
      title: 'How far to trust dtors suggest',
      filters,
      tables: [
        {
          name: 'codes',
          title: `Cross-validation: ${e.folds} folds by case, ${e.units.toLocaleString('en')} respondent turns`,
          columns: ['code', 'label', 'turns coded', 'keywords precision %', 'keywords recall %', 'model precision %', 'model recall %', 'model F1'],
          rows: [...e.codes, e.overall].map((c) => [c.code, c === e.overall ? '' : label(c.code), c.support, pct(c.keywords?.precision), pct(c.keywords?.recall), pct(c.model.precision), pct(c.model.recall), c.model.f1]),
          notes: [
            'Precision: of the turns a source suggested the code for, the share the analysts had coded to it. Recall: of the turns coded to it, the share the source suggested it for.',
            `The model was trained, fold by fold, only on the other folds' cases; --top ${top} --min-score ${minScore}. Codes are compared as chart columns. A blank: the source never suggested the code, or the frame gives it no keywords.`,
          ],
        },
      ],
    };
    return (await emitView(io, view, { ...flags, format: flags.format ?? 'markdown' }, [])) ?? code;
  }

  if (!a.segments.length && flags.source !== 'keywords' && !flags.quiet) io.stderr.write('dtors: nothing is coded yet, so only the keywords can suggest\n');
  const cases = selectCases(project.cases, { sort: project.chart.sort ?? [], where: [...where] });
  const rows = core.suggest(project, a.segments, index, {
    transcripts: cases.flatMap((c) => c.transcripts),
    top,
    minScore,
    sources: { keywords: flags.source !== 'model', model: flags.source !== 'keywords' },
  });
  if (!flags.quiet) io.stderr.write(`dtors: ${rows.length} suggestion${rows.length === 1 ? '' : 's'} for ${new Set(rows.map((r) => `${r.transcript}:${r.startLine}`)).size} uncoded passages\n`);
  let output: string;
  if (flags.format === 'json') {
    output = JSON.stringify({ schemaVersion: 1, filters, suggestions: rows }, null, 2) + '\n';
  } else if (flags.format === 'markdown') {
    const render = await import('../../render/stats.js');
    output = render.renderStatsMarkdown({
      view: 'suggest',
      title: 'Suggested codes',
      filters,
      tables: [
        {
          name: 'suggestions',
          title: `${rows.length} suggestion${rows.length === 1 ? '' : 's'}`,
          columns: ['ref', 'code', 'label', 'why', 'passage'],
          rows: rows.map((r) => [ref(r), r.code, project.frame.nodes.get(r.code)?.label ?? '', note(r), r.excerpt]),
        },
      ],
    });
  } else {
    const { reviewCsv } = await import('../../render/annotations.js');
    output = reviewCsv(rows.map((r) => [r.transcript, r.code, r.startLine === r.endLine ? `${r.startLine}` : `${r.startLine}-${r.endLine}`, '', note(r), 'suggest']), flags.excel);
  }
  return (await emitText(io, output, flags.out, flags)) ?? code;
}

function ref(r: SuggestedRow): string {
  return `${r.transcript}:${r.startLine === r.endLine ? r.startLine : `${r.startLine}-${r.endLine}`}`;
}

/** Where a suggestion came from: `[model 0.41: titration, dose] [keywords: methadone]`. */
function note(r: SuggestedRow): string {
  return [r.model && `[model ${r.model.score.toFixed(2)}: ${r.model.words.join(', ')}]`, r.keywords && `[keywords: ${r.keywords.words.join(', ')}]`].filter(Boolean).join(' ');
}
