import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { error, hasErrors, pushAll, warning } from '../model/diagnostics.js';
import type { Annotation, Case, CellSummary, ChartDefaults, Diagnostic, FileStamp, Frame, InputFile, Pos, Project, SpeakerConfig, Transcript } from '../model/types.js';
import { nearest } from '../nlp/distance.js';
import type { Encoding } from './decode.js';
import { InputChanged, projectBudget, readTextFile, sameStamp, stampOf, type Budget } from './files.js';
import { LIMITS } from './limits.js';
import { LONG_COLUMNS } from '../model/matrix.js';
import { buildFrame, codeName } from './frame.js';
import { unknownAttribute, unknownCode, unknownCoder } from './hints.js';
import { validate } from './schemas.js';
import { readTable, toAnnotations, toCases, toSummaries } from './tables.js';
import { buildTranscript, defaultSpeakers, lazyTranscript } from './transcript.js';
import { parseYaml } from './yamlFile.js';

export const PROJECT_FILE = 'dtors.yaml';

export interface LoadOptions {
  /** How to name the project in messages (what the user typed); default: the path given. */
  display?: string;
  /** Encoding of input files that are not UTF-8 (nor UTF-16 with a BOM); UTF-8 files are read as such. */
  encoding?: Encoding;
  /** CSV delimiter; detected from the header line when not given. */
  delimiter?: string;
  /**
   * false: leave the coding (annotation files) and summaries unread, for commands that need only the
   * transcripts, frame and cases (search over a 1,000-interview study answers in well under a second,
   * where reading its 100,000 coded passages alone takes one). Default true.
   */
  coding?: boolean;
  /**
   * Transcripts read cleanly by an earlier run (the search index remembers them), by path relative to
   * the project. One whose stat still matches is trusted: it is not read now but when its text is first
   * asked for, and its sha256 is taken from here. A search of 1,000 transcripts then reads only those it
   * quotes from. The caller vouches for the stamps (see cli/searchIndex.ts on files changed too soon).
   */
  known?: Map<string, KnownFile>;
  /** false: leave the frame unread, with an empty one in its place (plain search). Default true. */
  frame?: boolean;
}

/** A transcript an earlier run read cleanly: its stamp and sha256 then, and its text if that was kept. */
export interface KnownFile {
  stamp: FileStamp;
  sha256: string;
  /** The text as it was read: with it, a trusted transcript is never read again. */
  text?: () => string;
}

export interface Loaded {
  project?: Project;
  diagnostics: Diagnostic[];
}

/** Finds dtors.yaml for a folder or file argument. */
export function resolveProjectFile(target: string, display = target): { file?: string; diagnostic?: Diagnostic } {
  const abs = resolve(target);
  let st;
  try {
    st = statSync(abs);
  } catch {
    return { diagnostic: error('project-not-found', `no such file or folder: ${display}`, { path: abs }, 'name a project folder (one with a dtors.yaml), or create one with: dtors init') };
  }
  const file = st.isDirectory() ? join(abs, PROJECT_FILE) : abs;
  if (!existsSync(file)) {
    // Run from a subfolder of a project (annotations/, say): the project is the nearest one above.
    const above = st.isDirectory() ? projectAbove(abs) : undefined;
    if (above && display === '.') return { file: above };
    const hint = above ? `the nearest project is ${above}; name it, or run dtors there` : 'run dtors in a project folder, name one, or create one with: dtors init';
    return { diagnostic: error('project-not-found', `no ${PROJECT_FILE} in ${display}`, { path: abs }, hint) };
  }
  return { file };
}

/** The dtors.yaml of the nearest folder above `dir` that has one. */
function projectAbove(dir: string): string | undefined {
  for (let d = dirname(dir); ; d = dirname(d)) {
    const f = join(d, PROJECT_FILE);
    if (existsSync(f)) return f;
    if (dirname(d) === d) return undefined;
  }
}

/** Reads every input of a project into the Project model. Nothing here throws on bad input. */
export function loadProject(target: string, opts: LoadOptions = {}): Loaded {
  const found = resolveProjectFile(target, opts.display);
  if (!found.file) return { diagnostics: [found.diagnostic!] };
  const configPath = found.file;
  const root = dirname(configPath);
  const diagnostics: Diagnostic[] = [];
  const inputs: InputFile[] = [];
  const rel = (p: string) => relative(root, p).split(sep).join('/');

  // Every file read counts against one budget, so no project can make a run read without end.
  const budget = projectBudget();
  const cfgFile = readTextFile(configPath, { what: 'project file', encoding: opts.encoding, kind: 'yaml', budget });
  if (!cfgFile.file) return { diagnostics: cfgFile.diagnostics };
  inputs.push({ path: rel(configPath), sha256: cfgFile.file.sha256 });
  const cfgYaml = parseYaml(cfgFile.file.text, configPath);
  pushAll(diagnostics, cfgYaml.diagnostics);
  if (cfgYaml.value === undefined) return { diagnostics };
  pushAll(diagnostics, validate('dtors', cfgYaml.value ?? {}, cfgYaml.locate, { field: 'key' }));
  const configAt = (path: (string | number)[]) => cfgYaml.locate(path, 'value');
  if (hasErrors(diagnostics)) return { diagnostics };
  const cfg = cfgYaml.value as Record<string, any>;

  // Speakers come first: transcripts are split into turns as they are read.
  const speakers: SpeakerConfig = defaultSpeakers();
  if (cfg.speakers?.interviewer !== undefined) speakers.interviewer = list(cfg.speakers.interviewer);
  if (cfg.speakers?.pattern !== undefined) {
    try {
      speakers.pattern = new RegExp(cfg.speakers.pattern);
    } catch (e) {
      diagnostics.push(error('invalid-pattern', `speakers.pattern is not a valid regular expression: ${(e as Error).message}`, configAt(['speakers', 'pattern'])));
    }
  }

  const transcripts = new Map<string, Transcript>();
  const unreadable = new Set<string>();
  let transcriptFiles = expand(root, cfg.transcripts, ['transcripts'], configAt, diagnostics, /\.txt$/i, 'transcripts');
  if (transcriptFiles.length > LIMITS.transcripts) {
    diagnostics.push(
      error('too-many-transcripts', `${transcriptFiles.length.toLocaleString('en')} transcripts; the limit is ${LIMITS.transcripts.toLocaleString('en')}`, configAt(['transcripts']), 'chart a part of the study at a time (a project per site or wave); see docs/limits.md'),
    );
    transcriptFiles = [];
  }
  for (const path of transcriptFiles) {
    const id = basename(path, extname(path));
    if (/[:;,*|]/.test(id)) {
      // These characters separate references (P07:112-118), lists (P07-a;P07-b) and marks (*).
      diagnostics.push(error('invalid-transcript-id', `the transcript id "${id}" contains one of : ; , * |`, { file: path }, 'rename the file: its name without .txt is its id, used in references'));
      unreadable.add(id);
      continue;
    }
    const prev = transcripts.get(id);
    if (prev) {
      diagnostics.push(error('duplicate-transcript-id', `two transcripts have the id "${id}": ${rel(prev.path)} and ${rel(path)}`, { file: path }, 'transcript ids are file names without .txt and must be unique; rename one'));
      continue;
    }
    const trusted = trust(path, opts.known?.get(rel(path)), budget);
    if (trusted) {
      inputs.push({ path: rel(path), sha256: trusted.sha256 });
      const read = trusted.text ?? (() => {
        const again = readTextFile(path, { what: 'transcript', encoding: opts.encoding, kind: 'transcript' });
        if (!again.file || again.diagnostics.length || !sameStamp(again.file.stamp, trusted.stamp)) {
          throw new InputChanged(`${rel(path)} changed while dtors was reading the project; run the command again`);
        }
        return again.file.text;
      });
      transcripts.set(id, lazyTranscript(id, path, read, speakers, trusted.stamp));
      continue;
    }
    const r = readTextFile(path, { what: 'transcript', encoding: opts.encoding, shown: rel(path), kind: 'transcript', budget });
    pushAll(diagnostics, r.diagnostics);
    if (!r.file) {
      unreadable.add(id);
      continue;
    }
    inputs.push({ path: rel(path), sha256: r.file.sha256 });
    const t = buildTranscript(id, path, r.file.text, speakers);
    if (!/\S/.test(t.text)) diagnostics.push(warning('empty-transcript', 'the transcript is empty', { file: path }));
    // Only a file read without a word to say may be trusted unread next time.
    else if (!r.diagnostics.length) t.stamp = r.file.stamp;
    transcripts.set(id, t);
  }

  let frame: Frame | undefined;
  const framePath = resolve(root, cfg.frame);
  // Unread, the frame is an empty one: a search for words needs none, and parsing it is a tenth of one.
  const fr = opts.frame === false ? { file: undefined, diagnostics: [] } : readTextFile(framePath, { what: 'frame', from: configAt(['frame']), encoding: opts.encoding, shown: cfg.frame, kind: 'yaml', budget });
  pushAll(diagnostics, fr.diagnostics);
  if (fr.file) {
    inputs.push({ path: rel(framePath), sha256: fr.file.sha256 });
    const b = buildFrame(parseYaml(fr.file.text, framePath));
    pushAll(diagnostics, b.diagnostics);
    frame = b.frame;
  }
  if (opts.frame === false) frame = { themes: [], nodes: new Map(), order: [] };

  const annotations: Annotation[] = [];
  const annotationFiles = opts.coding === false ? [] : expand(root, cfg.annotations, ['annotations'], configAt, diagnostics, /\.(csv|tsv|ya?ml)$/i, 'annotation files');
  for (const path of annotationFiles) {
    const r = readTextFile(path, { what: 'annotation file', encoding: opts.encoding, shown: rel(path), budget });
    pushAll(diagnostics, r.diagnostics);
    if (!r.file) continue;
    inputs.push({ path: rel(path), sha256: r.file.sha256 });
    const t = readTable(path, r.file.text, { schema: 'annotations', delimiter: opts.delimiter });
    pushAll(diagnostics, t.diagnostics);
    const a = toAnnotations(path, t.rows, annotations.length);
    pushAll(diagnostics, a.diagnostics);
    pushAll(annotations, a.annotations);
    if (annotations.length > LIMITS.annotations) {
      // The rest of the coding is not read: what is read already shows the problem, and memory stays bounded.
      diagnostics.push(
        error('too-many-annotations', `more than ${LIMITS.annotations.toLocaleString('en')} coded passages (this file takes the count past the limit); the coding is not checked`, { file: path }, 'chart a part of the study at a time; see docs/limits.md'),
      );
      // None is kept: checking a cut-off coding would report problems that are not there.
      annotations.length = 0;
      break;
    }
  }

  // The optional tables named in dtors.yaml: read, hashed and parsed the same way.
  const optionalTable = (key: 'cases' | 'summaries', what: string, extra: { openColumns?: boolean; reserved?: readonly string[] } = {}) => {
    if (cfg[key] === undefined) return undefined;
    const path = resolve(root, cfg[key]);
    const r = readTextFile(path, { what, from: configAt([key]), encoding: opts.encoding, shown: cfg[key], budget });
    pushAll(diagnostics, r.diagnostics);
    if (!r.file) return undefined;
    inputs.push({ path: rel(path), sha256: r.file.sha256 });
    const t = readTable(path, r.file.text, { schema: key, delimiter: opts.delimiter, ...extra });
    pushAll(diagnostics, t.diagnostics);
    return t;
  };

  const casesTable = optionalTable('cases', 'cases file', { openColumns: true, reserved: LONG_COLUMNS });
  const listed = casesTable ? toCases(casesTable.rows, casesTable.header) : { cases: [] as Case[], attributeNames: [] as string[] };
  const attributeNames = listed.attributeNames;
  // A cases file that could not be read is reported once; charting goes on as if there were none,
  // rather than reporting every case, attribute and transcript that depends on it.
  const casesRead = cfg.cases === undefined || casesTable !== undefined;
  const cases = resolveCases(listed.cases, cfg.cases !== undefined && casesRead, transcripts, unreadable, diagnostics);

  const summariesTable = opts.coding === false ? undefined : optionalTable('summaries', 'summaries file');
  let summaries: CellSummary[] = summariesTable ? toSummaries(summariesTable.rows) : [];
  if (frame) summaries = checkSummaries(summaries, frame, casesRead ? cases : undefined, diagnostics);

  if (!frame) return { diagnostics };
  const chart: ChartDefaults = {};
  if (cfg.chart?.sort !== undefined) chart.sort = list(cfg.chart.sort);
  // `none`, as on the command line: no attribute columns.
  if (cfg.chart?.attributes !== undefined) chart.attributes = list(cfg.chart.attributes).filter((a, _, all) => !(all.length === 1 && a === 'none'));
  if (cfg.chart?.quotes !== undefined) chart.quotes = cfg.chart.quotes;
  if (cfg.chart?.interviewer !== undefined) chart.interviewer = cfg.chart.interviewer;
  if (cfg.chart?.coders !== undefined) chart.coders = list(cfg.chart.coders);
  for (const key of ['sort', 'attributes'] as const) {
    (chart[key] ?? []).forEach((a, i) => {
      if (casesRead && !attributeNames.includes(a)) diagnostics.push(unknownAttribute(a, attributeNames, configAt(['chart', key, ...(Array.isArray(cfg.chart[key]) ? [i] : [])])));
    });
  }
  const coders = new Set(annotations.map((a) => a.coder).filter((c): c is string => c !== undefined));
  if (opts.coding !== false) (chart.coders ?? []).forEach((c, i) => {
    if (!coders.has(c)) diagnostics.push(unknownCoder(c, coders, configAt(['chart', 'coders', ...(Array.isArray(cfg.chart.coders) ? [i] : [])])));
  });

  inputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const project: Project = {
    root,
    configPath,
    title: typeof cfg.title === 'string' ? cfg.title : frame.title,
    frame,
    transcripts,
    unreadable,
    annotations,
    cases,
    attributeNames,
    summaries,
    summariesPath: cfg.summaries === undefined ? undefined : resolve(root, cfg.summaries),
    speakers,
    chart,
    inputs,
  };
  return { project, diagnostics };
}

/** The known entry for a transcript whose stat still matches it (its size counted against the budget). */
function trust(path: string, known: KnownFile | undefined, budget: Budget): KnownFile | undefined {
  if (!known) return undefined;
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (!st.isFile() || !sameStamp(stampOf(st), known.stamp) || st.size > budget.left) return undefined;
  budget.left -= st.size;
  return known;
}

function list(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).map((x) => String(x));
}

/**
 * Expands the configured paths: a folder means every matching file below it, a glob what it matches,
 * anything else one file. Order is the configured order, then path order within each entry. A file
 * reached twice (through a link, or by two entries) is read once.
 */
function expand(
  root: string,
  configured: unknown,
  key: (string | number)[],
  configAt: (p: (string | number)[]) => Pos,
  diagnostics: Diagnostic[],
  ext: RegExp,
  what: string,
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  list(configured).forEach((entry, i) => {
    const pos = configAt(Array.isArray(configured) ? [...key, i] : key);
    const abs = resolve(root, entry);
    let matched: string[] = [];
    // A folder or pattern that reaches far more than a study (`/`, `../../**`) is stopped, not walked.
    const budget = { left: LIMITS.walkEntries };
    const found: Diagnostic[] = [];
    const glob = globber(entry);
    if (glob) {
      const { globSync } = glob;
      const fs = { readdirSync: countedReaddir(budget) as typeof readdirSync };
      matched = globSync(entry, { cwd: root, absolute: true, onlyFiles: true, expandDirectories: false, fs }).map((p) => resolve(p));
    } else if (isFolder(abs)) {
      matched = walkFolder(abs, ext, found, budget);
    } else if (existsSync(abs)) {
      matched = [abs];
    } else {
      diagnostics.push(error('missing-file', `${what}: ${entry} does not exist`, pos));
      return;
    }
    // What a walk stopped short found on its way (links, unreadable folders) would only be noise.
    if (budget.left >= 0) pushAll(diagnostics, found);
    else {
      diagnostics.push(
        error('too-many-files', `${what}: ${entry} reaches more than ${LIMITS.walkEntries.toLocaleString('en')} files and folders; it was not read`, pos, 'name the folder that holds the study\'s files, not one far above it'),
      );
      return;
    }
    matched.sort();
    if (matched.length === 0) diagnostics.push(error('no-match', `${what}: nothing matches ${entry}`, pos));
    for (const m of matched) {
      const real = realPath(m);
      if (!seen.has(real)) {
        seen.add(real);
        out.push(m);
      }
    }
  });
  return out;
}

/**
 * The glob library, for an entry that is a pattern. Loaded only then: most projects name plain
 * folders, and loading it is a tenth of a quick search's time. A name with none of the characters a
 * pattern is made of is never one; any other is the library's to judge.
 */
function globber(entry: string): typeof import('tinyglobby') | undefined {
  if (!/[*?[\]{}()!+@]/.test(entry)) return undefined;
  const lib = createRequire(import.meta.url)('tinyglobby') as typeof import('tinyglobby');
  return lib.isDynamicPattern(entry) ? lib : undefined;
}

/** readdirSync for the glob library, counting what it lists and listing nothing once the budget is spent. */
function countedReaddir(budget: { left: number }) {
  return (path: string, options: unknown) => {
    if (budget.left < 0) return [];
    const entries = readdirSync(path, options as { withFileTypes: true });
    budget.left -= entries.length;
    return budget.left < 0 ? [] : entries;
  };
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function realPath(p: string): string {
  try {
    // The system's realpath: one call, where Node's own walks the path a folder at a time.
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

/**
 * Every file below `dir` whose name matches `ext`, following links to folders but never round a loop
 * (a link back to a folder it sits in is reported). Hidden files are skipped: `._P01.txt` and the like
 * are what macOS and editors leave behind, not transcripts. Files that are not regular files are
 * returned so that reading them reports what they are.
 */
function walkFolder(dir: string, ext: RegExp, diagnostics: Diagnostic[], budget: { left: number }, chain: string[] = [realPath(dir)]): string[] {
  const real = chain[chain.length - 1];
  if (budget.left < 0) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
    budget.left -= entries.length;
    if (budget.left < 0) return [];
  } catch (e) {
    diagnostics.push(error('unreadable-file', `cannot list the folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { path: dir }));
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    let folder = e.isDirectory();
    if (e.isSymbolicLink()) {
      try {
        folder = statSync(p).isDirectory();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') diagnostics.push(error('symlink-loop', `${e.name} is a symbolic link that leads back to itself`, { path: p }, 'remove the link, or replace it with the file it should point to'));
        else if (ext.test(e.name)) diagnostics.push(error('missing-file', `${e.name} is a symbolic link to something that does not exist`, { path: p }, 'remove the link, or point it at the file'));
        continue;
      }
    }
    if (folder) {
      const target = realPath(p);
      // A link to this folder, to one above it, or to one on the way here would be walked without end.
      if (chain.includes(target) || real.startsWith(target.endsWith(sep) ? target : target + sep)) {
        diagnostics.push(error('symlink-loop', `${e.name} links back to a folder it is in, which would be read without end`, { path: p }, 'remove the link; the folder is read already'));
        continue;
      }
      pushAll(out, walkFolder(p, ext, diagnostics, budget, [...chain, target]));
    } else if (ext.test(e.name)) out.push(p);
  }
  return out;
}

function resolveCases(cases: Case[], fromFile: boolean, transcripts: Map<string, Transcript>, unreadable: Set<string>, diagnostics: Diagnostic[]): Case[] {
  if (!fromFile) {
    // Without a cases file every transcript is a case of its own.
    return [...transcripts.keys()].map((id) => ({ id, transcripts: [id], attributes: {}, at: () => ({ file: transcripts.get(id)!.path, line: 1, col: 1 }) }));
  }
  const out: Case[] = [];
  const byId = new Map<string, Case>();
  const owner = new Map<string, Case>();
  for (const c of cases) {
    if (byId.has(c.id)) {
      diagnostics.push(error('duplicate-case', `case "${c.id}" is listed twice`, c.at('case'), `first listed at line ${byId.get(c.id)!.at('case').line}`));
      continue;
    }
    byId.set(c.id, c);
    if (c.transcripts.length === 0 && (transcripts.has(c.id) || unreadable.has(c.id))) c.transcripts = [c.id];
    const kept: string[] = [];
    for (const t of c.transcripts) {
      if (unreadable.has(t)) continue;
      if (!transcripts.has(t)) {
        const near = nearest(t, transcripts.keys());
        diagnostics.push(error('unknown-transcript', `case "${c.id}" names transcript "${t}", which is not in the project`, c.at('transcripts'), near.length ? `did you mean "${near[0]}"?` : undefined));
        continue;
      }
      const prev = owner.get(t);
      if (prev) {
        diagnostics.push(error('transcript-in-two-cases', `transcript "${t}" belongs to case "${prev.id}" and to case "${c.id}"`, c.at('transcripts')));
        continue;
      }
      owner.set(t, c);
      kept.push(t);
    }
    const named = c.transcripts;
    c.transcripts = kept;
    // No warning when an error already explains why the case has no transcript left.
    if (kept.length === 0 && !named.some((t) => unreadable.has(t) || owner.has(t))) {
      diagnostics.push(
        warning('case-without-transcript', `case "${c.id}" has no transcript`, c.at('case'), `name its transcripts in the "transcripts" column, or add transcripts/${c.id}.txt`),
      );
    }
    out.push(c);
  }
  for (const [id, t] of transcripts) {
    if (owner.has(id)) continue;
    if (byId.has(id)) {
      diagnostics.push(warning('transcript-without-case', `transcript "${id}" belongs to no case and is left out of the charts`, { file: t.path }, `case "${id}" lists other transcripts; add "${id}" to its "transcripts" cell`));
      continue;
    }
    diagnostics.push(
      warning('transcript-without-case', `transcript "${id}" is not in the cases file; it is charted as a case of its own`, { file: t.path }, `add it to its case's "transcripts" cell (ids separated by ;), or give it a row of its own`),
    );
    out.push({ id, transcripts: [id], attributes: {}, at: () => ({ file: t.path, line: 1, col: 1 }) });
  }
  return out;
}

function checkSummaries(summaries: CellSummary[], frame: Frame, cases: Case[] | undefined, diagnostics: Diagnostic[]): CellSummary[] {
  const caseIds = cases && new Set(cases.map((c) => c.id));
  const seen = new Map<string, CellSummary>();
  const out: CellSummary[] = [];
  for (const s of summaries) {
    if (caseIds && !caseIds.has(s.case)) {
      const near = nearest(s.case, caseIds);
      diagnostics.push(error('unknown-case', `unknown case "${s.case}"`, s.at('case'), near.length ? `did you mean "${near[0]}"?` : undefined));
      continue;
    }
    const node = frame.nodes.get(s.code);
    if (!node) {
      diagnostics.push(unknownCode(s.code, frame, s.at('code')));
      continue;
    }
    const key = `${s.case}\u0000${node.column}`;
    const prev = seen.get(key);
    if (prev) {
      diagnostics.push(
        error('duplicate-summary', `case "${s.case}" already has a summary for ${codeName(frame, node.column)}`, s.at('summary'), `first at line ${prev.at().line}; one summary per case and sub-theme`),
      );
      continue;
    }
    seen.set(key, s);
    out.push(s);
  }
  return out;
}
