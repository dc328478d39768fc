import { existsSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Unit } from '../../refi/offsets.js';
import { UsageError } from '../options.js';
import { readStdin, shownPath, type Io } from '../output.js';

interface Flags {
  to: string;
  offsets?: Unit;
  format: 'text' | 'json';
  quiet?: boolean;
  color: boolean;
}

export function importCommand(io: Io, done: (code: number) => void): Command {
  return new Command('import')
    .summary('make a dtors project from a REFI-QDA project (.qdpx) or codebook (.qdc)')
    .description(
      'Reads a project exported by NVivo, ATLAS.ti, MAXQDA, QualCoder or any other program that writes the ' +
        'REFI-QDA standard, and writes a dtors project into a new folder: the codebook as frame.yaml, text ' +
        'sources as transcripts, every coded selection as an annotation row with its lines and quote, cases ' +
        'and their variables as cases.csv. A codebook alone gives a project with a frame and no transcripts. ' +
        'What the standard can hold and dtors cannot (pictures, audio, links, sets …) is listed on stderr ' +
        'and in import-report.txt.',
    )
    .argument('<file>', 'the .qdpx or .qdc file (- reads stdin)')
    .requiredOption('--to <dir>', 'the folder to create the project in (new or empty)')
    .addOption(new Option('--offsets <unit>', 'what selection positions count (default: detected from the selections)').choices(['codepoints', 'utf16']))
    .addOption(new Option('-f, --format <format>', 'the import summary as text (stderr) or json (stdout)').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'print nothing but errors')
    .option('--no-color', 'no colour in messages (also: NO_COLOR=1)')
    .addHelpText(
      'after',
      `
Examples:
  dtors import study.qdpx --to study          a project from NVivo / ATLAS.ti / MAXQDA / QualCoder
  dtors chart study                           then chart it
  dtors import codebook.qdc --to frame-only   just the codebook, as frame.yaml
  dtors import nvivo.qdpx --to s --offsets utf16   when the detected unit is wrong

Offsets: the standard counts Unicode code points; NVivo counts UTF-16 units (an emoji is 2) with CRLF
as 2. dtors reads them the way that puts the selections on word boundaries, and says which it chose.

Exit status: 0 imported, 1 the file is damaged or unsafe (nothing written), 2 usage problems.`,
    )
    .action(async (file: string, flags: Flags) => done(await runImport(io, file, flags)));
}

async function runImport(io: Io, file: string, flags: Flags): Promise<number> {
  const color = flags.color && !io.env.NO_COLOR;
  const target = resolve(io.cwd, flags.to);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new UsageError(`${shownPath(io, target)} is a file; name a new or empty folder with --to`);
    if (readdirSync(target).length) throw new UsageError(`${shownPath(io, target)} is not empty; name a new or empty folder with --to`);
  }
  const [{ openRefi }, { refiToProject }, { analyse, report, writeOrReport }, { hasErrors }, { progress }] = await Promise.all([
    import('../../refi/archive.js'),
    import('../../refi/toProject.js'),
    import('../common.js'),
    import('../../model/diagnostics.js'),
    import('../output.js'),
  ]);
  const shown = file === '-' ? '<stdin>' : shownPath(io, resolve(io.cwd, file));
  const source = file === '-' ? await readStdin((await import('../../refi/zip.js')).ZIP_LIMITS.qdeBytes) : resolve(io.cwd, file);
  const opened = await openRefi(source, shown);
  if (!opened.project || hasErrors(opened.diagnostics)) return report(io, opened.diagnostics, { color, quiet: flags.quiet });
  const result = refiToProject(opened.project, opened.texts, opened.noteTexts, { offsets: flags.offsets, from: shown, xmlFile: opened.xmlFile });
  const failed = await writeOrReport(io, target, result.files, { color, quiet: flags.quiet }, `nothing was imported into ${shownPath(io, target)}`);
  if (failed !== undefined) return failed;
  report(io, [...opened.diagnostics, ...result.diagnostics], { color, quiet: flags.quiet });
  const where = shownPath(io, target);
  if (opened.project.kind === 'codebook') {
    if (flags.format === 'json') io.stdout.write(JSON.stringify({ schemaVersion: 1, to: where, ...result.report }, null, 2) + '\n');
    else if (!flags.quiet) {
      io.stderr.write(result.files.find((f) => f.name === 'import-report.txt')!.content);
      io.stderr.write(`dtors: wrote the frame to ${where}/frame.yaml; add transcripts to ${where}/transcripts/ and coding to ${where}/annotations/, then run dtors validate ${where}\n`);
    }
    return 0;
  }
  // The imported project is checked as any other: what the importer made must chart.
  const checked = analyse(io, target, { color }, progress(io, true));
  const errors = checked.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = checked.diagnostics.length - errors;
  if (flags.format === 'json') {
    io.stdout.write(
      JSON.stringify(
        {
          schemaVersion: 1,
          to: where,
          ...result.report,
          reading: result.report.reading && { ...result.report.reading, scores: result.report.reading.scores.map((s) => ({ ...s.reading, fit: s.fit, inside: s.inside })) },
          validate: { errors, warnings },
        },
        null,
        2,
      ) + '\n',
    );
  } else if (!flags.quiet) {
    io.stderr.write(result.files.find((f) => f.name === 'import-report.txt')!.content);
    io.stderr.write(`dtors: wrote the project to ${where}; dtors validate ${where} finds ${errors} error${errors === 1 ? '' : 's'} and ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  if (errors) report(io, checked.diagnostics.filter((d) => d.severity === 'error'), { color });
  return errors ? 1 : 0;
}


