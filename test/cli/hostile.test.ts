/**
 * The hostile-input corpus: every case in test/fixtures/hostile/ is a small project (the files that
 * differ from `_base/`) and a `case.yaml` naming the command, the exit code and the diagnostics it
 * must give, each as `path:line:col severity code`. Each case runs in-process and through the real
 * binary; a failing run must also leave an existing charts folder byte-identical, with no temporary
 * files anywhere, and no run may print a stack trace or take more than a few seconds.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, FIXTURES, runInProcess, snapshotDir, tempDir } from '../helpers.js';

const CORPUS = join(FIXTURES, 'hostile');
const BASE = join(CORPUS, '_base');

interface Case {
  about: string;
  run?: string[];
  setup?: string;
  remove?: string[];
  exit: number;
  expect?: string[];
  /** Diagnostic codes that must not be reported (a case that shows something is accepted). */
  absent?: string[];
  /** Text the output must hold (stdout, then stderr). */
  stdout?: string;
  /** Skipped, with this reason, when the machine cannot stage the case (e.g. running as root). */
  needs?: 'non-root' | 'mkfifo';
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
  .map((e) => e.name)
  .sort()
  .map((name) => ({ name, spec: parse(readFileSync(join(CORPUS, name, 'case.yaml'), 'utf8')) as Case }));

/** Files no fixture can hold in git: made when the case is staged. */
const SETUPS: Record<string, (dir: string) => void> = {
  // A sparse file: 200 MB long, no disk used; dtors must refuse it by its size without reading it.
  'transcript-200mb': (dir) => {
    writeFileSync(join(dir, 'transcripts/P03.txt'), '');
    truncateSync(join(dir, 'transcripts/P03.txt'), 200 * 1024 * 1024);
  },
  // Real coding, 1.5 MB of it, in YAML: above the YAML cap.
  'yaml-many-mb': (dir) => {
    const row = '  - {transcript: P01, code: "1.1", lines: 5-6, summary: "Referred by GP after disclosing drug use during visits about sleep"}\n';
    writeFileSync(join(dir, 'annotations/more.yaml'), `annotations:\n${row.repeat(Math.ceil((1.5 * 1024 * 1024) / row.length))}`);
  },
  'csv-many-mb': (dir) => {
    const row = 'P01,1.1,5-6,,Referred by GP after disclosing drug use during visits about sleep,,,me\n';
    writeFileSync(join(dir, 'annotations/more.csv'), `transcript,code,lines,quote,summary,note,key,coder\n${row.repeat(Math.ceil((17 * 1024 * 1024) / row.length))}`);
  },
  // 260,000 coded passages in two files, each well within the size limit.
  'too-many-annotations': (dir) => {
    for (const name of ['more-a.csv', 'more-b.csv']) writeFileSync(join(dir, 'annotations', name), `transcript,code,lines\n${'P01,1.1,5\n'.repeat(130_000)}`);
  },
  // Next to the project: 400 links to one folder of 300 files, 120,000 entries to walk through the links.
  'wide-links': (dir) => {
    const wide = join(dir, '..', 'wide');
    mkdirSync(join(wide, 'files'), { recursive: true });
    for (let i = 0; i < 300; i++) writeFileSync(join(wide, 'files', `f${i}.dat`), '');
    for (let i = 0; i < 400; i++) symlinkSync('files', join(wide, `l${i}`));
  },
  // 200,000 blank lines after a turn: a speaker pattern run across line ends once made this quadratic.
  'blank-lines': (dir) => writeFileSync(join(dir, 'transcripts/P03.txt'), `INT: Hello?\nRESP: I wanted a script.\n${'\n'.repeat(200_000)}`),
  // Every row of a long file with the same mistake.
  'flood': (dir) => writeFileSync(join(dir, 'annotations/more.csv'), `transcript,code,lines\n${'P01,9.9,5\n'.repeat(5000)}`),
  'symlink-loop-folder': (dir) => symlinkSync('..', join(dir, 'transcripts/again')),
  'symlink-loop-file': (dir) => {
    symlinkSync('P04.txt', join(dir, 'transcripts/P03.txt'));
    symlinkSync('P03.txt', join(dir, 'transcripts/P04.txt'));
  },
  'dangling-symlink': (dir) => symlinkSync('gone/P09.txt', join(dir, 'transcripts/P09.txt')),
  fifo: (dir) => {
    const r = spawnSyncOk('mkfifo', [join(dir, 'transcripts/P03.txt')]);
    if (!r) throw new Error('mkfifo failed');
  },
  unreadable: (dir) => {
    writeFileSync(join(dir, 'transcripts/P03.txt'), 'RESP: hidden\n', { mode: 0 });
  },
  'output-is-a-file': (dir) => writeFileSync(join(dir, 'out'), 'not a folder\n'),
};

function spawnSyncOk(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args).status === 0;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasMkfifo = spawnSyncOk('sh', ['-c', 'command -v mkfifo']);

function skipReason(spec: Case): string | undefined {
  if (spec.needs === 'non-root' && isRoot) return 'running as root, which reads any file';
  if (spec.needs === 'mkfifo' && !hasMkfifo) return 'no mkfifo';
  return undefined;
}

/** The case's project in a scratch folder, with a charts folder from an earlier run to protect. */
function stage(name: string, spec: Case): string {
  const dir = join(tempDir('dtors-hostile-'), 'project');
  cpSync(BASE, dir, { recursive: true });
  const own = join(CORPUS, name);
  for (const entry of readdirSync(own)) {
    if (entry === 'case.yaml') continue;
    // A case's folder may stand where the base has a file of that name (and is then merged, not replaced).
    if (existsSync(join(dir, entry)) && statSync(join(dir, entry)).isDirectory() !== statSync(join(own, entry)).isDirectory()) rmSync(join(dir, entry), { recursive: true });
    cpSync(join(own, entry), join(dir, entry), { recursive: true });
  }
  for (const r of spec.remove ?? []) rmSync(join(dir, r), { recursive: true, force: true });
  if (spec.setup) SETUPS[spec.setup](dir);
  mkdirSync(join(dir, 'charts'));
  writeFileSync(join(dir, 'charts/1-getting-help.csv'), 'case,1.1 Routes into treatment\nP01,from an earlier run\n');
  writeFileSync(join(dir, 'charts/manifest.json'), '{"earlier": true}\n');
  return dir;
}

function checkOutput(spec: Case, code: number, stdout: string, stderr: string): void {
  const shown = `exit ${code}\n--- stderr\n${stderr}--- stdout\n${stdout.slice(0, 2000)}`;
  expect(code, shown).toBe(spec.exit);
  expect(stderr, 'no stack trace').not.toMatch(/\n\s+at .+[(:]\d+|internal error/);
  for (const e of spec.expect ?? []) {
    const [where, severity, code_] = e.split(' ');
    const line = `${where}: ${severity} ${code_}: `;
    expect(stderr.split('\n').some((l) => l.startsWith(line)), `expected a line starting "${line}"\n${shown}`).toBe(true);
  }
  // A diagnostic of that code is a line of its own: the code quoted inside another message is not one.
  for (const a of spec.absent ?? []) expect(stderr, `no ${a}`).not.toMatch(new RegExp(`^[^\\s:]+(:\\d+:\\d+)?: (error|warning) ${a}: `, 'm'));
  if (spec.stdout) expect(stdout + stderr).toContain(spec.stdout);
  // Every error and warning names its code and place (file:line:col, or a path with no lines).
  for (const l of stderr.split('\n')) {
    if (/(^|: )(error|warning)\b/.test(l) && !l.startsWith('dtors: ')) expect(l, shown).toMatch(/^\S.*?(:\d+:\d+)?: (error|warning) [a-z0-9-]+: \S/);
  }
}

/** Files dtors left behind that a user would have to clean up. */
function leftovers(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isSymbolicLink()) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.\d+\.(tmp|old)$/.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function runBinaryAsync(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // A hang fails the case (no exit code) instead of stalling CI; no timing is asserted.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

describe('hostile-input corpus', () => {
  it('has at least 50 cases, each with an expected exit code', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    for (const c of cases) expect([0, 1, 2], c.name).toContain(c.spec.exit);
    for (const c of cases) if (c.spec.setup) expect(SETUPS, c.name).toHaveProperty(c.spec.setup);
  });
});

describe.each(cases)('$name', ({ name, spec }) => {
  const skip = skipReason(spec);
  const args = spec.run ?? ['validate'];

  it.skipIf(Boolean(skip))(`in-process: ${spec.about}`, async () => {
    const dir = stage(name, spec);
    const before = snapshotDir(join(dir, 'charts'));
    const r = await runInProcess(args, dir, { NO_COLOR: '1' });
    checkOutput(spec, r.code, r.stdout, r.stderr);
    if (spec.exit !== 0) {
      // Whatever failed validation must not chart either, and must leave earlier charts alone.
      const c = await runInProcess(args[0] === 'chart' ? args : ['chart', '--out', 'charts'], dir, { NO_COLOR: '1' });
      expect(c.code, c.stderr).not.toBe(0);
      expect(snapshotDir(join(dir, 'charts'))).toEqual(before);
    }
    expect(leftovers(dir)).toEqual([]);
  });

  (skip ? it.skip : it.concurrent)(`binary: ${spec.about}`, async () => {
    const dir = stage(name, spec);
    const before = snapshotDir(join(dir, 'charts'));
    const r = await runBinaryAsync(args, dir);
    checkOutput(spec, r.code, r.stdout, r.stderr);
    if (spec.exit !== 0) expect(snapshotDir(join(dir, 'charts'))).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
    expect(existsSync(join(dir, 'charts'))).toBe(true);
  });
});
