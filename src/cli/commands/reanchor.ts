import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { Command, Option } from 'commander';
import type { Drift } from '../../anchor/drift.js';
import type { LockEntry } from '../../anchor/lock.js';
import type { Annotation, Diagnostic, Project, Segment } from '../../model/types.js';
import type { CellEdit } from '../../project/rewrite.js';
import type { Analysed } from '../common.js';
import { addProjectOptions, type ProjectFlags } from '../options.js';
import { progress, shownPath, type Io } from '../output.js';

interface Flags extends ProjectFlags {
  dryRun?: boolean;
  format: 'text' | 'json';
}

export function reanchorCommand(io: Io, done: (code: number) => void): Command {
  const cmd = new Command('reanchor')
    .summary('move coded passages back onto their words after transcripts were edited')
    .description(
      'Finds where the text of every drifted passage is now (see dtors validate --lock) and rewrites the lines ' +
        'and quote cells of its annotation row to point there, leaving every other cell, the row order, comments ' +
        'and the file style as they were. A passage that cannot be placed with confidence is reported and left alone.',
    )
    .argument('[project]', 'project folder or its dtors.yaml', '.')
    .option('-n, --dry-run', 'print the moves; change no file')
    .addOption(new Option('-f, --format <format>', 'the moves as text lines, or as json').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
Each move is printed on stdout as the row it changes and where it now points:
  annotations/amira.csv:12: P07 112-118 → 115-121 (exact)
  annotations/tom.yaml:40: P03 20-24 → 20-25 (fuzzy 96%), quote updated
  annotations/amira.csv:31: P07 240-244 not moved: its text is no longer in the transcript …

Exit status: 0 when every drifted passage was placed, 1 when one could not be (or the project has
other errors), 2 for usage problems.

Examples:
  dtors validate --lock          first, while the coding is right: record what each passage says
  dtors reanchor --dry-run       after editing transcripts: see what would move
  dtors reanchor                 move them, and update dtors.lock.json`,
    );
  addProjectOptions(cmd);
  return cmd.action(async (project: string, flags: Flags) => done(await runReanchor(io, project, flags)));
}

interface Move {
  drift: Drift;
  /** Where the row is. */
  at: string;
  status: 'moved' | 'edited-in-place' | 'not-moved';
  reason?: string;
}

async function runReanchor(io: Io, target: string, flags: Flags): Promise<number> {
  const [{ analyse, blocked, report, writeOrReport }, drift, lockMod, { anchorAll }, { rewriteAnnotations }, { decode }, { error }] = await Promise.all([
    import('../common.js'),
    import('../../anchor/drift.js'),
    import('../../anchor/lock.js'),
    import('../../anchor/anchor.js'),
    import('../../project/rewrite.js'),
    import('../../project/decode.js'),
    import('../../model/diagnostics.js'),
  ]);
  const status = progress(io, flags.quiet);
  const a: Analysed = analyse(io, target, flags, status);
  status.done();
  const project = a.project;
  // Problems other than misplaced coding must be mended first: a file that does not parse cannot be rewritten.
  if (!project || blocked(a)) {
    const code = report(io, a.diagnostics.filter((d) => d.code !== 'anchor-drift'), flags);
    if (project) io.stderr.write('dtors: nothing re-anchored; fix the errors above first\n');
    return code;
  }
  if (!a.lockFound && !flags.quiet) {
    io.stderr.write(`dtors: no ${lockMod.LOCK_FILE} here, so only quotes can guide the search (run dtors validate --lock while the coding is right)\n`);
  }
  const drifts = [...(a.drift?.drifts ?? []), ...unlockedQuotes(a, drift, lockMod)];
  const rowAt = (x: Annotation) => {
    const p = x.at();
    return `${shownPath(io, p.file)}:${p.line}`;
  };

  // The rows as they would be after the moves, anchored again: a move is kept only if its row then
  // resolves to exactly the place found (a corrected quote that now occurs twice would not).
  const lost = new Map<Drift, string>();
  let edited: Project = project;
  let segments: Segment[] = [];
  for (let round = 0; round < 3; round++) {
    const replaced = new Map<number, Annotation>();
    for (const d of drifts) {
      if (!('found' in d.outcome) || lost.has(d) || !drift.changesRow(d)) continue;
      replaced.set(d.annotation.index, { ...d.annotation, lines: d.lines ?? d.annotation.lines, quote: d.quote ?? d.annotation.quote });
    }
    edited = { ...project, annotations: project.annotations.map((x) => replaced.get(x.index) ?? x) };
    segments = anchorAll(edited).segments;
    const placed = new Map(segments.map((s) => [s.annotation.index, s]));
    let changed = false;
    for (const d of drifts) {
      if (!('found' in d.outcome) || lost.has(d) || !drift.changesRow(d)) continue;
      const s = placed.get(d.annotation.index);
      const f = d.outcome.found;
      const want = d.annotation.quote === undefined ? drift.wholeLines(project.transcripts.get(d.annotation.transcript)!, d.lines!) : { start: f.start, end: f.end };
      if (!s || s.start !== want.start || s.end !== want.end) {
        lost.set(d, s ? 'after the move its row would point at other words' : 'after the move its quote would not be found exactly once');
        changed = true;
      }
    }
    if (!changed) break;
  }

  const moves: Move[] = drifts.map((d) => {
    if ('lost' in d.outcome) return { drift: d, at: rowAt(d.annotation), status: 'not-moved', reason: d.outcome.lost };
    if (lost.has(d)) return { drift: d, at: rowAt(d.annotation), status: 'not-moved', reason: lost.get(d) };
    return { drift: d, at: rowAt(d.annotation), status: drift.changesRow(d) ? 'moved' : 'edited-in-place' };
  });
  moves.sort((x, y) => x.drift.annotation.index - y.drift.annotation.index);

  // The cell edits, file by file.
  const perFile = new Map<string, CellEdit[]>();
  for (const m of moves) {
    if (m.status !== 'moved') continue;
    const d = m.drift;
    const x = d.annotation;
    const edits = perFile.get(x.file) ?? [];
    perFile.set(x.file, edits);
    if (d.lines && x.lines) {
      const range = lockMod.lineRange(d.lines.start, d.lines.end);
      if (x.linesField === 'start') edits.push({ row: x.row, field: 'start', value: String(d.lines.start) }, { row: x.row, field: 'end', value: String(d.lines.end) });
      else edits.push({ row: x.row, field: 'lines', value: range });
    }
    if (d.quote !== undefined) edits.push({ row: x.row, field: 'quote', value: d.quote });
  }
  const files: { name: string; content: string }[] = [];
  const problems: Diagnostic[] = [];
  for (const [file, edits] of [...perFile].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const bytes = readFileSync(file);
    const decoded = decode(bytes, flags.encoding);
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    if (!decoded.ok || decoded.encoding !== 'utf8' || (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      problems.push(error('cannot-rewrite', 'reanchor rewrites UTF-8 files only, and this one is not UTF-8', { file }, 'save it as UTF-8 (CSV UTF-8 in Excel), then run dtors reanchor again'));
      continue;
    }
    const r = rewriteAnnotations(file, decoded.text, edits, flags.delimiter);
    if ('problem' in r) {
      problems.push(error('cannot-rewrite', `the moved lines and quotes cannot be written into this file without changing other cells (${r.problem})`, { file }, 'nothing was written; please report this with the file'));
      continue;
    }
    files.push({ name: relative(project.root, file).split(sep).join('/'), content: (bom ? '\ufeff' : '') + r.text });
  }
  if (problems.length) return report(io, problems, flags);

  // The lock follows the rows: moved passages are locked where they now are; those not moved keep
  // their old record, so a later run can still try.
  const keep = new Set(moves.filter((m) => m.status === 'not-moved').map((m) => m.drift.annotation.index));
  if (a.lockFound) {
    const lock = lockMod.buildLock(edited, segments, a.lock, keep);
    files.push({ name: lockMod.LOCK_FILE, content: lockMod.serialiseLock(lock) });
  }

  const notMoved = moves.filter((m) => m.status === 'not-moved');
  printMoves(io, moves, flags.format, drift);
  const rows = moves.filter((m) => m.status === 'moved').length;
  const inPlace = moves.filter((m) => m.status === 'edited-in-place').length;
  const rewritten = files.filter((f) => f.name !== lockMod.LOCK_FILE || rows + inPlace > 0);
  if (!flags.dryRun && rewritten.length) {
    const failed = await writeOrReport(io, project.root, rewritten, flags, 'no file was changed');
    if (failed !== undefined) return failed;
  }
  if (!flags.quiet) {
    const n = (k: number, w: string) => `${k.toLocaleString('en')} ${w}${k === 1 ? '' : 's'}`;
    const parts = [`${flags.dryRun ? 'would move' : 'moved'} ${n(rows, 'passage')}`];
    if (inPlace) parts.push(`${n(inPlace, 'passage')} with text edited in place`);
    if (notMoved.length) parts.push(`${n(notMoved.length, 'passage')} not moved (check ${notMoved.length === 1 ? 'it' : 'them'} by hand)`);
    const checked = a.drift?.checked ?? 0;
    const tail = !drifts.length
      ? checked
        ? `: all ${n(checked, 'passage')} in edited transcripts still hold their text`
        : ': no transcript has changed since the lock was written'
      : flags.dryRun
        ? ' (dry run: no file changed)'
        : rewritten.length
          ? `; wrote ${rewritten.map((f) => f.name).join(', ')}`
          : '';
    io.stderr.write(`dtors: ${drifts.length ? parts.join(', ') : 'nothing to move'}${tail}\n`);
    const unlocked = a.lockFound && a.drift ? lockMod.unlockedCount(project, a.lock) : 0;
    if (unlocked) io.stderr.write(`dtors: ${n(unlocked, 'passage')} added or edited since the lock was written ${unlocked === 1 ? 'is' : 'are'} not checked: dtors validate --lock records ${unlocked === 1 ? 'it' : 'them'}\n`);
  }
  return notMoved.length ? 1 : 0;
}

/**
 * Without a lock record, a passage with a quote still says what it is: one whose quote is no longer
 * found (or not within its lines) is looked for by its quote alone.
 */
function unlockedQuotes(a: Analysed, drift: typeof import('../../anchor/drift.js'), lockMod: typeof import('../../anchor/lock.js')): Drift[] {
  const project = a.project!;
  const keys = lockMod.lockKeys(project);
  const located = new Set(a.segments.map((s) => s.annotation.index));
  const pseudo: LockEntry[] = [];
  project.annotations.forEach((x, i) => {
    if (x.quote === undefined || located.has(x.index) || a.lock.byKey.has(keys[i]) || !project.transcripts.has(x.transcript)) return;
    pseudo.push({ key: keys[i], file: '', transcript: x.transcript, code: x.code, lines: x.lines ? lockMod.lineRange(x.lines.start, x.lines.end) : '1', sha256: '', exact: x.quote, prefix: '', suffix: '' });
  });
  if (!pseudo.length) return [];
  return drift.checkDrift(project, a.segments, { entries: pseudo, byKey: new Map(pseudo.map((e) => [e.key, e])) }).drifts;
}

function printMoves(io: Io, moves: Move[], format: Flags['format'], drift: typeof import('../../anchor/drift.js')): void {
  if (format === 'json') {
    const out = moves.map((m) => {
      const d = m.drift;
      const f = 'found' in d.outcome ? d.outcome.found : undefined;
      const [file, line] = [m.at.slice(0, m.at.lastIndexOf(':')), Number(m.at.slice(m.at.lastIndexOf(':') + 1))];
      return {
        file,
        line,
        id: d.annotation.id ?? null,
        transcript: d.annotation.transcript,
        code: d.annotation.code,
        status: m.status,
        from: drift.fromText(d.annotation, d.entry).split(' ').pop(),
        to: m.status === 'not-moved' ? null : drift.toText(d).split(' ').pop(),
        method: f && m.status !== 'not-moved' ? f.method : null,
        similarity: f && m.status !== 'not-moved' ? Math.floor(f.similarity * 1000) / 1000 : null,
        quote: m.status === 'moved' ? d.quote ?? null : null,
        reason: m.reason ?? null,
      };
    });
    io.stdout.write(JSON.stringify({ moves: out }, null, 2) + '\n');
    return;
  }
  for (const m of moves) {
    const d = m.drift;
    const from = drift.fromText(d.annotation, d.entry);
    if (m.status === 'not-moved') io.stdout.write(`${m.at}: ${from} not moved: ${m.reason}\n`);
    else {
      const f = (d.outcome as { found: import('../../anchor/relocate.js').Found }).found;
      const how = drift.howFound(f);
      if (m.status === 'edited-in-place') io.stdout.write(`${m.at}: ${from} stays; its text was edited (${how})\n`);
      else io.stdout.write(`${m.at}: ${from} → ${drift.toText(d).split(' ').pop()} (${how})${d.quote !== undefined ? ', quote updated' : ''}\n`);
    }
  }
}
