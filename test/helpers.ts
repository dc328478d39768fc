import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.js';
import type { Io } from '../src/cli/output.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'dtors.js');
export const EXAMPLE = join(ROOT, 'examples', 'dtors');
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs main() in-process with captured streams. */
export async function runInProcess(args: string[], cwd = ROOT, env: Record<string, string | undefined> = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env,
    stderrIsTTY: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Runs the built binary as a user would. */
export function runBinary(args: string[], cwd = ROOT, env: Record<string, string> = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'dtors-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A scratch copy of a project folder. */
export function copyProject(src: string): string {
  const dir = join(tempDir(), 'project');
  cpSync(src, dir, { recursive: true });
  return dir;
}

/** Every file below `dir` with its bytes, for comparing whole output folders. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'latin1');
    }
  };
  walk(dir);
  return out;
}

/** A small valid project; tests override single files to make it wrong in one way. */
export const BASE_PROJECT: Record<string, string> = {
  'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\ncases: cases.csv\n',
  'frame.yaml': 'themes:\n  - id: "1"\n    label: Needs\n    subthemes:\n      - id: "1.1"\n        label: Scripts\n      - id: "1.2"\n        label: Support\n',
  't/P1.txt': 'INT: Hello?\nRESP: I wanted a script.\nRESP: And support from my keyworker.\n',
  't/P2.txt': 'INT: Hello?\nRESP: Support mostly.\n',
  'a.csv': 'transcript,code,lines,quote,summary\nP1,1.1,2,,Wanted a script\nP1,1.2,,support from my keyworker,Keyworker\nP2,1.2,2,,Support\n',
  'cases.csv': 'case,route\nP1,cj\nP2,other\n',
};

/** Writes a project (BASE_PROJECT with `files` on top; a null value removes a file) to a temp folder. */
export function writeProject(files: Record<string, string | Uint8Array | null> = {}): string {
  const dir = join(tempDir(), 'p');
  const all = { ...BASE_PROJECT, ...files };
  for (const [name, content] of Object.entries(all)) {
    if (content === null) continue;
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}
