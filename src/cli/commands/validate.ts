import { Command, Option } from 'commander';
import { addProjectOptions, type ProjectFlags } from '../options.js';
import type { LockWritten } from '../common.js';
import { progress, type Io } from '../output.js';

interface Flags extends ProjectFlags {
  strict?: boolean;
  lock?: boolean;
  format: 'text' | 'json';
}

export function validateCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('validate')
    .summary('check a project: every file, every coded passage, every reference')
    .description(
      'Loads the project, checks every file against its schema, and locates every coded passage in its ' +
        'transcript. Problems are reported as path:line:col: error CODE: message (see docs/errors.md).',
    )
    .argument('[project]', 'project folder or its dtors.yaml', '.')
    .option('--strict', 'treat warnings as errors (drifted coding among them)')
    .option('--lock', 'write dtors.lock.json: the text every located passage is anchored to, for drift checks and reanchor')
    .addOption(new Option('-f, --format <format>', 'text on stderr, or json on stdout').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Exit status: 0 when there are no errors, 1 when there are (or warnings with --strict), 2 for usage problems.

Examples:
  dtors validate                     the project in this folder
  dtors validate examples/dtors --strict
  dtors validate --format json | jq '.diagnostics[] | select(.severity == "error")'
  dtors validate --lock              check, then record the text of every passage in dtors.lock.json

With a dtors.lock.json in the project, every passage whose transcript has changed since it was locked is
checked: one whose lines no longer hold its text is an anchor-drift warning naming where the text is now
(dtors reanchor moves it there).`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (project: string, flags: Flags) => done(await runValidate(io, project, flags)));
}

async function runValidate(io: Io, target: string, flags: Flags): Promise<number> {
  const [{ analyse, blocked, diagnosticJson, exitCode, lockMessage, report, writeLock }, { sortDiagnostics }] = await Promise.all([
    import('../common.js'),
    import('../../model/diagnostics.js'),
  ]);
  const status = progress(io, flags.quiet);
  const a = analyse(io, target, flags, status);
  status.done();
  const diagnostics = flags.strict ? a.diagnostics.map((d) => ({ ...d, severity: 'error' as const })) : a.diagnostics;
  const code = exitCode(diagnostics);
  let lock: LockWritten | undefined;
  // A project whose files do not all load keeps its lock as it is (see blocked()).
  const refused = Boolean(flags.lock && a.project && blocked(a));
  if (flags.lock && a.project && !refused) {
    // Written before the report, so that an unwritable lock is the one problem shown.
    const w = await writeLock(io, a, { ...flags, quiet: true });
    if (typeof w === 'number') return w;
    lock = w;
  }
  if (flags.format === 'json') {
    const shown = sortDiagnostics(diagnostics).filter((d) => !(flags.quiet && d.severity === 'warning'));
    const p = a.project;
    const doc = {
      ok: code === 0,
      summary: {
        errors: diagnostics.filter((d) => d.severity === 'error').length,
        warnings: diagnostics.filter((d) => d.severity === 'warning').length,
        transcripts: p ? p.transcripts.size : 0,
        cases: p ? p.cases.length : 0,
        annotations: p ? p.annotations.length : 0,
        anchored: a.segments.length,
        drifted: a.drift?.drifts.length ?? 0,
      },
      lock: lock ?? (refused ? { written: false, refused: true } : null),
      diagnostics: shown.map((d) => diagnosticJson(io, d)),
    };
    io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return code;
  }
  report(io, diagnostics, flags);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (a.project && !flags.quiet) {
    const p = a.project;
    io.stderr.write(
      `${errors ? 'dtors: found problems' : 'dtors: ok'}: ${p.transcripts.size} transcripts, ${p.cases.length} cases, ` +
        `${p.annotations.length} annotations (${a.segments.length} located); ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`,
    );
    if (lock) io.stderr.write(lockMessage(lock));
    if (refused) io.stderr.write('dtors: dtors.lock.json not written: fix the errors above first\n');
  }
  return code;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
