import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { addProjectOptions, UsageError, type ProjectFlags } from '../options.js';
import { shownPath, type Io } from '../output.js';

interface Flags extends ProjectFlags {
  to: string;
  format?: 'qdpx' | 'qdc';
}

export function exportCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('export')
    .summary('write the project as a REFI-QDA project (.qdpx) or codebook (.qdc)')
    .description(
      'Writes the frame, transcripts, coded passages, cases and summaries in the REFI-QDA exchange format, ' +
        'which NVivo, ATLAS.ti, MAXQDA and QualCoder import. A .qdc holds the frame alone. The same project ' +
        'gives the same bytes (GUIDs are derived from ids), so an export can be committed and compared.',
    )
    .argument('[project]', 'project folder or its dtors.yaml', '.')
    .requiredOption('--to <file>', 'FILE.qdpx (project) or FILE.qdc (codebook); - writes to stdout (with --format)')
    .addOption(new Option('-f, --format <kind>', 'qdpx or qdc (default: from the file name)').choices(['qdpx', 'qdc']))
    .addHelpText(
      'after',
      `
Examples:
  dtors export --to study.qdpx           the whole project, for NVivo, ATLAS.ti, MAXQDA, QualCoder
  dtors export --to frame.qdc            the frame as a codebook
  dtors export study -f qdc --to - | less

How each field is carried (passage summaries as selection descriptions, cell summaries as notes coded
at their code and linked to their case, key-quote marks not at all): docs/refi.md.

Exit status: 0 written, 1 the project has errors (nothing written), 2 usage problems.`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (project: string, flags: Flags) => done(await runExport(io, project, flags)));
}

async function runExport(io: Io, target: string, flags: Flags): Promise<number> {
  flags.color &&= !io.env.NO_COLOR;
  const kind = flags.format ?? (/\.qdc$/i.test(flags.to) ? 'qdc' : /\.qdpx$/i.test(flags.to) ? 'qdpx' : undefined);
  if (!kind) throw new UsageError(`cannot tell the format from "${flags.to}": name a .qdpx or .qdc file, or give --format`);
  const out = flags.to === '-' ? undefined : resolve(io.cwd, flags.to);
  if (out && existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`${shownPath(io, out)} is a folder; name the file to write`);
  const [{ analyseOrStop, writeOrReport }, { exportCodebook, exportProject }, { writeZip }, { VERSION }] = await Promise.all([
    import('../common.js'),
    import('../../refi/fromProject.js'),
    import('../../refi/zip.js'),
    import('../../version.js'),
  ]);
  const a = analyseOrStop(io, target, flags, 'nothing exported');
  if (typeof a === 'number') return a;
  const { report } = await import('../common.js');
  report(io, a.diagnostics, flags);
  const origin = `dtors ${VERSION}`;
  const exported = kind === 'qdc' ? exportCodebook(a.project, origin) : exportProject(a.project, a.segments, origin);
  const bytes: Uint8Array =
    kind === 'qdc'
      ? Buffer.from(exported.xml, 'utf8')
      : writeZip([{ name: 'project.qde', data: Buffer.from(exported.xml, 'utf8') }, ...exported.sources.map((s) => ({ name: s.name, data: Buffer.from(s.data, 'utf8') }))]);
  if (!out) {
    io.stdout.write(bytes);
  } else {
    // Rewriting an export that has not changed leaves the file (and its date) alone.
    const same = existsSync(out) && Buffer.compare(readFileSync(out), Buffer.from(bytes)) === 0;
    if (!same) {
      const failed = await writeOrReport(io, dirname(out), [{ name: basename(out), content: bytes }], flags, `${shownPath(io, out)} was left as it was`);
      if (failed !== undefined) return failed;
    }
  }
  if (!flags.quiet) {
    const p = a.project;
    const what =
      kind === 'qdc'
        ? `${p.frame.order.length} codes`
        : `${p.transcripts.size} transcripts, ${p.frame.order.length} codes, ${a.segments.length} coded passages, ${p.cases.length} cases, ${p.summaries.length} cell summaries`;
    io.stderr.write(`dtors: ${out ? `wrote ${shownPath(io, out)}` : 'wrote'}: ${what}\n`);
    for (const n of exported.notes) io.stderr.write(`  not carried: ${n}\n`);
  }
  return 0;
}
