/**
 * Reading a REFI-QDA file from disk or stdin: a .qdpx (zip) or a bare .qde/.qdc (XML). This is the
 * I/O half of import; it hands refiToProject the parsed project and the texts of its sources, and
 * turns every refusal (damage, zip bombs, unsafe paths, malformed XML) into one diagnostic.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { decode } from '../project/decode.js';
import { error } from '../model/diagnostics.js';
import type { Diagnostic } from '../model/types.js';
import { LIMITS } from '../project/limits.js';
import { readRefi, type RefiProject } from './model.js';
import type { SourceTextResult } from './toProject.js';
import { parseXml, XmlProblem } from './xml.js';
import { openZip, ZIP_LIMITS, ZipProblem, type ZipReader } from './zip.js';

export interface Opened {
  project?: RefiProject;
  texts: Map<string, SourceTextResult>;
  noteTexts: Map<string, string>;
  /** How the XML is named in diagnostics: `study.qdpx!/project.qde`, or the file itself. */
  xmlFile: string;
  diagnostics: Diagnostic[];
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** `shown` is the name the user gave (for messages); `source` the path, or the bytes of stdin. */
export async function openRefi(source: string | Uint8Array, shown: string): Promise<Opened> {
  const at = { path: shown };
  let head: Uint8Array;
  if (typeof source === 'string') {
    let size: number;
    try {
      const st = statSync(source);
      if (st.isDirectory()) return failed(error('unreadable-file', `${shown} is a folder, not a REFI-QDA file`, at, 'name a .qdpx project or a .qdc codebook'));
      size = st.size;
      head = new Uint8Array(4);
      const fd = openSync(source, 'r');
      try {
        readSync(fd, head, 0, 4, 0);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      return failed(error('unreadable-file', `cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, at));
    }
    if (!isZip(head) && size > ZIP_LIMITS.qdeBytes) return failed(error('refi-unsafe', `${shown} is ${size} bytes of XML; the cap is ${ZIP_LIMITS.qdeBytes}`, at));
  } else head = source.subarray(0, 4);
  if (isZip(head)) return fromZip(source, shown);
  const bytes = typeof source === 'string' ? readFileSync(source) : source;
  return fromXml(bytes, shown);
}

function isZip(head: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => head[i] === b);
}

async function fromZip(source: string | Uint8Array, shown: string): Promise<Opened> {
  let zip: ZipReader | undefined;
  try {
    zip = await openZip(source);
    const qdes = zip.entries.filter((e) => !e.directory && /\.qde$/i.test(e.name) && !e.name.startsWith('__MACOSX/'));
    // project.qde is what the standard names it; some programs use the project's own name.
    const qde = qdes.length === 1 ? qdes[0] : qdes.find((e) => e.name.toLowerCase() === 'project.qde');
    if (!qde) {
      const why = qdes.length ? `${qdes.length} .qde files and none named project.qde` : 'no .qde project file';
      return failed(error('refi-unreadable', `${shown} has ${why}; it is a zip, but not a REFI-QDA project`, { path: shown }, 'export the project again as "REFI-QDA project (.qdpx)"'));
    }
    const xmlFile = `${shown}!/${qde.name}`;
    const opened = fromXml(await zip.read(qde.name, ZIP_LIMITS.qdeBytes), xmlFile);
    if (!opened.project) return opened;
    const z = zip;
    const byName = new Map(z.entries.filter((e) => !e.directory).map((e) => [e.name.toLowerCase(), e.name]));
    const entry = (path: string): string | { missing: string } => {
      if (/^(relative|absolute|file):\/\//i.test(path)) return { missing: `its text is outside the archive (${path})` };
      const p = path.replace(/^internal:\/\//i, '').replace(/\\/g, '/').replace(/^\/+/, '');
      const hit = byName.get(p.toLowerCase()) ?? byName.get(`sources/${p}`.toLowerCase());
      return hit ?? { missing: `its text file ${path} is not in the archive` };
    };
    if (opened.project.sources.length > LIMITS.transcripts) {
      return failed(error('refi-unsafe', `${shown} has ${opened.project.sources.length} text sources; the cap is ${LIMITS.transcripts}`, { path: shown }));
    }
    for (const s of opened.project.sources) {
      if (!s.plainTextPath) continue;
      const e = entry(s.plainTextPath);
      if (typeof e !== 'string') {
        // Text of its own, if it has any, stands in for a file that is not there.
        if (s.content === undefined) opened.texts.set(s.guid, e);
        continue;
      }
      const d = decode(await z.read(e, ZIP_LIMITS.sourceBytes));
      opened.texts.set(s.guid, d.ok ? { raw: d.text } : { missing: `its text file ${e} is not UTF-8 or UTF-16 (${d.reason})` });
    }
    for (const n of opened.project.notes.values()) {
      if (n.content !== undefined || !n.plainTextPath) continue;
      const e = entry(n.plainTextPath);
      if (typeof e !== 'string') continue;
      const d = decode(await z.read(e, ZIP_LIMITS.sourceBytes));
      if (d.ok) opened.noteTexts.set(n.guid, d.text.replace(/\r\n?/g, '\n'));
    }
    return opened;
  } catch (e) {
    if (e instanceof ZipProblem) return failed(e.kind === 'unsafe' ? error('refi-unsafe', e.message, { path: shown }, e.hint) : error('refi-unreadable', e.message, { path: shown }, e.hint));
    throw e;
  } finally {
    zip?.close();
  }
}

function fromXml(bytes: Uint8Array, xmlFile: string): Opened {
  const d = decode(bytes);
  if (!d.ok) return failed(error('refi-malformed', `${basename(xmlFile)} is not UTF-8 or UTF-16 text (${d.reason})`, { path: xmlFile }));
  let root;
  try {
    root = parseXml(d.text);
  } catch (e) {
    if (!(e instanceof XmlProblem)) throw e;
    const where = { file: xmlFile, line: e.line, col: e.col };
    return failed(
      e.kind === 'unsafe'
        ? error('refi-unsafe', e.message, where)
        : error('refi-malformed', e.message, where, 'the file is cut short or damaged; export it again from the program that made it'),
    );
  }
  const r = readRefi(root, xmlFile);
  const texts = new Map<string, SourceTextResult>();
  const noteTexts = new Map<string, string>();
  if (r.project) {
    for (const s of r.project.sources) if (s.content !== undefined) texts.set(s.guid, { raw: s.content });
    for (const s of r.project.sources) {
      if (s.plainTextPath || s.content !== undefined) continue;
      // Positions count in the plain text; a .docx's text is not guaranteed to be the same characters.
      texts.set(s.guid, { missing: s.richTextPath ? `it has only a rich-text file (${s.richTextPath}), no plain text, which the selections' positions count in` : 'it has neither a text file nor text of its own' });
    }
    // A bare .qde has no archive to find source files in.
    for (const s of r.project.sources) if (s.plainTextPath && s.content === undefined) texts.set(s.guid, { missing: `its text file ${s.plainTextPath} is not here (import the .qdpx, not the bare .qde)` });
    for (const n of r.project.notes.values()) if (n.content !== undefined) noteTexts.set(n.guid, n.content);
  }
  return { project: r.project, texts, noteTexts, xmlFile, diagnostics: r.diagnostics };
}

function failed(d: Diagnostic): Opened {
  return { texts: new Map(), noteTexts: new Map(), xmlFile: d.file ?? '', diagnostics: [d] };
}
