import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { addProjectOptions, type ProjectFlags } from '../options.js';
import { progress, readIfExists, shownPath, type Io } from '../output.js';

interface Flags extends ProjectFlags {
  out: string;
}

/** The web page itself, the same for every report: copied beside the data. */
const PAGE = ['index.html', 'app.js', 'app.css'];

export function reportCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('report')
    .summary('write the charts and transcripts as a web page that opens from a folder, with no server')
    .description(
      'Writes a self-contained site: an overview (counts, the frame, coverage pictures), a chart per theme with ' +
        'filters on case attributes, and the transcripts. A reference in a cell opens the transcript at that ' +
        'passage, highlighted, with the codes of every passage beside the text; Back returns to the cell. The ' +
        'address names the view (theme, filters, transcript, lines), so links can be shared. Nothing is fetched ' +
        'from the network, and no text of the study can run as code in the page.',
    )
    .argument('[project]', 'project folder or its dtors.yaml', '.')
    .requiredOption('-o, --out <dir>', 'write the site into DIR (open DIR/index.html in a browser)')
    .addHelpText(
      'after',
      `
Examples:
  dtors report --out report                 then open report/index.html
  dtors report examples/dtors --out /tmp/r  the bundled example

The same project gives the same files. Transcripts are loaded when they are opened, so a study of a
thousand interviews opens at once. Exit status: 0 written, 1 the project has errors (nothing written),
2 usage or an unwritable folder.`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (project: string, flags: Flags) => done(await runReport(io, project, flags)));
}

async function runReport(io: Io, target: string, flags: Flags): Promise<number> {
  flags.color &&= !io.env.NO_COLOR;
  const [{ analyseOrStop, outputDirProblem, report, writeOrReport }, { makeScope }, { presenceView }, { COVERAGE_TITLE, coverageHeatmap }, { renderHeatmap }, { buildSite }, manifest] = await Promise.all([
    import('../common.js'),
    import('../../stats/scope.js'),
    import('../../stats/presence.js'),
    import('../../stats/coverage.js'),
    import('../../render/svg.js'),
    import('../../report/site.js'),
    import('../../render/manifest.js'),
  ]);
  const a = analyseOrStop(io, target, flags, 'no report written');
  if (typeof a === 'number') return a;
  const project = a.project;
  const outDir = resolve(io.cwd, flags.out);
  const bad = outputDirProblem(io, project, outDir, 'report');
  if (bad) {
    report(io, [bad], flags);
    return 2;
  }
  const code = report(io, a.diagnostics, flags);
  const status = progress(io, flags.quiet);
  status.step('charting');
  // The charts of `dtors stats`, which are the charts with the options of dtors.yaml (key-quote marks
  // are data of each entry, whatever the quotes option): charted once, for the pages and the pictures.
  const scope = makeScope(project, a.segments, { where: [], coders: project.chart.coders });
  const matrices = scope.matrices;
  status.step('counting');
  // The pictures of `dtors stats presence` and `dtors stats coverage`, as their --svg draws them.
  // Only the pictures are needed here, not the views' tables (coverage's walks every transcript line).
  const presence = presenceView(scope, false);
  const pictures = [
    { file: 'presence.svg', title: 'Which cases speak to which sub-themes', view: presence.title, heatmap: presence.heatmap! },
    { file: 'coverage.svg', title: 'How far each cell is charted', view: COVERAGE_TITLE, heatmap: coverageHeatmap(scope) },
  ].map((p) => ({ file: p.file, title: p.title, alt: `${p.view}: a heatmap of ${matrices[0]?.rows.length ?? 0} cases; dtors stats ${p.file.replace('.svg', '')} gives the same as a table`, svg: renderHeatmap(p.heatmap) }));
  status.step('writing the report');
  const site = buildSite({ project, segments: a.segments, matrices, pictures });
  const page = PAGE.map((name) => ({ name, content: readFileSync(new URL(`../../report/browser/${name}`, import.meta.url), 'utf8') }));
  const files = [...page, ...site];
  const made = manifest.buildManifest(project.inputs, { report: true }, files);
  // Files a previous report made that this one does not (a transcript gone) are removed.
  const obsolete = manifest.manifestOutputs(readIfExists(join(outDir, manifest.MANIFEST))).filter((p) => !files.some((f) => f.name === p) && !p.includes('..') && !p.startsWith('/'));
  const failed = await writeOrReport(io, outDir, [...files, made], flags, `nothing in ${shownPath(io, outDir)} was changed`, obsolete);
  status.done();
  if (failed !== undefined) return failed;
  if (!flags.quiet) io.stderr.write(`dtors: wrote the report to ${shownPath(io, outDir)} (${files.length + 1} files); open ${shownPath(io, join(outDir, 'index.html'))} in a browser\n`);
  return code;
}
