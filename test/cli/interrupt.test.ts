/**
 * Nothing lost: a chart run stopped by SIGINT or SIGTERM while it writes, or whose reader goes away,
 * leaves every existing output byte-identical and no temporary file behind. Driven with real child
 * processes; test/cli/slow-writes.mjs slows the writing down from outside so the signal lands mid-write.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, copyProject, EXAMPLE, runBinary, snapshotDir } from '../helpers.js';

const SLOW = fileURLToPath(new URL('./slow-writes.mjs', import.meta.url));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A project with charts written by an earlier run, and coding changed since, so a new run would change them. */
function projectWithCharts(): { dir: string; out: string } {
  const dir = copyProject(EXAMPLE);
  const out = join(dir, 'charts');
  expect(runBinary(['chart', dir, '--out', out, '-q']).code).toBe(0);
  appendFileSync(join(dir, 'summaries.csv'), 'P03,1.1,Changed after the charts were written,,amira\n');
  return { dir, out };
}

function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.\d+\.(tmp|old)$/.test(f));
}

/** Starts dtors with slowed writes; sends `signal` once the first staged file appears in `out`. */
function interruptMidWrite(args: string[], out: string, signal: NodeJS.Signals): Promise<Exit & { sentWhileStaging: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', SLOW, BIN, ...args], { env: { ...process.env, NO_COLOR: '1', DTORS_TEST_WRITE_DELAY_MS: '400' } });
    let stdout = '';
    let stderr = '';
    let sentWhileStaging = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      if (existsSync(out) && tempFiles(out).length > 0) {
        clearInterval(poll);
        sentWhileStaging = true;
        child.kill(signal);
      }
    }, 10);
    const timer = setTimeout(() => {
      clearInterval(poll);
      child.kill('SIGKILL');
      reject(new Error(`no staged file appeared in ${out}\n${stderr}`));
    }, 30_000);
    child.on('close', (code, sig) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal: sig, stdout, stderr, sentWhileStaging });
    });
  });
}

describe('interrupted while writing charts', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s leaves the charts as they were, and no temporary files (exit %i)', async (signal, status) => {
    const { dir, out } = projectWithCharts();
    const before = snapshotDir(out);
    const r = await interruptMidWrite(['chart', dir, '--out', out], out, signal);
    expect(r.sentWhileStaging).toBe(true);
    expect(r.code, r.stderr).toBe(status);
    expect(r.stderr).toContain(`interrupted (${signal}); nothing in`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshotDir(out)).toEqual(before);
    expect(tempFiles(dir)).toEqual([]);
  });

  it('a run that is not interrupted writes every chart, with the slowed writes too', async () => {
    const { dir, out } = projectWithCharts();
    const before = snapshotDir(out);
    const r = await new Promise<Exit>((resolve) => {
      const child = spawn(process.execPath, ['--import', SLOW, BIN, 'chart', dir, '--out', out, '-q'], { env: { ...process.env, DTORS_TEST_WRITE_DELAY_MS: '5' } });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect(snapshotDir(out)).not.toEqual(before);
    expect(tempFiles(dir)).toEqual([]);
  });

  it('SIGINT before anything is written stops at once and changes nothing', async () => {
    const { dir, out } = projectWithCharts();
    const before = snapshotDir(out);
    const r = await new Promise<Exit>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'chart', dir, '--out', out]);
      // Signalled as soon as it runs: it is still starting or reading, with nothing staged.
      child.once('spawn', () => setTimeout(() => child.kill('SIGINT'), 50));
      child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr: '' }));
    });
    expect(r.code === 130 || r.signal === 'SIGINT').toBe(true);
    expect(snapshotDir(out)).toEqual(before);
    expect(tempFiles(dir)).toEqual([]);
  });
});

describe('a reader that goes away (EPIPE)', () => {
  it('`dtors chart | head` ends quietly with 0', async () => {
    const r = await new Promise<Exit>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'chart', EXAMPLE, '--quotes', 'full']);
      let stderr = '';
      let got = 0;
      child.stdout.on('data', (d: Buffer) => {
        got += d.length;
        // Like `head -c 1000`: read a little, then close the pipe while dtors is still writing.
        if (got >= 1000) child.stdout.destroy();
      });
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a closed stderr does not stop the charts being written', async () => {
    const dir = copyProject(EXAMPLE);
    const out = join(dir, 'charts');
    const r = await new Promise<Exit>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'chart', dir, '--out', out]);
      child.stderr.destroy();
      child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr: '' }));
    });
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toContain('manifest.json');
    expect(tempFiles(dir)).toEqual([]);
  });
});
