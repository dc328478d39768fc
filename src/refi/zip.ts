/**
 * Zip archives for REFI-QDA projects (.qdpx). Reading goes through yauzl, which reads the central
 * directory first: every entry's name and declared sizes are known, and checked, before a byte is
 * inflated, and only the entries the import needs (the .qde and the text sources) are inflated at
 * all, so a project holding hours of video costs nothing to open. Writing goes through fflate, with a
 * fixed entry order and date so that the same project gives the same bytes.
 */
import type { Readable } from 'node:stream';
import { zipSync } from 'fflate';
import yauzl from 'yauzl';

/** The caps an archive must keep to. Each is far above a real project (docs/limits.md). */
export const ZIP_LIMITS = {
  /** Sources (at most 10,000 transcripts) with their rich-text twins and media: 50,000 is ample. */
  entries: 50_000,
  /** The project file (.qde): the largest real one seen is a few MB; XML of 100,000 passages is ~60 MB. */
  qdeBytes: 256 * 1024 * 1024,
  /** One text source, as for a transcript. */
  sourceBytes: 20 * 1024 * 1024,
  /** Everything inflated in one import. */
  totalBytes: 1024 * 1024 * 1024,
  /**
   * Inflated size over compressed size, for entries above 1 MB. Text and XML deflate to a tenth or a
   * twentieth; deflate cannot exceed ~1032:1, which is what a zip bomb's entries come close to.
   */
  ratio: 200,
} as const;

/** Why an archive was refused: `unsafe` for what looks like an attack, `unreadable` for damage. */
export class ZipProblem extends Error {
  constructor(
    readonly kind: 'unsafe' | 'unreadable',
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface ZipEntryInfo {
  name: string;
  size: number;
  compressedSize: number;
  directory: boolean;
}

export interface ZipReader {
  entries: ZipEntryInfo[];
  /** Inflates one entry, refusing it past `cap` bytes (whatever its header claimed). */
  read(name: string, cap: number): Promise<Uint8Array>;
  close(): void;
}

/** Opens an archive from a file (read as needed) or from bytes already in memory (stdin). */
export async function openZip(source: string | Uint8Array): Promise<ZipReader> {
  const options: yauzl.Options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true, strictFileNames: false };
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (err: Error | null, z: yauzl.ZipFile) => (err ? reject(translate(err)) : resolve(z));
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(Buffer.from(source.buffer, source.byteOffset, source.byteLength), options, done);
  });
  if (zip.entryCount > ZIP_LIMITS.entries) {
    zip.close();
    throw new ZipProblem('unsafe', `the archive has ${zip.entryCount} entries; more than ${ZIP_LIMITS.entries} is not a project`);
  }
  const byName = new Map<string, yauzl.Entry>();
  const folded = new Map<string, string>();
  const entries: ZipEntryInfo[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) => reject(translate(e)));
      zip.on('end', () => resolve());
      zip.on('entry', (e: yauzl.Entry) => {
        const name = e.fileName;
        // Two entries that one program would write to the same file: which one is meant is anybody's guess.
        const key = name.normalize('NFC').toLowerCase();
        const clash = folded.get(key);
        if (clash !== undefined) {
          reject(new ZipProblem('unsafe', clash === name ? `the archive holds "${name}" twice` : `the archive holds both "${clash}" and "${name}", which name the same file on Windows and macOS`));
          return;
        }
        folded.set(key, name);
        byName.set(name, e);
        entries.push({ name, size: e.uncompressedSize, compressedSize: e.compressedSize, directory: name.endsWith('/') });
        zip.readEntry();
      });
      zip.readEntry();
    });
  } catch (e) {
    zip.close();
    throw e;
  }
  let inflated = 0;
  return {
    entries,
    close: () => zip.close(),
    read: async (name, cap) => {
      const e = byName.get(name);
      if (!e) throw new ZipProblem('unreadable', `the archive has no entry "${name}"`);
      if (e.isEncrypted()) throw new ZipProblem('unreadable', `"${name}" in the archive is encrypted`, 'export the project again without a password');
      const limit = Math.min(cap, ZIP_LIMITS.totalBytes - inflated);
      if (e.uncompressedSize > limit) throw tooBig(name, e.uncompressedSize, limit);
      if (e.uncompressedSize > 1024 * 1024 && e.uncompressedSize > ZIP_LIMITS.ratio * Math.max(1, e.compressedSize)) {
        throw new ZipProblem('unsafe', `"${name}" would inflate ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))} times over (${e.compressedSize} → ${e.uncompressedSize} bytes): a zip bomb, not a project`);
      }
      const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(e, (err, s) => (err ? reject(translate(err)) : resolve(s))));
      const chunks: Buffer[] = [];
      let got = 0;
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (c: Buffer) => {
          got += c.length;
          // The header's size is checked by yauzl at the end; this stops a lying header long before that.
          if (got > limit) {
            stream.destroy();
            reject(tooBig(name, got, limit));
            return;
          }
          chunks.push(c);
        });
        stream.on('error', (err: Error) => reject(translate(err)));
        stream.on('end', () => resolve());
      });
      inflated += got;
      const out = Buffer.concat(chunks);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    },
  };
}

function tooBig(name: string, size: number, cap: number): ZipProblem {
  return new ZipProblem('unsafe', `"${name}" inflates to more than ${cap} bytes (at least ${size}); refused as a possible zip bomb`, 'see docs/limits.md for the caps on archives');
}

/** yauzl's messages, said in the user's terms. */
function translate(e: Error): ZipProblem {
  if (e instanceof ZipProblem) return e;
  const m = e.message;
  if (/invalid relative path|absolute path|invalid characters in fileName/i.test(m)) {
    return new ZipProblem('unsafe', `the archive names a file outside itself (${m.replace(/^.*?: /, '')}): refused, as extracting it would write elsewhere on the disk`);
  }
  if (/end of central directory record signature not found/i.test(m)) {
    return new ZipProblem('unreadable', 'this is not a zip archive, or it is cut short (no central directory at its end)', 'a .qdpx is a zip file; copy or download it again');
  }
  if (/ENOENT/.test(m)) return new ZipProblem('unreadable', 'no such file');
  if (/EISDIR/.test(m)) return new ZipProblem('unreadable', 'this is a folder, not a file');
  return new ZipProblem('unreadable', `the archive is damaged: ${m}`, 'copy or export it again');
}

/**
 * A zip of the given files, in the given order, each stamped 2000-01-01 00:00: the same files give the
 * same bytes on any machine. (fflate takes the date in local time, which it turns into DOS fields as
 * they are, so a date built from local fields is the same DOS date in every time zone.)
 */
export function writeZip(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const mtime = new Date(2000, 0, 1, 0, 0, 0);
  // Level 1: on the L project's 57 MB of XML, 1.3 s and 13.3 MB against level 6's 3.2 s and 12.2 MB.
  const tree: Record<string, [Uint8Array, { level: 1; mtime: Date }]> = {};
  for (const f of files) tree[f.name] = [f.data, { level: 1, mtime }];
  return zipSync(tree);
}
