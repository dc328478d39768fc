/**
 * The fuzz tests' runner and oracles: runs one generated project through `validate` and `chart` (in
 * process or through the real binary) and checks what must hold for any input whatsoever. Every
 * violated invariant throws an Error that names the command, the project folder and its files, so a
 * fast-check counterexample can be reproduced by hand.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse as parseCsv } from 'csv-parse/sync';
import { BIN, ROOT, runInProcess, tempDir, type RunResult } from '../helpers.js';

/** A run of a tiny project that takes longer than this is a hang. */
export const RUN_LIMIT_MS = 10_000;

export type Runner = (args: string[]) => Promise<RunResult & { ms: number }>;

/** main() in-process; an exception that escapes it is a failure of the property, with its stack. */
export const inProcess: Runner = async (args) => {
  const t = performance.now();
  watchdog.enter(args);
  try {
    const r = await runInProcess(args);
    return { ...r, ms: performance.now() - t };
  } catch (e) {
    throw new Error(`an exception escaped main() for: dtors ${args.map(shellQuote).join(' ')}\n${(e as Error)?.stack ?? String(e)}`);
  } finally {
    watchdog.leave();
  }
};

/** The built binary, as a user runs it, killed after `timeoutMs` (so a hang fails instead of hanging). */
export function binary(timeoutMs = RUN_LIMIT_MS): Runner {
  return async (args) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - t;
    if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
    if (r.signal) {
      throw new Error(`dtors ${args.map(shellQuote).join(' ')} did not finish within ${timeoutMs} ms (killed with ${r.signal})`);
    }
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms };
  };
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/* ------------------------------------------------------------------------------------------------ */
/* The watchdog: main() is synchronous for most of its work, so a real infinite loop would block the   */
/* test's own timers and vitest would wait for ever. A worker thread watches the current run and, past */
/* the limit, prints what was running and kills the test process, so the hang shows up as a failure.  */
/* ------------------------------------------------------------------------------------------------ */

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Int32Array(workerData.state);
const info = new Uint8Array(workerData.info);
let seen = 0, since = Date.now();
setInterval(() => {
  const run = Atomics.load(state, 0);
  if (run === 0 || run !== seen) { seen = run; since = Date.now(); return; }
  if (Date.now() - since < workerData.limit) return;
  const len = Atomics.load(state, 1);
  const what = new TextDecoder().decode(info.slice(0, len));
  writeSync(2, '\\n[fuzz watchdog] a run has not finished after ' + workerData.limit + ' ms; killing the test process.\\n' + what + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 200);
`;

class Watchdog {
  private state = new Int32Array(new SharedArrayBuffer(8));
  private info = new Uint8Array(new SharedArrayBuffer(16 * 1024));
  private worker?: Worker;
  private run = 0;
  /** Extra context (seed, project folder) printed when the watchdog fires. */
  context = '';

  start(limitMs: number): void {
    if (this.worker) return;
    this.worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { state: this.state.buffer, info: this.info.buffer, limit: limitMs } });
    this.worker.unref();
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }

  enter(args: string[]): void {
    if (!this.worker) return;
    const bytes = new TextEncoder().encode(`${this.context}\nrunning: dtors ${args.map(shellQuote).join(' ')}`).subarray(0, this.info.length);
    this.info.set(bytes);
    Atomics.store(this.state, 1, bytes.length);
    this.run = (this.run % 1_000_000_000) + 1;
    Atomics.store(this.state, 0, this.run);
  }

  leave(): void {
    Atomics.store(this.state, 0, 0);
  }
}

export const watchdog = new Watchdog();

/* ------------------------------------------------------------------------------------------------ */
/* Oracles                                                                                           */
/* ------------------------------------------------------------------------------------------------ */

/** Codes that make the CLI exit 2 (docs/errors.md). */
const ENVIRONMENT_CODES = new Set(['project-not-found', 'unreadable-file', 'output-not-writable']);

/** A stack frame of Node or of dtors itself, or an uncaught error's first line. */
const STACK = /(^|\n)\s+at (?:async )?\S.*(?:\(|\s)(?:file:|node:|\/)[^\n]*:\d+:\d+\)?|(^|\n)(?:TypeError|RangeError|ReferenceError|SyntaxError|Error): |internal error/;

/** Line ends and other C0 control characters (tab aside: it is harmless), ESC among them, and DEL. */
const CONTROL = /[\0-\x08\n-\x1f\x7f]/;

/** Text that only a bug puts into a chart: a function's source, an object, a missing value. */
const LEAK = /\[native code\]|\[object Object\]|\bundefined\b|\bNaN\b/;

/** A CSV cell that a spreadsheet would run, unless --raw: also after leading spaces (docs/formats.md). */
const FORMULA = /^ *[=+\-@\t\r\n\0\uff1d\uff0b\uff0d\uff20]/;

interface JsonDiagnostic {
  severity: string;
  code: string;
  message: string;
  file: string | null;
  line: number | null;
  col: number | null;
  hint: string | null;
}

export interface CheckOptions {
  /** --encoding / --delimiter: given to validate and chart alike. */
  projectFlags: string[];
  /** Flags only chart takes (--quotes, --layout, --sort …); they may make chart exit 2 on their own. */
  chartFlags: string[];
  /** Run chart twice and compare (determinism). */
  repeat: boolean;
  /** The generator made a valid project: validate must find no error in it. */
  valid?: boolean;
  /** Where passages must be charted, by annotation id (from an independent reference). */
  placements?: Map<string, { startLine: number; endLine: number; start: number; end: number }>;
}

export class Violation extends Error {}

/**
 * Runs validate, chart (twice) and chart --out on the project in `dir` and checks every invariant.
 * Returns validate's exit code and the diagnostic codes seen, for statistics (FUZZ_STATS=1).
 */
export async function checkProject(dir: string, run: Runner, o: CheckOptions): Promise<{ code: number; codes: string[]; charted: boolean }> {
  const fail = (what: string, args: string[], r?: RunResult): never => {
    let msg = `${what}\n  command: dtors ${args.map(shellQuote).join(' ')}`;
    if (r) msg += `\n  exit code: ${r.code}\n  stderr: ${clip(r.stderr, 1500)}\n  stdout: ${clip(r.stdout, 1500)}`;
    throw new Violation(msg);
  };
  const basic = (args: string[], r: RunResult & { ms: number }) => {
    if (![0, 1, 2].includes(r.code)) fail(`exit code ${r.code} is not 0, 1 or 2`, args, r);
    if (STACK.test(r.stderr) || STACK.test(r.stdout)) fail('a stack trace or internal error was printed', args, r);
    if (r.ms > RUN_LIMIT_MS) fail(`the run took ${Math.round(r.ms)} ms (limit ${RUN_LIMIT_MS} ms for a tiny project)`, args, r);
  };

  // 1. validate --format json: the diagnostics as data.
  const vArgs = ['validate', dir, '--format', 'json', ...o.projectFlags];
  const v = await run(vArgs);
  basic(vArgs, v);
  if (v.stderr !== '') fail('validate --format json wrote to stderr', vArgs, v);
  let doc: { ok: boolean; summary: { errors: number; warnings: number }; diagnostics: JsonDiagnostic[] };
  try {
    doc = JSON.parse(v.stdout);
  } catch {
    return fail('validate --format json did not print JSON', vArgs, v);
  }
  const errors = doc.diagnostics.filter((d) => d.severity === 'error');
  if (doc.ok !== (v.code === 0)) fail(`"ok" is ${doc.ok} but the exit code is ${v.code}`, vArgs, v);
  // --quiet leaves warnings out of the list, not out of the count.
  const quiet = o.projectFlags.includes('--quiet');
  const listedWarnings = doc.diagnostics.length - errors.length;
  if (doc.summary.errors !== errors.length || (quiet ? listedWarnings !== 0 : doc.summary.warnings !== listedWarnings)) {
    fail('the summary counts differ from the diagnostics listed', vArgs, v);
  }
  if (v.code === 0 && errors.length) fail('exit code 0 with errors', vArgs, v);
  if (v.code === 1 && (errors.length === 0 || errors.some((d) => ENVIRONMENT_CODES.has(d.code)))) fail('exit code 1 without an error (or with an environment error)', vArgs, v);
  if (v.code === 2 && !errors.some((d) => ENVIRONMENT_CODES.has(d.code))) fail('exit code 2 without an environment error', vArgs, v);
  if (o.valid && errors.length) fail('a valid project was rejected', vArgs, v);
  for (const d of doc.diagnostics) {
    const problem = diagnosticProblem(d, dir);
    if (problem) fail(`${problem}: ${JSON.stringify(d)}`, vArgs, v);
  }

  // 2. chart on stdout, twice: the same bytes each time.
  const cArgs = ['chart', dir, ...o.projectFlags, ...o.chartFlags];
  const c = await run(cArgs);
  basic(cArgs, c);
  if (o.repeat) {
    const again = await run(cArgs);
    if (again.code !== c.code || again.stdout !== c.stdout || again.stderr !== c.stderr) {
      fail(`chart is not deterministic: a second run gave exit ${again.code} and ${again.stdout === c.stdout ? 'the same' : 'different'} stdout, ${again.stderr === c.stderr ? 'the same' : 'different'} stderr`, cArgs, c);
    }
  }
  const optionProblem = v.code === 0 && c.code === 2 && o.chartFlags.length > 0;
  if (v.code !== 0 && c.code !== v.code) fail(`chart exits ${c.code} but validate exits ${v.code}`, cArgs, c);
  if (v.code === 0 && c.code !== 0 && !optionProblem) fail(`chart exits ${c.code} but validate found no errors`, cArgs, c);
  if (c.code !== 0 && c.stdout !== '') fail('chart failed but printed a chart', cArgs, c);
  if (!optionProblem) {
    // chart reports the same diagnostics as validate, in the same words and places.
    const expected = doc.diagnostics.map(textDiagnostic).join('');
    if (!c.stderr.startsWith(expected)) fail(`chart's diagnostics differ from validate's; validate --format json says:\n${clip(expected, 1500)}`, cArgs, c);
  }
  if (c.code === 0) {
    const md = markdownProblem(c.stdout);
    if (md) fail(`the Markdown on stdout is malformed: ${md}`, cArgs, c);
    if (LEAK.test(c.stdout)) fail(`the chart holds ${LEAK.exec(c.stdout)![0]}`, cArgs, c);
  }

  // 3. chart --out in every format: all or nothing, and what is written is well-formed.
  const out = join(tempDir('dtors-fuzz-out-'), 'charts');
  const oArgs = ['chart', dir, '--out', out, '-f', 'csv,markdown,json', ...o.projectFlags, ...o.chartFlags];
  const w = await run(oArgs);
  basic(oArgs, w);
  const written = existsSync(out) ? walk(out) : [];
  const tmp = written.filter((f) => /\.tmp$/.test(f));
  if (tmp.length) fail(`temporary files were left in the output folder: ${tmp.join(', ')}`, oArgs, w);
  if (w.code !== 0 && written.length) fail(`chart failed (exit ${w.code}) but wrote ${written.join(', ')}`, oArgs, w);
  if (w.code !== c.code) fail(`chart --out exits ${w.code} but chart on stdout exits ${c.code}`, oArgs, w);
  if (w.code === 0) {
    const problem = outputProblem(dir, out, written, o.chartFlags, o.placements);
    if (problem) fail(`chart --out wrote a bad output folder: ${problem}`, oArgs, w);
    // Straight after writing, the charts are up to date, and checking them changes nothing.
    const before = snapshot(out, written);
    const kArgs = [...oArgs, '--check'];
    const k = await run(kArgs);
    basic(kArgs, k);
    if (k.code !== 0) fail('chart --out --check finds the charts just written out of date', kArgs, k);
    if (snapshot(out, walk(out)) !== before) fail('chart --out --check changed the output folder', kArgs, k);
  }
  rmSync(resolve(out, '..'), { recursive: true, force: true });
  return { code: v.code, codes: [...new Set(doc.diagnostics.map((d) => d.code))], charted: w.code === 0 };
}

/** What is wrong with one diagnostic of validate --format json, if anything. */
function diagnosticProblem(d: JsonDiagnostic, dir: string): string | undefined {
  if (d.severity !== 'error' && d.severity !== 'warning') return 'a diagnostic has no severity';
  if (typeof d.code !== 'string' || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(d.code)) return 'a diagnostic has no code';
  if (typeof d.message !== 'string' || d.message.trim() === '') return 'a diagnostic has no message';
  // On stderr a diagnostic is one line (and its hint one more): a line break from the user's data would
  // let a cell forge diagnostics of its own, and an escape character would reach the terminal.
  if (CONTROL.test(d.message) || (d.hint !== null && CONTROL.test(d.hint))) return 'a diagnostic holds a line break or control character from the input';
  if (d.file === null) return d.code === 'project-not-found' ? undefined : 'a diagnostic has no file';
  const abs = resolve(ROOT, d.file);
  if (abs !== dir && !abs.startsWith(dir + sep)) return 'a diagnostic names a file outside the project';
  // docs/errors.md: a problem with a file is at a line of it (a whole file at 1:1); only a path with
  // no lines (a folder, a link, nothing there) goes without.
  if (d.line === null) {
    if (d.col !== null) return 'a diagnostic has a column but no line';
    return isFile(abs) ? 'a diagnostic about a file has no line' : undefined;
  }
  if (!Number.isInteger(d.line) || d.line < 1 || !Number.isInteger(d.col) || (d.col as number) < 1) return 'a diagnostic has a line or column below 1';
  // The place must exist in the file as an editor shows it (lines end at CRLF, CR or LF).
  const lines = fileLines(abs);
  if (lines) {
    if (d.line > lines.length) return `a diagnostic points at line ${d.line} of a file with ${lines.length} lines`;
    const width = [...lines[d.line - 1]].length;
    if ((d.col as number) > width + 1) return `a diagnostic points at column ${d.col} of a line ${width} characters long`;
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The lines of a text file as dtors reads it (UTF-8 or UTF-16 with a BOM), or undefined for other bytes. */
function fileLines(path: string): string[] | undefined {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) return undefined;
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return text.split(/\r\n|\r|\n/);
}

/** A diagnostic as `chart` prints it on stderr without colour (src/cli/common.ts, formatDiagnostic). */
function textDiagnostic(d: JsonDiagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.col ?? 1}` : ''}: ` : 'dtors: ';
  return `${where}${d.severity} ${d.code}: ${d.message}\n${d.hint ? `  hint: ${d.hint}\n` : ''}`;
}

/** Every table has rows of one width, and no cell breaks its row. */
function markdownProblem(md: string): string | undefined {
  const lines = md.split('\n');
  let width = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('|')) {
      const n = unescapedPipes(line);
      if (width === -1) width = n;
      else if (n !== width) return `line ${i + 1} has ${n - 1} cells, the table's header ${width - 1}: ${clip(line, 300)}`;
      if (!line.endsWith('|')) return `line ${i + 1} does not end its row: ${clip(line, 300)}`;
    } else {
      if (width !== -1 && line !== '') return `line ${i + 1} breaks a table: ${clip(line, 300)}`;
      width = -1;
    }
  }
  return undefined;
}

function unescapedPipes(line: string): number {
  let n = 0;
  let backslashes = 0;
  for (const ch of line) {
    if (ch === '|' && backslashes % 2 === 0) n++;
    backslashes = ch === '\\' ? backslashes + 1 : 0;
  }
  return n;
}

function snapshot(dir: string, files: string[]): string {
  return JSON.stringify(files.map((f) => [f, readFileSync(join(dir, f), 'latin1')]));
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A spreadsheet-safe cell, as docs/formats.md says CSV cells are written (unless --raw). */
const neutralise = (cell: string) => (FORMULA.test(cell) ? `'${cell}` : cell);

/** A Markdown table row's cells, split at unescaped pipes, unescaped, trimmed. */
function markdownCells(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let backslashes = 0;
  for (const ch of line.slice(1, -1)) {
    if (ch === '|' && backslashes % 2 === 0) {
      cells.push(cur);
      cur = '';
    } else cur += ch;
    backslashes = ch === '\\' ? backslashes + 1 : 0;
  }
  cells.push(cur);
  const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', '#x2028': '\u2028', '#x2029': '\u2029' };
  return cells.map((c) =>
    c
      .trim()
      .replace(/<br>/g, '\n')
      .replace(/\\([\s\S])/g, '$1')
      .replace(/&(lt|gt|amp|#x2028|#x2029);/g, (_, e: string) => entities[e])
      .trim(),
  );
}

interface ChartJson {
  matrices: {
    attributes: string[];
    columns: { header: string }[];
    rows: { case: string; attributes: Record<string, string>; cells: { lines: string[]; entries: { id?: string; transcript: string; startLine: number; endLine: number; start: number; end: number; ref: string }[] }[] }[];
  }[];
}

/**
 * Checks a folder written by chart --out: the manifest lists exactly the files there with their
 * hashes, and the project's inputs with theirs; every file parses; the CSV and Markdown of a theme
 * hold exactly the cells of its JSON; and passages are where the reference says.
 */
function outputProblem(project: string, out: string, written: string[], chartFlags: string[], placements?: CheckOptions['placements']): string | undefined {
  const raw = chartFlags.includes('--raw');
  const wide = !chartFlags.includes('long');
  const charted = new Map<string, { startLine: number; endLine: number; start: number; end: number; ref: string; transcript: string }>();
  const tables = new Map<string, string[][]>(); // theme file stem → rows of cell texts, from the JSON
  if (!written.includes('manifest.json')) return 'no manifest.json';
  let manifest: { inputs: { path: string; sha256: string }[]; outputs: { path: string; sha256: string }[] };
  try {
    manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  } catch (e) {
    return `manifest.json is not JSON (${(e as Error).message})`;
  }
  const listed = manifest.outputs.map((x) => x.path);
  const expected = [...listed, 'manifest.json'].sort();
  if (JSON.stringify(expected) !== JSON.stringify([...written].sort())) return `the folder holds ${written.join(', ')} but the manifest lists ${listed.join(', ')}`;
  for (const input of manifest.inputs) {
    const p = join(project, input.path);
    if (!existsSync(p)) return `the manifest lists the input ${input.path}, which does not exist`;
    if (sha256(readFileSync(p)) !== input.sha256) return `the input ${input.path} does not match its hash in the manifest`;
  }
  // JSON first: the CSV and Markdown are checked against it.
  const order = [...manifest.outputs].sort((a, b) => Number(b.path.endsWith('.json')) - Number(a.path.endsWith('.json')));
  for (const { path, sha256: hash } of order) {
    const bytes = readFileSync(join(out, path));
    if (sha256(bytes) !== hash) return `${path} does not match its hash in the manifest`;
    const stem = path.replace(/\.[a-z]+$/, '');
    const text = bytes.toString('utf8');
    if (LEAK.test(text)) return `${path} holds ${LEAK.exec(text)![0]}`;
    if (path.endsWith('.md')) {
      const p = markdownProblem(text);
      if (p) return `${path}: ${p}`;
      const want = tables.get(stem);
      if (want) {
        const got = text
          .split('\n')
          .filter((l) => l.startsWith('|'))
          .filter((_, i) => i !== 1)
          .map(markdownCells);
        if (got.length !== want.length) return `${path} has ${got.length} rows, its JSON ${want.length}`;
        for (let i = 0; i < got.length; i++) {
          for (let k = 0; k < want[i].length; k++) {
            if (got[i][k] !== want[i][k].replace(/\r\n?/g, '\n').trim()) return `${path}: row ${i + 1}, cell ${k + 1} reads ${JSON.stringify(got[i][k])} where the JSON has ${JSON.stringify(want[i][k])}`;
          }
        }
      }
    } else if (path.endsWith('.json')) {
      try {
        if (!wide) {
          // The long layout: rows keyed by column, typed (docs/formats.md); as text they are the CSV's.
          const rows = JSON.parse(text) as Record<string, unknown>[];
          const asText = (k: string, v: unknown) => (v === null ? '' : k === 'key' ? (v ? 'yes' : '') : String(v));
          if (rows.length) tables.set(stem, [Object.keys(rows[0]), ...rows.map((r) => Object.entries(r).map(([k, v]) => asText(k, v)))]);
          continue;
        }
        const j = JSON.parse(text) as ChartJson;
        const m0 = j.matrices[0];
        if (m0) {
          tables.set(stem, [
            ['case', ...m0.attributes, ...m0.columns.map((c) => c.header)],
            ...m0.rows.map((r) => [r.case, ...m0.attributes.map((a) => r.attributes[a]), ...r.cells.map((c) => c.lines.join('\n'))]),
          ]);
        }
        for (const m of j.matrices) {
          for (const r of m.rows) {
            if (r.cells.length !== m.columns.length) return `${path}: row ${r.case} has ${r.cells.length} cells for ${m.columns.length} columns`;
            for (const c of r.cells) {
              for (const e of c.entries) {
                const ref = `${e.transcript}:${e.startLine === e.endLine ? e.startLine : `${e.startLine}-${e.endLine}`}`;
                if (e.ref !== ref) return `${path}: entry ${JSON.stringify(e)} has the ref ${e.ref}, not ${ref}`;
                if (!(e.startLine >= 1 && e.startLine <= e.endLine && e.start >= 0 && e.start <= e.end)) return `${path}: entry ${JSON.stringify(e)} has its start after its end`;
                if (e.id !== undefined) charted.set(e.id, e);
              }
            }
          }
        }
      } catch (e) {
        return `${path} is not JSON (${(e as Error).message})`;
      }
    } else if (path.endsWith('.csv')) {
      let records: string[][];
      try {
        records = parseCsv(text, { bom: true, relax_column_count: false });
      } catch (e) {
        return `${path} is not valid CSV (${(e as Error).message})`;
      }
      for (const rec of records) {
        const bad = raw ? undefined : rec.find((cell) => FORMULA.test(cell));
        if (bad !== undefined) return `${path} has a cell a spreadsheet would run: ${JSON.stringify(clip(bad, 100))}`;
      }
      const want = tables.get(stem);
      if (want) {
        if (records.length !== want.length) return `${path} has ${records.length} rows, its JSON ${want.length}`;
        for (let i = 0; i < want.length; i++) {
          for (let k = 0; k < want[i].length; k++) {
            const cell = (raw ? want[i][k] : neutralise(want[i][k])).replace(/\r\n?/g, '\n');
            if (records[i][k] !== cell) return `${path}: row ${i + 1}, cell ${k + 1} reads ${JSON.stringify(records[i][k])} where the JSON has ${JSON.stringify(want[i][k])}`;
          }
        }
      }
    }
  }
  for (const [id, want] of placements ?? []) {
    const got = charted.get(id);
    if (!got) return `annotation ${id} is not in the JSON charts (expected at ${JSON.stringify(want)})`;
    const keys = ['startLine', 'endLine', 'start', 'end'] as const;
    if (keys.some((k) => got[k] !== want[k])) {
      return `annotation ${id} is charted at ${JSON.stringify(Object.fromEntries(keys.map((k) => [k, got[k]])))} (${got.ref}) but belongs at ${JSON.stringify(want)}`;
    }
  }
  return undefined;
}

/** Every file below `dir`, relative, with forward slashes (dot files included). */
export function walk(dir: string): string[] {
  const out: string[] = [];
  const go = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) go(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  go(dir);
  return out.sort();
}

export function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}… (${s.length - n} more characters)`;
}

/** The files of a project, printable: text as JSON strings, other bytes in hex. */
export function describeFiles(files: Record<string, string | Uint8Array | null>): string {
  return Object.entries(files)
    .map(([name, content]) => {
      if (content === null) return `  ${name}: (removed)`;
      if (typeof content === 'string') return `  ${name}: ${clip(JSON.stringify(content), 2000)}`;
      return `  ${name}: bytes ${clip(Buffer.from(content).toString('hex'), 2000)}`;
    })
    .join('\n');
}
