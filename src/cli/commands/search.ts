import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Project, Segment } from '../../model/types.js';
import type { Query } from '../../search/query.js';
import type { KeptIndex } from '../searchIndex.js';
import { addProjectOptions, parseWhere, repeat, UsageError, type ProjectFlags } from '../options.js';
import type { Io } from '../output.js';

interface Flags extends ProjectFlags {
  format: 'markdown' | 'csv' | 'json';
  out?: string;
  where?: string[];
  respondentOnly?: boolean;
  coded?: string[];
  uncoded?: boolean;
  width: string;
  asAnnotations?: string;
  excel?: boolean;
  raw?: boolean;
}

export function searchCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('search')
    .summary('keyword in context over the transcripts: stems, phrases, AND/OR/NOT, NEAR/n')
    .description(
      'Finds words in the transcripts and shows each with the words around it and its reference (P07:112), as the ' +
        'charts do. Words are found by their stem (waiting finds waited), a truncation finds the words it starts ' +
        '(motivat finds motivation), and word* finds every word beginning so. A query is answered within each ' +
        'speaker turn (or each coded passage, with --coded): "methadone AND dose" means both in one turn.',
    )
    .usage('[options] [project] <query>')
    .argument('<words...>', 'the query (quote it in the shell), after the project folder if one is given (default .)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['markdown', 'csv', 'json']).default('markdown'))
    .option('-o, --out <file>', 'write the results to FILE instead of stdout')
    .option('-w, --where <attr=value>', 'only cases whose attribute has this value (repeatable, as for chart)', repeat)
    .option('--respondent-only', 'leave out interviewer turns (and lines before the first turn)')
    .option('--coded <code>', 'only within passages coded to this code or the codes below it (repeatable)', repeat)
    .option('--uncoded', 'only in text no passage is coded to')
    .option('--width <chars>', 'characters of context on each side', '40')
    .option('--as-annotations <code>', 'write each matching turn or passage as an annotation row coded CODE (coder "search"), for review')
    .option('--excel', 'CSV for Excel: a byte-order mark and CRLF line ends')
    .option('--raw', 'do not neutralise CSV cells that a spreadsheet would run as formulas')
    .addHelpText(
      'after',
      `
Query language (operators in capitals; two words side by side mean AND):
  methadone                  methadone, methadone's (by stem); motivat finds motivated, motivation
  wait*                      every word starting with wait
  "cut off"                  the words in this order
  script AND (dose OR wait*) both, in one turn
  chemist NOT pharmacist     the first without the second in the turn
  wait* NEAR/5 weeks         at most 5 words apart

Examples:
  dtors search methadone
  dtors search examples/dtors '"on top" NEAR/10 crack' --respondent-only
  dtors search 'wait* AND assessment' --where route="criminal justice" -f csv > waits.csv
  dtors search keyworker --uncoded --as-annotations 1.2 --out annotations/search-keyworker.csv

The word index is kept in .dtors/ in the project (rebuilt for transcripts that change): the first search
of a large study takes a few seconds, the next ones well under one.
Exit status: 0 done (also when nothing is found), 1 the project has errors, 2 usage problems.`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (words: string[], flags: Flags) => done(await runSearch(io, words, flags)));
}

async function runSearch(io: Io, words: string[], flags: Flags): Promise<number> {
  // The kept index is read piece by piece from an open file, closed however the search ends.
  const open: { close?: () => void } = {};
  try {
    return await searchWith(io, words, flags, open);
  } finally {
    open.close?.();
  }
}

async function searchWith(io: Io, words: string[], flags: Flags, open: { close?: () => void }): Promise<number> {
  flags.color &&= !io.env.NO_COLOR;
  // The project folder comes first when the first word names one; the rest is the query, so an
  // unquoted query (dtors search methadone AND dose) works too.
  const first = resolve(io.cwd, words[0]);
  const isProject = words.length > 1 && (existsSync(join(first, 'dtors.yaml')) || (/\.ya?ml$/i.test(words[0]) && existsSync(first)));
  const target = isProject ? words[0] : '.';
  const text = (isProject ? words.slice(1) : words).join(' ');
  const width = Number(flags.width);
  if (!Number.isInteger(width) || width < 0 || width > 1000) throw new UsageError(`--width must be a whole number of characters from 0 to 1000, not "${flags.width}"`);
  if (flags.coded && flags.uncoded) throw new UsageError('--coded and --uncoded exclude each other');
  const where = parseWhere(flags.where);

  // The anchoring (common.js) is loaded only for --coded and --uncoded: a plain search does without it.
  const [{ parseQuery, QueryError, showQuery }, { loadProject, resolveProjectFile }, { report }, { checkOptions, selectCases }] = await Promise.all([
    import('../../search/query.js'),
    import('../../project/load.js'),
    import('../report.js'),
    import('../../chart/chart.js'),
  ]);
  let query: Query;
  try {
    query = parseQuery(text);
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    throw new UsageError(`the query does not parse: ${e.message}\n  ${text}\n  ${' '.repeat(e.at)}^`);
  }

  // The coding is read only when the search needs it: without it, a search of a large study is quick.
  const needsCoding = Boolean(flags.coded || flags.uncoded);
  let project: Project;
  let segments: Segment[] = [];
  let diagnostics;
  const { knownTranscripts, loadIndex, openKeptIndex } = await import('../searchIndex.js');
  let kept: KeptIndex | undefined;
  if (needsCoding) {
    const { analyseOrStop } = await import('../common.js');
    const a = analyseOrStop(io, target, flags, 'nothing searched');
    if (typeof a === 'number') return a;
    project = a.project;
    segments = a.segments;
    diagnostics = a.diagnostics;
  } else {
    // The kept index vouches for the transcripts it was made from: those unchanged are read only if
    // the search quotes from them.
    const file = resolveProjectFile(resolve(io.cwd, target)).file;
    kept = file ? openKeptIndex(dirname(file)) : undefined;
    open.close = kept?.close;
    const known = knownTranscripts(kept, flags.encoding);
    const loaded = loadProject(resolve(io.cwd, target), { encoding: flags.encoding, delimiter: flags.delimiter, display: target, coding: false, known, frame: Boolean(flags.asAnnotations) });
    if (!loaded.project || loaded.diagnostics.some((d) => d.severity === 'error')) {
      const failed = report(io, loaded.diagnostics, flags);
      if (loaded.project) io.stderr.write('dtors: nothing searched; fix the errors above\n');
      return failed;
    }
    project = loaded.project;
    diagnostics = loaded.diagnostics;
  }
  const problems = checkOptions(project, { sort: [], attributes: [], quotes: 'none', interviewer: true, where: [...where] });
  for (const c of [...(flags.coded ?? []), ...(flags.asAnnotations ? [flags.asAnnotations] : [])]) {
    if (!project.frame.nodes.has(c)) {
      const { unknownCode } = await import('../../project/hints.js');
      problems.push(unknownCode(c, project.frame));
    }
  }
  if (problems.length) {
    report(io, problems, flags);
    return 2;
  }
  const code = report(io, diagnostics, flags);

  const loaded = await loadIndex(io, project, flags, kept);
  // The kept index, or the one rebuilt in its place (loadIndex closed the kept one then).
  open.close = loaded.close;
  const index = loaded.file;
  const cases = selectCases(project.cases, { sort: project.chart.sort ?? [], where: [...where] });
  const { search } = await import('../../search/search.js');
  const result = search(project, index, query, {
    transcripts: cases.flatMap((c) => c.transcripts),
    respondentOnly: flags.respondentOnly,
    coded: flags.coded ? new Set(flags.coded) : undefined,
    uncoded: flags.uncoded,
    segments,
    width,
  });
  const understood = showQuery(query);
  if (!flags.quiet) {
    io.stderr.write(
      `dtors: ${result.hits.length} hit${result.hits.length === 1 ? '' : 's'} in ${result.units} ${flags.coded ? 'passage' : 'turn'}${result.units === 1 ? '' : 's'} of ${result.transcripts} transcript${result.transcripts === 1 ? '' : 's'} for ${understood}\n`,
    );
  }

  let output: string;
  if (flags.asAnnotations) {
    const { reviewCsv } = await import('../../render/annotations.js');
    output = reviewCsv(annotationRows(result.hits, flags.asAnnotations, understood), flags.excel);
  } else if (flags.format === 'json') {
    output =
      JSON.stringify(
        {
          schemaVersion: 1,
          query: text,
          understood,
          filters: describeFilters(where, flags),
          counts: { hits: result.hits.length, units: result.units, transcripts: result.transcripts },
          hits: result.hits.map(({ unit: _unit, ...h }) => h),
        },
        null,
        2,
      ) + '\n';
  } else {
    const render = await import('../../render/stats.js');
    const view = {
      view: 'search' as const,
      title: `Search: ${understood}`,
      filters: describeFilters(where, flags),
      tables: [
        {
          name: 'hits',
          title: `${result.hits.length} hit${result.hits.length === 1 ? '' : 's'}`,
          columns: ['ref', 'case', 'speaker', 'left', 'match', 'right'],
          rows: result.hits.map((h) => [`${h.transcript}:${h.line === h.endLine ? h.line : `${h.line}-${h.endLine}`}`, h.case ?? '', h.speaker ?? '', h.left, h.match, h.right]),
        },
      ],
    };
    output = flags.format === 'csv' ? render.renderStatsCsv(view, 'hits', { excel: flags.excel, raw: flags.raw }) : render.renderStatsMarkdown(view);
  }
  const { emitText } = await import('../views.js');
  return (await emitText(io, output, flags.out, flags)) ?? code;
}

function describeFilters(where: Map<string, string[]>, flags: Flags): string[] {
  return [
    ...[...where].map(([k, vs]) => `${k} = ${vs.join(' or ')}`),
    ...(flags.respondentOnly ? ['respondent turns only'] : []),
    ...(flags.coded ? [`coded ${flags.coded.join(' or ')}`] : []),
    ...(flags.uncoded ? ['uncoded text'] : []),
  ];
}

/**
 * The hits as coding to review: one row per turn (or passage) with a hit, its lines, coded CODE by
 * coder "search", the query in the note.
 */
function annotationRows(hits: import('../../search/search.js').Hit[], code: string, understood: string): string[][] {
  const seen = new Set<number>();
  const rows: string[][] = [];
  for (const h of hits) {
    if (seen.has(h.unit.index)) continue;
    seen.add(h.unit.index);
    const lines = h.unit.startLine === h.unit.endLine ? `${h.unit.startLine}` : `${h.unit.startLine}-${h.unit.endLine}`;
    rows.push([h.transcript, code, lines, '', `search: ${understood}`, 'search']);
  }
  return rows;
}
