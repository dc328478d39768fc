import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { INTERRUPT_EXIT, Interrupted, holdingInterrupts } from '../interrupt.js';
import { makeFolder, shownPath, type Io } from '../output.js';
import { UsageError } from '../options.js';

const EXAMPLES = new URL('../../../examples/', import.meta.url);
const SCHEMAS = new URL('../../../schemas/', import.meta.url);

/**
 * The bundled YAML files point editors at the schemas by a path relative to the package; a copy
 * elsewhere must point at the installed schemas instead.
 */
function pointAtSchemas(dir: string): void {
  for (const name of ['dtors.yaml', 'frame.yaml']) {
    const p = join(dir, name);
    if (!existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    writeFileSync(p, text.replace('$schema=../../schemas/', `$schema=${fileURLToPath(SCHEMAS).replace(/\\/g, '/')}`));
  }
}

export function initCommand(io: Io, done: (code: number) => void): Command {
  return new Command('init')
    .summary('start a project: a small commented starter, or the bundled DTORS example')
    .description('Creates a project in DIR, which must be new or empty: a small commented starter to replace with your own study, or with --example the bundled synthetic DTORS study.')
    .argument('[dir]', 'folder to create the project in', '.')
    .option('--example', 'copy the bundled synthetic DTORS example instead of the starter')
    .addHelpText(
      'after',
      `
Examples:
  dtors init my-study              a starter to edit: dtors.yaml, frame.yaml, two transcripts, coding
  dtors init demo --example        the bundled example (16 interviews, two coders), ready to chart`,
    )
    .action(async (dir: string, flags: { example?: boolean }) => {
      const target = resolve(io.cwd, dir);
      let entries: string[] | undefined;
      try {
        if (existsSync(target) && !statSync(target).isDirectory()) throw new UsageError(`${shownPath(io, target)} is a file; name a new or empty folder`);
        entries = existsSync(target) ? readdirSync(target) : undefined;
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError(`cannot read ${shownPath(io, target)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (entries && entries.length > 0) throw new UsageError(`${shownPath(io, target)} is not empty; choose a new or empty folder`);
      const source = new URL(flags.example ? 'dtors/' : 'starter/', EXAMPLES);
      // Copied to a hidden sibling first and renamed into place, so a failure or Ctrl-C leaves no half project.
      const staging = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
      try {
        await holdingInterrupts(async (checkpoint) => {
          makeFolder(dirname(target));
          cpSync(source, staging, { recursive: true, errorOnExist: true, force: false });
          pointAtSchemas(staging);
          await checkpoint();
          // An empty folder named by the user makes way for the copy (Windows cannot rename over one).
          if (entries) rmdirSync(target);
          renameSync(staging, target);
        });
      } catch (e) {
        rmSync(staging, { recursive: true, force: true });
        if (e instanceof Interrupted) return done(INTERRUPT_EXIT[e.reason]);
        const err = e as NodeJS.ErrnoException;
        const [{ report }, { error }] = await Promise.all([import('../common.js'), import('../../model/diagnostics.js')]);
        return done(report(io, [error('output-not-writable', `cannot create the project: ${err.code ?? err.message}`, { path: target })], { color: true }));
      }
      const where = shownPath(io, target);
      io.stderr.write(
        `dtors: created ${flags.example ? 'the DTORS example' : 'a starter project'} in ${where}\n` +
          `next: dtors validate ${where} && dtors chart ${where}\n`,
      );
      done(0);
    });
}
