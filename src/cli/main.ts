import { VERSION } from '../version.js';
import type { Io } from './output.js';

/**
 * Runs dtors with `argv` (without node and script) against `io`, and returns the exit code:
 * 0 done, 1 the inputs have errors (or --check found stale charts), 2 usage or environment.
 * The same function serves the binary and in-process tests.
 */
export async function main(argv: string[], io?: Io): Promise<number> {
  // The version is asked for by scripts and shells at start-up: answer before loading anything else.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    (io?.stdout ?? process.stdout).write(`${VERSION}\n`);
    return 0;
  }
  const [
    { Command, CommanderError },
    { agreeCommand },
    { chartCommand },
    { exportCommand },
    { importCommand },
    { initCommand },
    { reanchorCommand },
    { searchCommand },
    { statsCommand },
    { suggestCommand },
    { summariesCommand },
    { reportCommand },
    { validateCommand },
    { processIo },
    { UsageError },
  ] = await Promise.all([
    import('commander'),
    import('./commands/agree.js'),
    import('./commands/chart.js'),
    import('./commands/export.js'),
    import('./commands/import.js'),
    import('./commands/init.js'),
    import('./commands/reanchor.js'),
    import('./commands/search.js'),
    import('./commands/stats.js'),
    import('./commands/suggest.js'),
    import('./commands/summaries.js'),
    import('./commands/report.js'),
    import('./commands/validate.js'),
    import('./output.js'),
    import('./options.js'),
  ]);
  io ??= processIo();
  if (io.stdout === process.stdout) (await import('./interrupt.js')).guardStreams();
  let code = 0;
  const done = (c: number) => {
    code = c;
  };
  const program = new Command('dtors')
    .description('Framework analysis for qualitative research: charts from transcripts, a thematic frame and coded passages.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpCommand('help [command]', 'help for a command')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  dtors init study --example       copy the bundled DTORS example into ./study
  dtors validate study             check every file and coded passage
  dtors chart study                print the charts as Markdown tables
  dtors chart study --out charts   write CSV and Markdown per theme, and a manifest
  dtors validate study --lock      record the words every passage is anchored to
  dtors reanchor study --dry-run   after transcript edits: where the coding has to move
  dtors stats study coverage       the charting audit: what is coded, summarised, left uncoded
  dtors agree study                how far two coders agree, code by code
  dtors search study 'wait* NEAR/5 weeks'   keyword in context, with references
  dtors suggest study --evaluate   how far code suggestions can be trusted here; then dtors suggest
  dtors import nvivo.qdpx --to s   a project from NVivo, ATLAS.ti, MAXQDA or QualCoder (REFI-QDA)
  dtors export study --to s.qdpx   the project for those programs
  dtors chart study --template --out sheets -f xlsx   a workbook to write cell summaries in
  dtors summaries import sheets/charts.xlsx study     those summaries, into summaries.csv
  dtors report study --out report  a web page of the charts and transcripts (open report/index.html)

Docs: README.md and docs/ (formats, commands, every diagnostic code in docs/errors.md).`,
    );
  const writeOut = (s: string) => io.stdout.write(s);
  const writeErr = (s: string) => io.stderr.write(s);
  for (const cmd of [initCommand(io, done), validateCommand(io, done), chartCommand(io, done), statsCommand(io, done), agreeCommand(io, done), reanchorCommand(io, done), searchCommand(io, done), suggestCommand(io, done), importCommand(io, done), exportCommand(io, done), summariesCommand(io, done), reportCommand(io, done)]) program.addCommand(cmd);
  const configure = (c: InstanceType<typeof Command>) => {
    // Usage errors read like every other message of dtors: `dtors: error: …`.
    c.exitOverride().configureOutput({ writeOut, writeErr, outputError: (s, write) => write(`dtors: ${s}`) });
    c.commands.forEach(configure);
  };
  configure(program);
  if (argv.length === 0) {
    io.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`dtors: error: ${e.message}\n`);
      return 2;
    }
    // Loaded only now: every command would pay for it at start-up otherwise.
    const { InputChanged } = await import('../project/files.js');
    if (e instanceof InputChanged) {
      io.stderr.write(`dtors: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  return code;
}
