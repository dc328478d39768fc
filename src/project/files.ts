import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { error } from '../model/diagnostics.js';
import type { Diagnostic, Pos } from '../model/types.js';
import { decode, type Encoding } from './decode.js';

/** Input files larger than this are refused before they are read (see docs/errors.md, file-too-large). */
export const MAX_INPUT_BYTES = 100 * 1024 * 1024;

export interface TextFile {
  path: string;
  text: string;
  sha256: string;
  bytes: number;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Reads and decodes one input file. Problems become diagnostics at the place that named the file
 * (`from`), or at the file itself when the problem is inside it.
 */
export function readTextFile(
  path: string,
  opts: { encoding?: Encoding; what: string; from?: Pos; shown?: string },
): { file?: TextFile; diagnostics: Diagnostic[] } {
  // Messages name the file as the user wrote it (relative to the project), not by its absolute path.
  const shown = opts.shown ?? path;
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (st.isDirectory()) {
      return { diagnostics: [error('not-a-file', `${opts.what} ${shown} is a folder, not a file`, opts.from ?? { file: path })] };
    }
    if (st.size > MAX_INPUT_BYTES) {
      return {
        diagnostics: [
          error('file-too-large', `${opts.what} is ${(st.size / 1048576).toFixed(0)} MB; the limit is ${MAX_INPUT_BYTES / 1048576} MB`, { file: path }),
        ],
      };
    }
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { diagnostics: [error('missing-file', `${opts.what} not found: ${shown}`, opts.from ?? { file: path })] };
    }
    return { diagnostics: [error('unreadable-file', `cannot read ${opts.what} ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, opts.from ?? { file: path })] };
  }
  const d = decode(bytes, opts.encoding);
  if (!d.ok) {
    return {
      diagnostics: [
        error('invalid-encoding', `${opts.what} is not valid text: ${d.reason}`, { file: path }, 'save it as UTF-8, or pass --encoding windows-1252 (or latin1) if that is what it is'),
      ],
    };
  }
  return { file: { path, text: d.text, sha256: sha256(bytes), bytes: bytes.length }, diagnostics: [] };
}
