// dtors benchmark: generates synthetic projects (bench/generate.mjs), times the built CLI on them in
// child processes, and prints a Markdown table on stdout. Progress goes to stderr.
//
//   npm run bench                          S, M and L, 3 runs each
//   node bench/run.mjs --sizes S,M --runs 5
//
// What is measured is dist/ as last built (`npm run build`), not src/.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateProject, generatorStamp, SIZES } from './generate.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.bench'); // gitignored; generated projects are reused across runs
const BIN = join(ROOT, 'bin', 'dtors.js');
const CHILD = join(ROOT, 'bench', 'child.mjs');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const STAMP = '.bench-stamp.json'; // inside each project; dtors reads only the files dtors.yaml names
const VERSION_RUNS = 10;
const TARGETS = { chartLSeconds: 3, chartLRssMB: 700, versionMs: 150 };

const USAGE = `usage: node bench/run.mjs [--sizes S,M,L] [--runs N]

  --sizes   which projects to chart (default S,M,L; XL, at the limit on coded passages, only when named);
            validate runs on the largest
  --runs    runs per measurement, reported as the median (default 3; --version always ${VERSION_RUNS})
`;

const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

function fail(msg, code = 1) {
  process.stderr.write(`bench: error: ${msg}\n`);
  process.exit(code);
}

/** A dtors run that failed: thrown, so temporary folders are cleaned up on the way out. */
class RunFailed extends Error {
  constructor(label, argv, r) {
    super(`${label} failed (${r.signal ? `signal ${r.signal}` : `exit ${r.code}`}): node ${argv.join(' ')}`);
    this.stderr = r.stderr;
  }
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({ options: { sizes: { type: 'string' }, runs: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    fail(`${e.message}\n${USAGE}`, 2);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const wanted = (v.sizes ?? 'S,M,L').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const unknown = wanted.filter((s) => !SIZES[s]);
  if (unknown.length || !wanted.length) fail(`--sizes: unknown size ${unknown.join(', ') || '(none)'}; choose from ${Object.keys(SIZES).join(', ')}`, 2);
  // Smallest first: a broken build then fails in a second, not after generating L.
  const sizes = Object.keys(SIZES).filter((s) => wanted.includes(s));
  const runs = v.runs === undefined ? 3 : Number(v.runs);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a whole number of at least 1, not "${v.runs}"`, 2);
  return { sizes, runs };
}

/** The newest modification time below `dir`, to notice a dist/ older than the sources. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Checks that there is a build to measure; returns a caveat when src/ has changed since. */
function checkBuild() {
  if (!existsSync(MAIN)) fail('dist/ is missing: run `npm run build` first', 2);
  const src = join(ROOT, 'src');
  if (existsSync(src) && newest(src) > statSync(MAIN).mtimeMs) {
    const caveat = 'src/ has changes newer than dist/cli/main.js: these numbers are for the last build';
    log(`warning: ${caveat} (run \`npm run build\` to measure the current sources)`);
    return caveat;
  }
  return undefined;
}

/** A hash of every file of a project (but the stamp), names included, in a fixed order. */
function fingerprint(dir) {
  const h = createHash('sha256');
  const walk = (rel) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      // dtors search keeps its index there: a cache, not part of the project.
      if (p === '.dtors') continue;
      if (e.isDirectory()) walk(p);
      else if (p !== STAMP) h.update(`${p}\0`).update(readFileSync(join(dir, p))).update('\0');
    }
  };
  walk('');
  return h.digest('hex').slice(0, 16);
}

/**
 * The project for `size` under .bench/, generated unless one from the same generator is there and
 * unchanged since (a hand-edited cache would silently skew every later run). A new project is
 * written to a temporary folder and renamed into place, so an interrupted run never leaves a
 * half-written project that looks reusable.
 */
function project(size, stamp) {
  const dir = join(CACHE, size);
  const stampFile = join(dir, STAMP);
  if (existsSync(stampFile)) {
    try {
      const saved = JSON.parse(readFileSync(stampFile, 'utf8'));
      if (saved.stamp === stamp && saved.fingerprint === fingerprint(dir)) {
        log(`${size}: reusing ${dir}`);
        return { dir, stats: saved.stats, fingerprint: saved.fingerprint, cached: true };
      }
      log(`${size}: ${dir} is from another generator or was changed; regenerating`);
    } catch {
      // An unreadable stamp means an unknown project: regenerate.
    }
  }
  log(`${size}: generating ${SIZES[size].transcripts} transcripts into ${dir} ...`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  let stats;
  let print;
  try {
    stats = generateProject(size, tmp);
    print = fingerprint(tmp);
    writeFileSync(join(tmp, STAMP), JSON.stringify({ stamp, fingerprint: print, stats }, null, 2) + '\n');
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`${size}: generated ${stats.annotations} annotations, ${mb(stats.inputBytes)} MB input, in ${stats.seconds.toFixed(1)} s`);
  return { dir, stats, fingerprint: print, cached: false };
}

/**
 * Runs `node <argv>` and resolves with its wall time (spawn to exit), exit status, stderr and, for
 * child.mjs, the resource usage it recorded. Stdout is discarded: charts go to --out.
 */
function runNode(argv, usageFile) {
  return new Promise((done, reject) => {
    const env = { ...process.env, NO_COLOR: '1' };
    if (usageFile) env.DTORS_BENCH_RUSAGE = usageFile;
    const started = performance.now();
    let ms;
    const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', () => (ms = performance.now() - started));
    child.on('close', (code, signal) => {
      const usage = usageFile && existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : undefined;
      done({ ms, code, signal, stderr, usage });
    });
  });
}

/**
 * `runs` runs of a dtors command through child.mjs, each in a fresh temporary folder. `args` may be a
 * function of that folder, for commands that write a file or folder of their own there.
 */
async function measure(label, args, runs, { outDir = false } = {}) {
  const results = [];
  for (let i = 1; i <= runs; i++) {
    const tmp = mkdtempSync(join(os.tmpdir(), 'dtors-bench-'));
    try {
      // A folder that does not exist yet, so every run writes all its files as a first run would.
      const out = join(tmp, 'charts');
      const argv = [...(typeof args === 'function' ? args(tmp) : args), ...(outDir ? ['--out', out] : [])];
      const r = await runNode([CHILD, ...argv], join(tmp, 'rusage.json'));
      if (r.code !== 0) throw new RunFailed(label, [CHILD, ...argv], r);
      if (!r.usage) throw new RunFailed(`${label} (child.mjs recorded no resource usage)`, [CHILD, ...argv], r);
      // Exit 0 without charts would make a very fast, very wrong benchmark.
      if (outDir && !existsSync(join(out, 'manifest.json'))) throw new RunFailed(`${label} (exit 0 but no manifest.json)`, [CHILD, ...argv], r);
      log(`${label}: run ${i}/${runs}: ${(r.ms / 1000).toFixed(2)} s, peak RSS ${mb(r.usage.maxRSS * 1024)} MB`);
      results.push(r);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return {
    ms: stats(results.map((r) => r.ms)),
    cpuMs: median(results.map((r) => (r.usage.userCPU + r.usage.systemCPU) / 1000)),
    // The largest peak over the runs: memory limits are about the worst case, not the typical one.
    rssBytes: Math.max(...results.map((r) => r.usage.maxRSS * 1024)),
  };
}

/**
 * Startup cost of `node <argv>`, VERSION_RUNS times. For dtors this is the real binary, since that
 * is what a user (or a shell completion) pays.
 */
async function measureStartup(label, argv) {
  const times = [];
  for (let i = 0; i < VERSION_RUNS; i++) {
    const r = await runNode(argv);
    if (r.code !== 0) throw new RunFailed(label, argv, r);
    times.push(r.ms);
  }
  log(`${label}: median ${median(times).toFixed(0)} ms over ${VERSION_RUNS} runs`);
  return stats(times);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function stats(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);
const sec = (ms) => (ms / 1000).toFixed(2);
const int = (n) => n.toLocaleString('en-US');
const verdict = (ok) => (ok ? 'met' : '**missed**');

function dtorsVersion() {
  const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '?';
}

function gitCommit() {
  // Read-only (no index refresh), so it cannot collide with someone else's git commands.
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** Bytes of every file below `dir`. */
function folderBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size;
  return n;
}

async function runBenchmark() {
  const { sizes, runs } = options();
  const caveat = checkBuild();
  const stamp = generatorStamp();

  const projects = {};
  for (const size of sizes) projects[size] = project(size, stamp);

  // Node's own start-up is the floor under --version: on a slow machine it can use most of the budget.
  const baseline = await measureStartup('node -e ""', ['-e', '']);
  const version = await measureStartup('--version', [BIN, '--version']);
  const charts = {};
  for (const size of sizes) charts[size] = await measure(`chart ${size}`, ['chart', projects[size].dir], runs, { outDir: true });
  const largest = sizes[sizes.length - 1];
  const validate = await measure(`validate ${largest}`, ['validate', projects[largest].dir], runs);
  // REFI-QDA: export the largest project, then import that export (import validates what it made).
  const exported = await measure(`export ${largest}`, (tmp) => ['export', projects[largest].dir, '--to', join(tmp, 'p.qdpx'), '-q'], runs);
  const qdpx = join(CACHE, `${largest}.qdpx`);
  const made = spawnSync(process.execPath, [BIN, 'export', projects[largest].dir, '--to', qdpx, '-q'], { encoding: 'utf8' });
  if (made.status !== 0) throw new RunFailed(`export ${largest}`, [BIN, 'export'], { code: made.status, stderr: made.stderr });
  const imported = await measure(`import ${largest}`, (tmp) => ['import', qdpx, '--to', join(tmp, 'imported'), '-q'], runs);
  // Search: the first run builds the word index (.dtors/ in the project); the next ones use it.
  const query = ['search', projects[largest].dir, 'methadone AND dose', '-f', 'csv', '-q'];
  rmSync(join(projects[largest].dir, '.dtors'), { recursive: true, force: true });
  const searchFirst = await measure(`search ${largest} (no index yet)`, query, 1);
  const searchCached = await measure(`search ${largest} (index kept)`, query, Math.max(runs, 5));
  const suggested = await measure(`suggest ${largest}`, (tmp) => ['suggest', projects[largest].dir, '-o', join(tmp, 's.csv'), '-q'], runs);
  const evaluated = await measure(`suggest --evaluate ${largest}`, ['suggest', projects[largest].dir, '--evaluate', '-f', 'csv', '-q'], runs);
  const autoSummary = await measure(`chart --auto-summary ${largest}`, ['chart', projects[largest].dir, '--auto-summary'], runs, { outDir: true });
  // The spreadsheet round trip: a template workbook, then reading it back (nothing changed in it).
  const workbook = await measure(`chart --template -f xlsx ${largest}`, ['chart', projects[largest].dir, '--template', '-f', 'xlsx'], runs, { outDir: true });
  const sheets = join(CACHE, `${largest}-sheets`);
  rmSync(sheets, { recursive: true, force: true });
  const wrote = spawnSync(process.execPath, [BIN, 'chart', projects[largest].dir, '--template', '-f', 'xlsx', '--out', sheets, '-q'], { encoding: 'utf8' });
  if (wrote.status !== 0) throw new RunFailed(`chart --template ${largest}`, [BIN, 'chart'], { code: wrote.status, stderr: wrote.stderr });
  const workbookBytes = statSync(join(sheets, 'charts.xlsx')).size;
  const site = await measure(`report ${largest}`, (tmp) => ['report', projects[largest].dir, '--out', join(tmp, 'report'), '-q'], runs);
  const reportDir = join(CACHE, `${largest}-report`);
  rmSync(reportDir, { recursive: true, force: true });
  spawnSync(process.execPath, [BIN, 'report', projects[largest].dir, '--out', reportDir, '-q'], { encoding: 'utf8' });
  const reportBytes = folderBytes(reportDir);
  const readBack = await measure(`summaries import ${largest}`, ['summaries', 'import', join(sheets, 'charts.xlsx'), projects[largest].dir, '--dry-run', '-q'], runs);

  const cpu = os.cpus();
  const out = [];
  out.push('## dtors benchmark', '');
  out.push(`- machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.arch()}`);
  out.push(`- node ${process.version}; dtors ${dtorsVersion()} (commit ${gitCommit()}, dist/ as built); generator ${stamp}`);
  out.push(`- command: \`node bench/run.mjs --sizes ${sizes.join(',')} --runs ${runs}\`; times are the median of ${runs} runs (min-max alongside), --version of ${VERSION_RUNS}`);
  if (caveat) out.push(`- **caveat**: ${caveat}`);
  out.push('');
  out.push('| command | project | transcripts | annotations | input MB | wall s (median) | wall s (min-max) | CPU s | peak RSS MB | MB/s |');
  out.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  const row = (cmd, size, m) => {
    const s = projects[size].stats;
    const mbps = s.inputBytes / 1e6 / (m.ms.median / 1000);
    out.push(
      `| ${cmd} | ${size} | ${int(s.transcripts)} | ${int(s.annotations)} | ${mb(s.inputBytes)} | ${sec(m.ms.median)} | ${sec(m.ms.min)}-${sec(m.ms.max)} | ${sec(m.cpuMs)} | ${mb(m.rssBytes)} | ${mbps.toFixed(1)} |`,
    );
  };
  for (const size of sizes) row('`chart --out`', size, charts[size]);
  row('`validate`', largest, validate);
  row('`export --to .qdpx`', largest, exported);
  row('`import .qdpx` (and validate)', largest, imported);
  row('`search` (no index yet)', largest, searchFirst);
  row('`search` (index kept)', largest, searchCached);
  row('`suggest`', largest, suggested);
  row('`suggest --evaluate`', largest, evaluated);
  row('`chart --auto-summary --out`', largest, autoSummary);
  row(`\`chart --template -f xlsx --out\` (${mb(workbookBytes)} MB workbook)`, largest, workbook);
  row('`summaries import --dry-run` (that workbook)', largest, readBack);
  row(`\`report --out\` (${mb(reportBytes)} MB of files)`, largest, site);
  out.push(`| \`--version\` | - | - | - | - | ${sec(version.median)} | ${sec(version.min)}-${sec(version.max)} | - | - | - |`);
  out.push(`| \`node -e ""\` (baseline) | - | - | - | - | ${sec(baseline.median)} | ${sec(baseline.min)}-${sec(baseline.max)} | - | - | - |`);
  out.push('');
  out.push('Input MB = transcript + annotation bytes (10^6 bytes); peak RSS is the largest of the runs (the child\'s `maxRSS`).');
  // Equal fingerprints mean byte-identical inputs, so reports from different machines compare.
  out.push('Projects: ' + sizes.map((s) => `${s} ${projects[s].fingerprint} (${projects[s].cached ? 'reused' : `generated in ${projects[s].stats.seconds.toFixed(1)} s`})`).join(', ') + '.');
  out.push('');
  out.push('Targets (for information):');
  if (charts.L) {
    out.push(`- chart L <= ${TARGETS.chartLSeconds} s: ${sec(charts.L.ms.median)} s, ${verdict(charts.L.ms.median <= TARGETS.chartLSeconds * 1000)}`);
    out.push(`- chart L peak RSS <= ${TARGETS.chartLRssMB} MB: ${mb(charts.L.rssBytes)} MB, ${verdict(charts.L.rssBytes <= TARGETS.chartLRssMB * 1e6)}`);
  } else out.push('- chart L: not run (add L to --sizes)');
  out.push(`- search ${largest} with its index kept < 1 s: ${sec(searchCached.ms.median)} s, ${verdict(searchCached.ms.median < 1000)}`);
  out.push(`- suggest and suggest --evaluate ${largest} < 60 s: ${sec(suggested.ms.median)} s and ${sec(evaluated.ms.median)} s, ${verdict(suggested.ms.median < 60000 && evaluated.ms.median < 60000)}`);
  out.push(
    `- --version <= ${TARGETS.versionMs} ms: ${version.median.toFixed(0)} ms, ${verdict(version.median <= TARGETS.versionMs)} ` +
      `(node alone: ${baseline.median.toFixed(0)} ms, so dtors adds ${(version.median - baseline.median).toFixed(0)} ms)`,
  );
  process.stdout.write(out.join('\n') + '\n');
}

try {
  await runBenchmark();
} catch (e) {
  if (!(e instanceof RunFailed)) throw e;
  // Show what dtors said, the start of it if it is long (a broken project can mean 100,000 errors).
  const lines = e.stderr.trimEnd().split('\n');
  process.stderr.write(`bench: error: ${e.message}\n${lines.slice(0, 200).join('\n')}\n`);
  if (lines.length > 200) process.stderr.write(`... (${lines.length - 200} more lines)\n`);
  process.exitCode = 1;
}
