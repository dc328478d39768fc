import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { error } from '../model/diagnostics.js';
import type { Diagnostic, FileStamp, Pos } from '../model/types.js';
import { decode, type Encoding } from './decode.js';
import { LIMITS, maxBytes, megabytes, type FileKind } from './limits.js';
import { codePointLength, LineIndex } from './text.js';

export interface TextFile {
  path: string;
  text: string;
  /** Of the bytes read; '' when the reader asked for no hash. */
  sha256: string;
  bytes: number;
  /** The stat taken before reading. */
  stamp: FileStamp;
}

/**
 * A file trusted unread (LoadOptions.known) that could not be read as it was when trusted: it changed
 * or went away during the run. The only input problem that is thrown rather than returned, because it
 * surfaces deep inside a command; the CLI reports it and asks for the command to be run again.
 */
export class InputChanged extends Error {}

export function stampOf(st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): FileStamp {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino };
}

export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What a file holds, from its name: it decides the file's size cap. */
export function fileKind(path: string): FileKind {
  const ext = extname(path).toLowerCase();
  return ext === '.csv' || ext === '.tsv' ? 'csv' : ext === '.yaml' || ext === '.yml' ? 'yaml' : 'transcript';
}

/** The bytes a project may still read (LIMITS.projectBytes in all); shared by every read of one load. */
export interface Budget {
  left: number;
}

export function projectBudget(): Budget {
  return { left: LIMITS.projectBytes };
}

/**
 * Reads and decodes one input file. Problems become diagnostics at the place that named the file
 * (`from`), or at the file itself when the problem is inside it. Sizes are checked before a byte is
 * read, and only regular files are read: a FIFO or a device named like a transcript would block or
 * never end.
 */
export function readTextFile(
  path: string,
  opts: { encoding?: Encoding; what: string; from?: Pos; shown?: string; kind?: FileKind; budget?: Budget; hash?: boolean },
): { file?: TextFile; diagnostics: Diagnostic[] } {
  // Messages name the file as the user wrote it (relative to the project), not by its absolute path.
  const shown = opts.shown ?? path;
  const here = opts.from ?? { file: path };
  const fail = (d: Diagnostic) => ({ diagnostics: [d] });
  let bytes: Buffer;
  let stamp: FileStamp;
  try {
    const st = statSync(path);
    stamp = stampOf(st);
    if (st.isDirectory()) return fail(error('not-a-file', `${opts.what} ${shown} is a folder, not a file`, opts.from ?? { path }));
    if (!st.isFile()) {
      return fail(error('not-a-file', `${opts.what} ${shown} is not a regular file (a pipe, socket or device)`, here, 'point dtors at a plain-text file saved on disk'));
    }
    const kind = opts.kind ?? fileKind(path);
    const cap = maxBytes(kind);
    if (st.size > cap) {
      const hint =
        kind === 'yaml'
          ? 'keep large coding in CSV (read much faster than YAML), or split the file; see docs/limits.md'
          : kind === 'transcript'
            ? 'a transcript this large is usually not one interview (or not text): split it, or check what was exported; see docs/limits.md'
            : 'split the table into several files; see docs/limits.md';
      return fail(error('file-too-large', `${opts.what} is ${megabytes(st.size)}; the limit for a ${kind === 'transcript' ? 'transcript' : kind === 'lock' ? 'lock file' : `${kind.toUpperCase()} file`} is ${megabytes(cap)}`, { file: path }, hint));
    }
    if (opts.budget) {
      if (st.size > opts.budget.left) {
        return fail(
          error('project-too-large', `the project's files come to more than ${megabytes(LIMITS.projectBytes)}; ${shown} and what follows it are not read`, { file: path }, 'chart a part of the study at a time (a project per site or wave); see docs/limits.md'),
        );
      }
      opts.budget.left -= st.size;
    }
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail(error('missing-file', `${opts.what} not found: ${shown}`, opts.from ?? { path }));
    if (code === 'ELOOP') return fail(error('symlink-loop', `${opts.what} ${shown} is a symbolic link that leads back to itself`, here, 'replace the link with the file it should point to'));
    return fail(error('unreadable-file', `cannot read ${opts.what} ${shown}: ${code ?? (e as Error).message}`, here, code === 'EACCES' || code === 'EPERM' ? 'check the file\'s permissions' : undefined));
  }
  const kind = formatOf(bytes);
  if (kind) {
    return fail(error('binary-file', `${opts.what} ${shown} is ${kind}, not plain text`, { file: path }, opts.kind === 'transcript' || fileKind(path) === 'transcript' ? 'save the interview as plain text (.txt) from the program that made it' : 'export it as plain text (CSV or YAML) from the program that made it'));
  }
  const d = decode(bytes, opts.encoding);
  if (d.ok) {
    // A NUL is never part of a text a person typed: the file is binary, or in an encoding with no BOM.
    const nul = d.text.indexOf('\0');
    if (nul !== -1) {
      return fail(error('binary-file', `${opts.what} contains a NUL character: it is not a plain-text file`, new LineIndex(d.text).pos(path, nul), 'save it as plain text (UTF-8); a UTF-16 file needs its byte-order mark'));
    }
  }
  if (!d.ok) {
    return fail(
      error('invalid-encoding', `${opts.what} is not valid text: ${d.reason}`, { file: path, ...bytePosition(bytes, d.offset) }, 'save it as UTF-8, or pass --encoding windows-1252 (or latin1) if that is what it is'),
    );
  }
  // hash: false for a file no record is kept of (the lock, 50 MB in a large study): '' then.
  return { file: { path, text: d.text, sha256: opts.hash === false ? '' : sha256(bytes), bytes: bytes.length, stamp }, diagnostics: [] };
}

/** File formats that people save under a .txt or .csv name by mistake, from their first bytes. */
const SIGNATURES: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (a Word .docx or Excel .xlsx file?)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Word or Excel file (.doc, .xls)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG picture'],
  [[0xff, 0xd8, 0xff], 'a JPEG picture'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF picture'],
  [[0x7b, 0x5c, 0x72, 0x74, 0x66], 'an RTF document'],
];

function formatOf(bytes: Uint8Array): string | undefined {
  return SIGNATURES.find(([magic]) => magic.every((b, i) => bytes[i] === b))?.[1];
}

/**
 * Line and column (in characters) of a byte offset in a file whose bytes before it are valid UTF-8
 * (the first undecodable byte, as decode() reports it); UTF-16 files are located by their text.
 */
export function bytePosition(bytes: Uint8Array, offset: number): { line: number; col: number } {
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16) {
    // Decoded leniently, the first replacement character is where the file stops being UTF-16.
    const text = new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(bytes.subarray(2));
    const bad = text.indexOf('\ufffd');
    const { line, col } = new LineIndex(text).pos('', bad === -1 ? text.length : bad);
    return { line, col };
  }
  const end = Math.min(offset, bytes.length);
  let line = 1;
  let start = 0;
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    // Line ends as transcripts count them: LF, CRLF or a lone CR.
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) {
      line++;
      start = i + 1;
    }
  }
  const bom = start === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const before = Buffer.from(bytes.subarray(start + bom, Math.max(end, start + bom))).toString('utf8');
  return { line, col: codePointLength(before, 0, before.length) + 1 };
}
