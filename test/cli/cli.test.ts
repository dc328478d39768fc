import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_PROJECT, BIN, copyProject, EXAMPLE, FIXTURES, ROOT, runBinary, runInProcess, snapshotDir, tempDir, writeProject, type RunResult } from '../helpers.js';

const BASIC = join(FIXTURES, 'projects', 'basic');
const expected = (name: string) => readFileSync(join(BASIC, 'expected', name), 'utf8');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

// One table of cases, run in-process and through the real binary: both must agree byte for byte.
const CASES: { name: string; args: string[]; code: number; stdout?: string | RegExp; stderr?: string | RegExp }[] = [
  { name: 'version', args: ['--version'], code: 0, stdout: `${VERSION}\n` },
  { name: 'no arguments prints usage', args: [], code: 2, stderr: /Usage: dtors/ },
  { name: 'unknown flag', args: ['chart', '--bogus'], code: 2, stderr: "dtors: error: unknown option '--bogus'\n" },
  { name: 'unknown coder', args: ['chart', BASIC, '--coder', 'alx'], code: 2, stderr: /error unknown-coder: no annotations are by coder "alx"\n  hint: did you mean "alex"\? coders: alex, sam/ },
  { name: 'no case matches --where', args: ['chart', BASIC, '--where', 'route=none', '-t', '2'], code: 0, stderr: /warning no-cases: no case matches the --where filters/ },
  { name: 'long layout as typed JSON', args: ['chart', BASIC, '--layout', 'long', '-f', 'json'], code: 0, stdout: /"start": 2,\n\s+"end": 3,\n\s+"key": true,/ },
  { name: 'missing project', args: ['chart', 'no/such/dir'], code: 2, stderr: /^no\/such\/dir: error project-not-found: no such file or folder: no\/such\/dir\n  hint: / },
  { name: 'chart as Markdown', args: ['chart', BASIC], code: 0, stdout: expected('chart.md'), stderr: '' },
  { name: 'chart as JSON', args: ['chart', BASIC, '-f', 'json'], code: 0, stdout: expected('chart.json') },
  { name: 'one theme as CSV', args: ['chart', BASIC, '-t', '2', '-f', 'csv'], code: 0, stdout: expected('2-outcomes.csv') },
  { name: 'long layout', args: ['chart', BASIC, '--layout', 'long', '-f', 'csv', '--quotes', 'full'], code: 0, stdout: expected('long.csv') },
  { name: 'full quotes without the interviewer', args: ['chart', BASIC, '--quotes', 'full', '--no-interviewer', '--sort', 'route', '--attributes', 'none'], code: 0, stdout: expected('full-no-interviewer.md') },
  { name: 'CSV of several themes on stdout', args: ['chart', BASIC, '-f', 'csv'], code: 2, stderr: /CSV on stdout holds one theme/ },
  { name: 'unknown attribute in --where', args: ['chart', BASIC, '--where', 'rout=cj'], code: 2, stderr: /error unknown-attribute: unknown case attribute "rout"\n  hint: did you mean "route"\?/ },
  { name: 'malformed --where', args: ['chart', BASIC, '--where', 'route'], code: 2, stderr: 'dtors: error: --where takes ATTRIBUTE=VALUE, not "route"\n' },
  { name: 'unknown theme', args: ['chart', BASIC, '--theme', '9'], code: 2, stderr: /unknown-theme/ },
  { name: '--check without --out', args: ['chart', BASIC, '--check'], code: 2, stderr: /--check needs --out/ },
  { name: 'validate a clean project', args: ['validate', BASIC], code: 0, stderr: 'dtors: ok: 3 transcripts, 2 cases, 8 annotations (8 located); 0 errors, 0 warnings\n' },
  { name: 'bad --delimiter', args: ['validate', BASIC, '--delimiter', 'ab'], code: 2, stderr: /option '--delimiter <char>' argument 'ab' is invalid\. the delimiter must be one character/ },
  { name: 'bad --encoding', args: ['validate', BASIC, '--encoding', 'ebcdic'], code: 2, stderr: /Allowed choices are utf8, latin1, windows-1252/ },
  { name: 'help for chart has examples', args: ['chart', '--help'], code: 0, stdout: /Examples:\n {2}dtors chart/ },
];

async function both(args: string[]): Promise<[RunResult, RunResult]> {
  return [await runInProcess(args), runBinary(args)];
}

describe('dtors (in-process and binary)', () => {
  it.each(CASES)('$name', async ({ args, code, stdout, stderr }) => {
    for (const r of await both(args)) {
      expect(r.code).toBe(code);
      if (typeof stdout === 'string') expect(r.stdout).toBe(stdout);
      else if (stdout) expect(r.stdout).toMatch(stdout);
      if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
      else if (stderr) expect(r.stderr).toMatch(stderr);
      expect(r.stderr).not.toMatch(/\n\s+at .*\(/); // never a stack trace
    }
  });
});

describe('validate', () => {
  const bad = () =>
    writeProject({
      'a.csv': 'transcript,code,lines,quote\nP1,1.3,2,\nP1,1.1,,a scipt\nP2,1.2,2,\n',
      'cases.csv': 'case,route\nP1,cj\nP2,other\nP3,x\n',
    });

  it('reports each problem as path:line:col: severity CODE: message, with hints', async () => {
    const dir = bad();
    const r = await runInProcess(['validate', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        'a.csv:2:4: error unknown-code: unknown code "1.3"',
        '  hint: did you mean 1.2 Support or 1.1 Scripts?',
        'a.csv:3:9: error quote-not-found: the quote is not in transcript "P1"',
        '  hint: quotes must match the transcript word for word (white space and curly quotes aside); check for typos or edits to the transcript',
        'cases.csv:4:1: warning case-without-transcript: case "P3" has no transcript',
        '  hint: name its transcripts in the "transcripts" column, or add transcripts/P3.txt',
        'dtors: found problems: 2 transcripts, 3 cases, 3 annotations (1 located); 2 errors, 1 warning',
        '',
      ].join('\n'),
    );
  });

  it('suggests the key meant for an unknown key', async () => {
    const dir = writeProject({ 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nanotations: [a.csv]\n' });
    const r = await runInProcess(['validate', dir]);
    expect(r.stderr).toMatch(/dtors\.yaml:4:1: error unknown-key: unknown key "anotations"\n  hint: did you mean "annotations"\? Allowed: version, title, transcripts, frame, annotations, cases, summaries, speakers, chart\n/);
  });

  it('prints diagnostics as JSON on stdout', async () => {
    const r = runBinary(['validate', '--format', 'json'], bad());
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.summary).toMatchObject({ errors: 2, warnings: 1, transcripts: 2, annotations: 3, anchored: 1 });
    expect(doc.diagnostics[0]).toEqual({ severity: 'error', code: 'unknown-code', message: 'unknown code "1.3"', file: 'a.csv', line: 2, col: 4, hint: 'did you mean 1.2 Support or 1.1 Scripts?' });
  });

  it('turns warnings into errors with --strict', async () => {
    const dir = writeProject({ 'cases.csv': 'case,route\nP1,cj\nP2,other\nP3,x\n' });
    expect((await runInProcess(['validate', dir])).code).toBe(0);
    const r = await runInProcess(['validate', dir, '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cases\.csv:4:1: error case-without-transcript/);
  });

  it('colours messages only on a terminal and never with NO_COLOR', async () => {
    const dir = bad();
    const { main } = await import('../../src/cli/main.js');
    const run = async (env: Record<string, string>) => {
      let err = '';
      await main(['validate', dir], { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, cwd: dir, env, stderrIsTTY: true });
      return err;
    };
    expect(await run({})).toMatch(/\u001b\[/);
    expect(await run({ NO_COLOR: '1' })).not.toMatch(/\u001b\[/);
    expect(runBinary(['validate', dir]).stderr).not.toMatch(/\u001b\[/);
  });

  it('shows progress only on a terminal, cleared before anything else is written', async () => {
    const { main } = await import('../../src/cli/main.js');
    let err = '';
    let out = '';
    const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: ROOT, env: {}, stderrIsTTY: true };
    expect(await main(['chart', BASIC, '-t', '2'], io)).toBe(0);
    expect(err).toContain('\rdtors: locating 8 coded passages in 3 transcripts…');
    expect(err).toMatch(/\r {10,}\r$/);
    expect(out).toBe(expected('chart.md').replace(/## 1 Needs[\s\S]*?(?=## 2)/, ''));
    err = '';
    await main(['chart', BASIC, '-t', '2', '--quiet'], io);
    expect(err).toBe('');
  });

  it('the bundled example and the starter are valid without warnings', async () => {
    for (const dir of [EXAMPLE, join(ROOT, 'examples', 'starter')]) {
      const r = await runInProcess(['validate', dir, '--strict']);
      expect(r.stderr).toMatch(/dtors: ok: .* 0 errors, 0 warnings/);
      expect(r.code).toBe(0);
    }
  });
});

describe('chart --out and --check', () => {
  it('writes every theme in every format plus a manifest, byte-identical on a second run', () => {
    const out = join(tempDir(), 'charts');
    expect(runBinary(['chart', BASIC, '--out', out, '-f', 'csv,markdown,json']).code).toBe(0);
    const first = snapshotDir(out);
    expect(Object.keys(first)).toEqual(['1-needs.csv', '1-needs.json', '1-needs.md', '2-outcomes.csv', '2-outcomes.json', '2-outcomes.md', 'manifest.json']);
    expect(first['2-outcomes.csv']).toBe(Buffer.from(expected('2-outcomes.csv')).toString('latin1'));
    expect(runBinary(['chart', BASIC, '--out', out, '-f', 'csv,markdown,json']).code).toBe(0);
    expect(snapshotDir(out)).toEqual(first);
    const manifest = JSON.parse(first['manifest.json']);
    expect(manifest.generator).toEqual({ name: 'dtors', version: VERSION });
    expect(manifest.inputs.map((i: { path: string }) => i.path)).toEqual([
      'cases.csv', 'coding/alex.csv', 'coding/sam.yaml', 'dtors.yaml', 'frame.yaml', 'summaries.csv', 'transcripts/P10-a.txt', 'transcripts/P10-b.txt', 'transcripts/P2.txt',
    ]);
    expect(manifest.outputs).toHaveLength(6);
    expect(first['manifest.json']).not.toMatch(/\d{4}-\d\d-\d\dT|\/tmp\//);
  });

  it('--check passes when up to date and fails, writing nothing, after an annotation changes', () => {
    const project = copyProject(BASIC);
    const out = join(project, 'charts');
    expect(runBinary(['chart', '--out', 'charts'], project).code).toBe(0);
    const before = snapshotDir(out);
    const ok = runBinary(['chart', '--out', 'charts', '--check'], project);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('dtors: 5 files in charts are up to date\n');
    const csv = join(project, 'coding', 'alex.csv');
    writeFileSync(csv, readFileSync(csv, 'utf8').replace('Uses less now', 'Uses much less now'));
    const stale = runBinary(['chart', '--out', 'charts', '--check'], project);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe(
      'charts/2-outcomes.csv: stale\ncharts/2-outcomes.md: stale\ncharts/manifest.json: stale\n' +
        '  changed since the charts were made: coding/alex.csv\n' +
        'dtors: 3 files in charts are out of date; run the same command without --check to update them\n',
    );
    expect(snapshotDir(out)).toEqual(before);
  });

  it('reports missing files and removes outputs a theme no longer produces', () => {
    const project = copyProject(BASIC);
    expect(runBinary(['chart', '--out', 'charts'], project).code).toBe(0);
    const frame = join(project, 'frame.yaml');
    writeFileSync(frame, readFileSync(frame, 'utf8').replace('label: Outcomes', 'label: Results'));
    const r = runBinary(['chart', '--out', 'charts', '--check'], project);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/charts\/2-results\.csv: missing\n/);
    expect(r.stderr).toMatch(/charts\/2-outcomes\.csv: obsolete/);
    expect(runBinary(['chart', '--out', 'charts'], project).code).toBe(0);
    expect(readdirSync(join(project, 'charts')).sort()).toEqual(['1-needs.csv', '1-needs.md', '2-results.csv', '2-results.md', 'manifest.json']);
  });

  it('keeps the committed example charts in step with its coding', () => {
    const r = runBinary(['chart', EXAMPLE, '--out', join(EXAMPLE, 'charts'), '--check']);
    expect(r.stderr).toMatch(/up to date/);
    expect(r.code).toBe(0);
  });

  it('a failed run leaves existing outputs untouched and no temporary files', () => {
    const project = copyProject(BASIC);
    expect(runBinary(['chart', '--out', 'charts'], project).code).toBe(0);
    const before = snapshotDir(join(project, 'charts'));
    writeFileSync(join(project, 'coding', 'alex.csv'), 'transcript,code,lines\nP2,9.9,1\n');
    const r = runBinary(['chart', '--out', 'charts'], project);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^coding\/alex\.csv:2:4: error unknown-code/);
    expect(snapshotDir(join(project, 'charts'))).toEqual(before);
  });

  it('an output folder that cannot be created is a coded error at that path, exit 2', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const r = runBinary(['chart', BASIC, '--out', join(dir, 'file', 'charts')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/file\/charts: error output-not-writable: cannot write to .*file\/charts: ENOTDIR\n  hint: part of the path is a file/);
  });

  it('records options whose order changes nothing in a fixed order', () => {
    const out = join(tempDir(), 'charts');
    expect(runBinary(['chart', BASIC, '--out', out, '-f', 'csv,markdown', '-t', '1,2']).code).toBe(0);
    expect(runBinary(['chart', BASIC, '--out', out, '-f', 'markdown,csv', '-t', '2', '-t', '1', '--check']).code).toBe(0);
  });

  it('--out naming a file is an environment error', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, 'x');
    for (const extra of [[], ['--check']]) {
      const r = runBinary(['chart', BASIC, '--out', file, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is a file, not a folder for the charts/);
    }
  });

  it('--where values may contain commas', async () => {
    const dir = writeProject({ 'cases.csv': 'case,area\nP1,"North, East"\nP2,South\n' });
    const r = await runInProcess(['chart', dir, '--where', 'area=North, East', '-f', 'csv', '-t', '1', '-a', 'area']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/^P1,"North, East",/);
    expect(r.stdout).not.toContain('P2');
  });

  it('a format named twice is written once', () => {
    const out = join(tempDir(), 'charts');
    expect(runBinary(['chart', BASIC, '--out', out, '-f', 'csv,markdown,csv']).code).toBe(0);
    expect(readdirSync(out)).toHaveLength(5);
  });

  it('reads transcripts that are not UTF-8 with --encoding, and UTF-8 ones as UTF-8', async () => {
    const dir = writeProject({ 't/P2.txt': Uint8Array.from([...Buffer.from('INT: Hello?\nRESP: Support mostly, caf'), 0xe9, 0x0a]), 't/P1.txt': 'INT: Hello?\nRESP: I wanted a script \u2019.\nRESP: And support from my keyworker.\n' });
    expect((await runInProcess(['validate', dir])).stderr).toMatch(/t\/P2\.txt:2:\d+: error invalid-encoding: transcript is not valid text: byte 0xe9 at offset 37/);
    const r = await runInProcess(['chart', dir, '--encoding', 'windows-1252', '--quotes', 'full', '-t', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"Support mostly, café" (P2:2)');
    expect(r.stdout).toContain('"I wanted a script \u2019." (P1:2)');
  });

  it('--excel writes a BOM and CRLF; --raw leaves formulas alone', () => {
    const excel = runBinary(['chart', BASIC, '-t', '2', '-f', 'csv', '--excel']).stdout;
    expect(excel.startsWith('\ufeffcase,route,2.1 Use\r\n')).toBe(true);
    expect(excel).toContain('"\'=SUM(A1)');
    const raw = runBinary(['chart', BASIC, '-t', '2', '-f', 'csv', '--raw']).stdout;
    expect(raw).toContain('"=SUM(A1)');
  });
});

describe('pipes and init', () => {
  it('ends quietly with 0 when the reader closes the pipe', () => {
    const big = join(tempDir(), 'ex');
    const r = spawnSync('bash', ['-c', `set -o pipefail; for i in 1 2 3 4 5 6 7 8; do cat; done < /dev/null; node ${JSON.stringify(BIN)} chart ${JSON.stringify(EXAMPLE)} --quotes full | head -c 100 > /dev/null`], {
      encoding: 'utf8',
    });
    expect(big).toBeTruthy();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('init writes a valid starter project; --example copies the example', async () => {
    const dir = join(tempDir(), 'study');
    const r = runBinary(['init', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['.gitattributes', 'annotations', 'cases.csv', 'dtors.yaml', 'frame.yaml', 'summaries.csv', 'transcripts']);
    expect(readFileSync(join(dir, 'dtors.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\/.*\/schemas\/dtors\.schema\.json\n/);
    expect(runBinary(['validate', dir, '--strict']).code).toBe(0);
    const ex = join(tempDir(), 'demo');
    expect(runBinary(['init', ex, '--example']).code).toBe(0);
    expect(runBinary(['chart', ex, '--out', join(ex, 'charts'), '--check']).code).toBe(0);
  });

  it('init refuses a file', () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, 'x');
    const r = runBinary(['init', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dtors: error: .* is a file; name a new or empty folder\n$/);
  });

  it('init refuses a folder that is not empty', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'x'));
    const r = runBinary(['init', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not empty/);
    expect(existsSync(join(dir, 'dtors.yaml'))).toBe(false);
  });
});

describe('workflow details', () => {
  it('finds the project from a subfolder when none is named', async () => {
    const dir = writeProject();
    const r = await runInProcess(['validate'], join(dir, 't'));
    expect(r.code).toBe(0);
    const named = await runInProcess(['validate', '.'], join(dir, 't'));
    expect(named.code).toBe(0);
  });

  it('refuses to write charts where the coding or the project file is read from', async () => {
    const dir = writeProject({ 'coding/a.csv': BASE_PROJECT['a.csv'], 'a.csv': null, 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: coding/*.csv\n' });
    for (const out of ['coding', '.']) {
      const r = await runInProcess(['chart', dir, '--out', join(dir, out)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/write the charts to a folder of their own/);
    }
  });

  it('says when only the record of the inputs changed', async () => {
    const dir = writeProject();
    expect((await runInProcess(['chart', dir, '--out', join(dir, 'charts')])).code).toBe(0);
    const csv = join(dir, 'a.csv');
    const [head, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
    writeFileSync(csv, [head, ...rows.reverse()].join('\n') + '\n');
    const r = await runInProcess(['chart', dir, '--out', join(dir, 'charts'), '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/manifest\.json: stale\n {2}changed since the charts were made: a\.csv\n {2}the charts themselves are unchanged/);
  });

  it('warns about coded lines that are blank, and names no other interview for a missing one', async () => {
    const dir = writeProject({ 't/P1.txt': 'INT: Hello?\n\nRESP: I wanted a script.\nRESP: And support from my keyworker.\n', 'a.csv': 'transcript,code,lines\nP1,1.1,2\nP2,1.2,2\nP3,1.2,1\n' });
    const r = await runInProcess(['chart', dir]);
    expect(r.stderr).toMatch(/a\.csv:2:8: warning blank-passage: lines 2 of "P1" are blank/);
    expect(r.stderr).toMatch(/unknown transcript "P3"\n  hint: no transcript file is named P3\.txt/);
    expect(r.stderr).toMatch(/dtors: no charts written; fix the errors above\n$/);
  });
});

describe('frame problems found by validate and chart alike', () => {
  it('themes whose chart files would collide', async () => {
    const dir = writeProject({
      'frame.yaml': 'themes:\n  - id: "1"\n    label: Needs\n    subthemes:\n      - id: "1.1"\n        label: Scripts\n      - id: "1.2"\n        label: Support\n  - id: "1."\n    label: Needs\n',
    });
    for (const cmd of ['validate', 'chart']) {
      const r = await runInProcess([cmd, dir, '--out', join(dir, 'charts')].slice(0, cmd === 'chart' ? 4 : 2));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/frame\.yaml:9:9: error file-name-clash: themes 1 and 1\. would both be written to 1-needs\.\*/);
    }
    expect(existsSync(join(dir, 'charts'))).toBe(false);
  });
});
