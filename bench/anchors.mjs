// The re-anchoring benchmark (`npm run bench:anchors`): how often dtors puts coding back on the right
// words after a transcript is edited.
//
// For each corpus (the bundled example, and a generated project) and each kind of edit in
// bench/edits.mjs, with several seeds: copy the project, lock it (`dtors validate --lock`), edit every
// transcript while tracking where each coded passage truly goes, run `dtors reanchor`, load the
// project again and compare where every annotation now points with the truth. Each annotation of an
// edited transcript is counted once:
//   right  placed on its passage (lines-only rows: exactly the passage's lines; quoted rows: exactly
//          its text), or, when the edit deleted its passage, reported as not moved
//   wrong  pointing anywhere else, without a report (the outcome to avoid above all)
//   lost   reported as not moved although its passage is still there (the analyst checks it by hand)
//
// usage: node bench/anchors.mjs [--corpus example,S,M,L] [--seeds N] [--edits KIND,…] [--json]
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEdit, EDIT_KINDS, rng } from './edits.mjs';
import { generateProject } from './generate.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const log = (msg) => process.stderr.write(`bench:anchors: ${msg}\n`);

function options() {
  const args = process.argv.slice(2);
  const o = { corpora: ['example', 'S'], seeds: 3, json: false, edits: EDIT_KINDS };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--corpus') o.corpora = args[++i].split(',');
    else if (args[i] === '--seeds') o.seeds = Number(args[++i]);
    else if (args[i] === '--json') o.json = true;
    else if (args[i] === '--edits') o.edits = args[++i].split(',');
    else {
      process.stderr.write(`usage: node bench/anchors.mjs [--corpus example,S,M,L] [--seeds N] [--edits ${EDIT_KINDS.join(',')}] [--json]\n`);
      process.exit(2);
    }
  }
  return o;
}

if (!existsSync(join(DIST, 'cli', 'main.js'))) {
  log('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const { main } = await import(join(DIST, 'cli', 'main.js'));
const { loadProject } = await import(join(DIST, 'project', 'load.js'));
const { anchorAll } = await import(join(DIST, 'anchor', 'anchor.js'));
const { lineOf } = await import(join(DIST, 'project', 'transcript.js'));

/** Runs dtors in-process, returning its exit code and output. */
async function dtors(args, cwd) {
  let out = '';
  let err = '';
  const io = { stdout: { write: (s) => (out += s) }, stderr: { write: (s) => (err += s) }, cwd, env: { NO_COLOR: '1' }, stderrIsTTY: false };
  const code = await main(args, io);
  return { code, out, err };
}

function load(dir) {
  const { project, diagnostics } = loadProject(dir);
  if (!project) throw new Error(`cannot load ${dir}: ${diagnostics.map((d) => d.message).join('; ')}`);
  return { project, segments: anchorAll(project).segments };
}

/** One trial: a fresh copy of `source`, edited with `kind` under `seed`. */
async function trial(source, kind, seed) {
  const dir = mkdtempSync(join(tmpdir(), 'dtors-anchors-'));
  try {
    cpSync(source, dir, { recursive: true });
    rmSync(join(dir, 'dtors.lock.json'), { force: true });
    const locked = await dtors(['validate', '.', '--lock', '--quiet'], dir);
    if (locked.code !== 0) throw new Error(`validate --lock failed on ${source}: ${locked.err}`);
    const before = load(dir);
    const byTranscript = new Map();
    for (const s of before.segments) {
      const list = byTranscript.get(s.transcript.id) ?? [];
      list.push(s);
      byTranscript.set(s.transcript.id, list);
    }
    // Where every passage truly is after the edits: offsets into the edited (LF) text, or null.
    const truth = new Map();
    const random = rng(seed);
    for (const [, segs] of [...byTranscript].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const t = segs[0].transcript;
      const edited = applyEdit(kind, t.text, segs.map((s) => ({ start: s.start, end: s.end })), random);
      writeFileSync(t.path, edited.text);
      segs.forEach((s, i) => truth.set(s.annotation.index, edited.truth[i]));
    }
    const started = performance.now();
    const run = await dtors(['reanchor', '.', '--format', 'json', '--quiet'], dir);
    const seconds = (performance.now() - started) / 1000;
    if (run.code > 1) throw new Error(`reanchor failed: ${run.err}`);
    const reported = new Map();
    for (const m of JSON.parse(run.out).moves) reported.set(`${m.file}:${m.line}`, m);
    const after = load(dir);
    const placed = new Map(after.segments.map((s) => [s.annotation.index, s]));
    const counts = { annotations: 0, right: 0, wrong: 0, lost: 0, seconds };
    const wrongs = [];
    for (const a of after.project.annotations) {
      if (!truth.has(a.index)) continue;
      counts.annotations++;
      const p = a.at();
      const key = `${p.file.startsWith(dir) ? p.file.slice(dir.length + 1) : p.file}:${p.line}`;
      const m = reported.get(key);
      const notMoved = m?.status === 'not-moved';
      const want = truth.get(a.index);
      if (want === null) {
        if (notMoved) counts.right++;
        else {
          counts.wrong++;
          wrongs.push(`${key} deleted, not reported`);
        }
        continue;
      }
      if (notMoved) {
        counts.lost++;
        continue;
      }
      const s = placed.get(a.index);
      const t = after.project.transcripts.get(a.transcript);
      let ok = false;
      if (s && t) {
        if (a.quote === undefined) {
          const [ls, le] = wholeLines(t, want);
          ok = s.startLine === ls && s.endLine === le;
        } else {
          const [ws, we] = trim(t.text, want.start, want.end);
          const [ss, se] = trim(t.text, s.start, s.end);
          ok = ss === ws && se === we;
        }
      }
      if (ok) counts.right++;
      else {
        counts.wrong++;
        wrongs.push(`${key} ${a.transcript} now ${s ? `${s.startLine}-${s.endLine}` : 'unplaced'}, truth ${t ? wholeLines(t, want).join('-') : '?'}`);
      }
    }
    return { counts, wrongs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The lines a passage of whole lines covers. Its span ends before the line end of its last line, so a
 * span that ends just after a line end finishes on the (blank) line that starts there.
 */
function wholeLines(t, { start, end }) {
  const last = end > start && t.text[end - 1] !== '\n' ? end - 1 : end;
  return [lineOf(t, start), lineOf(t, last)];
}

function trim(text, start, end) {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return [start, end];
}

function corpusDir(name, scratch) {
  if (name === 'example') return join(ROOT, 'examples', 'dtors');
  const dir = join(scratch, name);
  if (!existsSync(join(dir, 'dtors.yaml'))) generateProject(name, dir);
  return dir;
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : '–');

const o = options();
const scratch = mkdtempSync(join(tmpdir(), 'dtors-anchors-corpus-'));
const rows = [];
try {
  for (const corpus of o.corpora) {
    const source = corpusDir(corpus, scratch);
    for (const kind of o.edits) {
      if (!EDIT_KINDS.includes(kind)) throw new Error(`unknown edit "${kind}" (choose ${EDIT_KINDS.join(', ')})`);
      const total = { corpus, kind, trials: 0, annotations: 0, right: 0, wrong: 0, lost: 0, seconds: 0 };
      for (let seed = 1; seed <= o.seeds; seed++) {
        const r = await trial(source, kind, seed);
        total.trials++;
        for (const k of ['annotations', 'right', 'wrong', 'lost', 'seconds']) total[k] += r.counts[k];
        for (const w of r.wrongs.slice(0, 5)) log(`wrong (${corpus}, ${kind}, seed ${seed}): ${w}`);
      }
      rows.push(total);
      log(`${corpus} ${kind}: ${total.right}/${total.annotations} right, ${total.wrong} wrong, ${total.lost} lost`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const sum = (k) => rows.reduce((n, r) => n + r[k], 0);
if (o.json) {
  process.stdout.write(JSON.stringify({ rows, total: { annotations: sum('annotations'), right: sum('right'), wrong: sum('wrong'), lost: sum('lost') } }, null, 2) + '\n');
} else {
  const lines = ['| corpus | edit | trials | annotations | right | wrong | lost | reanchor s/trial |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    lines.push(`| ${r.corpus} | ${r.kind} | ${r.trials} | ${r.annotations} | ${pct(r.right, r.annotations)} | ${pct(r.wrong, r.annotations)} | ${pct(r.lost, r.annotations)} | ${(r.seconds / r.trials).toFixed(2)} |`);
  }
  lines.push(`| **all** | | ${sum('trials')} | ${sum('annotations')} | **${pct(sum('right'), sum('annotations'))}** | **${pct(sum('wrong'), sum('annotations'))}** | ${pct(sum('lost'), sum('annotations'))} | |`);
  process.stdout.write(lines.join('\n') + '\n');
}
