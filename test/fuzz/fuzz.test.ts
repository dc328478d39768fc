/**
 * Fuzzing: fast-check generates projects (transcripts, frames, coding, cases, summaries, dtors.yaml),
 * valid ones, valid ones with one slip in one file, and wild ones up to pure garbage bytes, and checks
 * that `validate` and `chart` never throw, never hang, always exit 0, 1 or 2, give every diagnostic a
 * code and a place that exists, accept valid projects, chart every passage where an independent
 * reference says it belongs, write all of their charts or none (CSV, Markdown and JSON holding the same
 * cells), and give the same output every time. The oracles are in harness.ts.
 *
 *   npx vitest run test/fuzz                                   the default: quick, fixed seed
 *   FUZZ_RUNS=5000 FUZZ_SEED=123 npx vitest run test/fuzz      a longer hunt with another seed
 *   FUZZ_SEED=… FUZZ_PATH=… npx vitest run test/fuzz -t '…'    replay one reported counterexample
 *   FUZZ_BINARY_RUNS, FUZZ_LARGE_RUNS                          projects run through the binary (default 5, 4)
 *   FUZZ_STATS=1                                               print exit codes and diagnostic codes seen
 *
 * The binary runs use dist/: build first (`npm run build`, which `npm test` does). A failure message
 * starts with the seed and path and a command to replay it; the shrunk project is printed below it, file
 * by file, and its folder is kept.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BASE_PROJECT, writeProject } from '../helpers.js';
import { binary, checkProject, describeFiles, inProcess, RUN_LIMIT_MS, shellQuote, Violation, watchdog, type Runner } from './harness.js';

const SEED = envInt('FUZZ_SEED') ?? 20_240_611;
const RUNS = envInt('FUZZ_RUNS') ?? 120;
const PATH = process.env.FUZZ_PATH || undefined;
/** Projects run through the real binary (each costs a few node start-ups). */
const BINARY_RUNS = envInt('FUZZ_BINARY_RUNS') ?? 5;
/** Projects with one large transcript, run through the binary with a time limit. */
const LARGE_RUNS = envInt('FUZZ_LARGE_RUNS') ?? 4;

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, not "${v}"`);
  return n;
}

/* ================================================================================================ */
/* Dictionaries: realistic pieces and the characters that break naive code                           */
/* ================================================================================================ */

const WORDS = [
  'I', 'wanted', 'a', 'script', 'support', 'from', 'my', 'keyworker', 'methadone', 'the', 'and', 'Hello?', 'six', 'weeks.', "don't",
  '“quoted”', '‘single’', '"straight"', "it's", 'café', 'naïve', 'e\u0301', 'ß', 'İ', 'ﬁne', '😀', '𝒜𝒷𝒸', '👩‍👩‍👧', '中文', 'עברית',
  'x\u200by', 'soft\u00adhyphen', 'nb\u00a0sp', 'tab\tin', 'vt\u000bin', 'line\u2028sep', 'ff\fin', 'nel\u0085in', 'bom\ufeffin',
  '|pipe|', '<b>', '&amp;', '=SUM(A1)', '+1', '-1', '@me', '\uff1dx', '*star*', '_u_', '`c`', '\\', '[x](y)', '~~s~~',
  ',', ';', ':', '...', 'P1:2', '[not asked]', '[Note: x]', '""', "''", '#', '---', '- ', '&a', '*a', '{', '}', '[', ']',
];
const SPEAKERS = ['INT', 'RESP', 'Interviewer', 'Respondent', 'I', 'Q', 'IV', 'Dr Shah', '[00:10] PARTICIPANT 1', 'Researcher', 'so I said', 'int', 'A B C D', '  RESP', 'RESP ', 'Ünï', '1A', "O'Neil"];
/** Characters sprinkled into otherwise plain text. */
const SPICE = ['\u0000', '\ufeff', '\u200b', '\f', '\t', '\u00a0', '😀', '\r', '\v', '\u0085', '\u2028', '\u2029', '\ud800', '\udfff', '\u0301', '"', '\\', '\u202e', '\u3000', ' \n', '\n\n\n', '\r\r\n'];
const EOLS = ['\n', '\n', '\n', '\r\n', '\r', '\n\n', ' \n', '\f\n', '\u2028', '\r\r'];
const TRANSCRIPT_IDS = ['P1', 'P2', 'P3', 'P01', 'p1', 'S 1', 'é', '1.10', 'P1-baseline', 'P1.old', 'a;b', 'x:y', 'P*', '.hidden', '-P', 'P1 ', 'manifest'];
const THEME_IDS = ['1', '1.1', '1.2', '1.10', '1.1.1', '2', '2.1', 'A', 'a', 'manifest', 'é', '中', 'x-y', '01', '1.0', '3.6', 'theme', '1 1', 'a:b', '-'];
const LABELS = ['Needs', 'Scripts', 'Support', 'needs', 'Needs ', '!', '—', '中文', 'Ünïcödé', 'x'.repeat(90), '| pipe |', '<script>', '=cmd', '', ' ', 'json', 'md', 'manifest', '1', 'a\nb', '*bold*'];
const CODES = ['1.10', '1.1 ', ' 1', '3.6', '1.1.1', 'manifest', '1,1', 'nonsense', '1.1;1.2', '', '  ', '1.01', '01', 'İ', '\u200b'];
const LINE_VALUES = ['3-1', '0', 'x', '1.10', '1–2', ' 2 ', '02-Mar', '-1', '1-', '99999999999999999999', '2-2', '1 - 3', '1-2-3', '١', '1e3', '0x2', '+1', '1,2', '', ' '];
const KEYS = ['yes', 'y', 'true', '*', 'no', 'false', 'YES', ' * ', 'maybe', '1', '', '✓'];
const CODERS = ['amira', 'tom', 'Amira', ' tom ', 'x,y', 'a"b', '中', ''];
const OBJECT_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const ATTRIBUTES = ['route', 'role', 'area', 'Route', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'case', 'Transcripts', 'a b', 'x;y'];
const PATTERNS = ['^([A-Z]+):', '^(\\w+):', '^\\s*([A-Za-z ]+?)\\s*:', '(', '^', '^(?<who>\\w+):', '(a|b)*c', '[', '^\\[[^\\]]*\\]\\s*(\\w+):', '\\', '^(INT|RESP)\\b'];
const SNIPPETS = [':', '"', "'", '[', '{', '- ', '\t', '&a ', '*a', '!!str ', '#', ',', ';', '\n', '\r', '\r\n', '\u0000', '\ufeff', '\\', '%YAML 1.1\n---\n', '---\n', '...\n', '<<: *a\n', '? ', '|', '>', '  ', '\u00a0', '😀', '1-', 'x: [', '{a: 1'];

/* ================================================================================================ */
/* Encodings: how a text becomes the bytes of a file                                                 */
/* ================================================================================================ */

type Encoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom' | 'utf16le' | 'latin1' | 'utf16-odd' | 'bad-utf8';

const encodingArb: fc.Arbitrary<{ enc: Encoding; at: number; bad: number }> = fc.record({
  enc: fc.oneof(
    { weight: 24, arbitrary: fc.constant<Encoding>('utf8') },
    { weight: 2, arbitrary: fc.constant<Encoding>('utf8-bom') },
    { weight: 2, arbitrary: fc.constant<Encoding>('utf16le-bom') },
    { weight: 1, arbitrary: fc.constantFrom<Encoding>('utf16be-bom', 'utf16le', 'latin1', 'utf16-odd', 'bad-utf8') },
  ),
  at: fc.nat(1000),
  bad: fc.nat(6),
});

const BAD_UTF8 = [[0xc0, 0x80], [0xff], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

function encode(text: string, e: { enc: Encoding; at: number; bad: number }): string | Uint8Array {
  const swap = (b: Buffer) => {
    const out = Buffer.from(b);
    for (let i = 0; i + 1 < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1], out[i]];
    return out;
  };
  switch (e.enc) {
    case 'utf8':
      return text;
    case 'utf8-bom':
      return '\ufeff' + text;
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), swap(Buffer.from(text, 'utf16le'))]);
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'latin1':
      return Buffer.from(text, 'latin1');
    case 'utf16-odd':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le'), Buffer.from([0x41])]);
    case 'bad-utf8': {
      const b = Buffer.from(text, 'utf8');
      const at = b.length ? e.at % (b.length + 1) : 0;
      return Buffer.concat([b.subarray(0, at), Buffer.from(BAD_UTF8[e.bad % BAD_UTF8.length]), b.subarray(at)]);
    }
  }
}

/** Garbage: random code points, graphemes or bytes (sometimes behind a byte-order mark). */
const garbageArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...SNIPPETS, ...SPICE, 'a', '1', ' '), maxLength: 40 }),
  fc
    .tuple(fc.constantFrom([], [0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf]), fc.uint8Array({ maxLength: 160 }))
    .map(([bom, bytes]) => Uint8Array.from([...bom, ...bytes])),
);

/* ================================================================================================ */
/* Clean and wild: every generator below makes a valid piece in a clean project, and in a wild one   */
/* now and then a slip (a wrong type, a bad range, a broken quote, garbage)                          */
/* ================================================================================================ */

/** `arb` one time in `n`, else undefined (fc.option's freq is the other way round: nil one time in freq). */
function sometimes<T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 1, arbitrary: arb }, { weight: n - 1, arbitrary: fc.constant(undefined) });
}

/** In a clean project `clean`; in a wild one `slip` one time in `n`. */
function slip<T>(wild: boolean, clean: fc.Arbitrary<T>, slipArb: fc.Arbitrary<T>, n = 8): fc.Arbitrary<T> {
  return wild ? fc.oneof({ weight: n - 1, arbitrary: clean }, { weight: 1, arbitrary: slipArb }) : clean;
}

/** Something that only a wild project has, one time in `n`. */
function wildOnly<T>(wild: boolean, arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | undefined> {
  return wild ? sometimes(arb, n) : fc.constant(undefined);
}

const wordsArb = (max: number) => fc.array(fc.constantFrom(...WORDS), { maxLength: max }).map((w) => w.join(' '));
const labelArb = wordsArb(3).filter((s) => /[^\s\u200b]/.test(s));

/* ================================================================================================ */
/* Transcripts                                                                                      */
/* ================================================================================================ */

const lineArb = fc
  .record({ speaker: fc.option(fc.constantFrom(...SPEAKERS), { freq: 3, nil: undefined }), words: wordsArb(8), gap: fc.constantFrom(' ', '', '  ', '\t') })
  .map(({ speaker, words, gap }) => (speaker === undefined ? words : `${speaker}:${gap}${words}`));

/** Turn-taking text with mixed line ends and a few odd characters: the realistic kind. */
const turnsTextArb = (wild: boolean) =>
  fc
    .record({
      lines: fc.array(lineArb, { minLength: wild ? 0 : 1, maxLength: 10 }),
      eols: fc.array(fc.constantFrom(...EOLS), { minLength: 1, maxLength: 3 }),
      final: fc.boolean(),
      spice: fc.array(fc.tuple(fc.nat(10_000), fc.constantFrom(...(wild ? SPICE : SPICE.filter((c) => !/[\0\ud800-\udfff]/.test(c))))), { maxLength: 3 }),
    })
    .map(({ lines, eols, final, spice }) => {
      let text = lines.map((l, i) => l + (i < lines.length - 1 || final ? eols[i % eols.length] : '')).join('');
      for (const [at, s] of spice) {
        let i = text.length ? at % (text.length + 1) : 0;
        // Not between the halves of a surrogate pair, unless the text is meant to be broken.
        if (!wild && /[\udc00-\udfff]/.test(text[i] ?? '')) i--;
        text = text.slice(0, i) + s + text.slice(i);
      }
      return text;
    });

interface TranscriptPlan {
  id: string;
  /** In a subfolder of t/ (two files of one id in different folders are a duplicate). */
  sub: boolean;
  text: string;
  encoding: { enc: Encoding; at: number; bad: number };
  /** Replaces the file with garbage bytes. */
  garbage?: string | Uint8Array;
}

const transcriptArb = (wild: boolean): fc.Arbitrary<TranscriptPlan> =>
  fc.record({
    id: slip(wild, fc.constantFrom('P1', 'P2', 'P3'), fc.constantFrom(...TRANSCRIPT_IDS), 6),
    sub: slip(wild, fc.constant(false), fc.constant(true), 10),
    text: slip(wild, turnsTextArb(wild), fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.string({ unit: 'grapheme', maxLength: 60 })), 5),
    encoding: slip(
      wild,
      fc.record({ enc: fc.oneof({ weight: 12, arbitrary: fc.constant<Encoding>('utf8') }, { weight: 1, arbitrary: fc.constantFrom<Encoding>('utf8-bom', 'utf16le-bom', 'utf16be-bom') }), at: fc.constant(0), bad: fc.constant(0) }),
      encodingArb,
      6,
    ),
    garbage: wildOnly(wild, garbageArb, 12),
  });

/* ================================================================================================ */
/* YAML writing: enough of an emitter to write frames, coding and config in several styles           */
/* ================================================================================================ */

type Style = 'plain' | 'double' | 'single';

function scalar(v: unknown, style: Style): string {
  if (typeof v !== 'string') return JSON.stringify(v);
  // Single quotes for one line only: a continuation line would need indenting to the mapping's depth.
  if (style === 'double' || /[\r\n]/.test(v)) return JSON.stringify(v);
  if (style === 'single') return `'${v.replace(/'/g, "''")}'`;
  return v; // plain: whatever YAML makes of it (1.10 becomes a number, "a: b" a mapping …)
}

const styleArb = fc.oneof({ weight: 4, arbitrary: fc.constant<Style>('double') }, { weight: 2, arbitrary: fc.constant<Style>('plain') }, { weight: 1, arbitrary: fc.constant<Style>('single') });
/** Styles that keep any text a string. */
const safeStyleArb = fc.constantFrom<Style>('double', 'double', 'single');

/* ================================================================================================ */
/* The frame                                                                                        */
/* ================================================================================================ */

interface NodePlan {
  /** `auto`: numbered as in Framework practice (1, 1.2, 1.2.3); else a dictionary id. */
  id: string;
  label: string;
  idStyle: Style;
  labelStyle: Style;
  description?: string;
  keywords?: string[];
  /** A schema slip on this node. */
  wrong?: 'id-list' | 'label-number' | 'subthemes-text' | 'unknown-key' | 'no-label' | 'no-id' | 'id-bool' | 'null-node';
  children: NodePlan[];
}

const WRONG_NODE: NonNullable<NodePlan['wrong']>[] = ['id-list', 'label-number', 'subthemes-text', 'unknown-key', 'no-label', 'no-id', 'id-bool', 'null-node'];

function nodeArbs(wild: boolean) {
  const fields = {
    id: slip(wild, fc.constant('auto'), fc.oneof(fc.constantFrom(...THEME_IDS), fc.string({ maxLength: 5 })), 8),
    label: slip(wild, labelArb, fc.constantFrom(...LABELS), 6),
    idStyle: styleArb,
    labelStyle: wild ? styleArb : safeStyleArb,
    description: sometimes(wordsArb(6), 4),
    keywords: sometimes(fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }), 6),
    wrong: wildOnly(wild, fc.constantFrom(...WRONG_NODE), 25),
  };
  const leaf: fc.Arbitrary<NodePlan> = fc.record({ ...fields, children: fc.constant<NodePlan[]>([]) });
  const sub: fc.Arbitrary<NodePlan> = fc.record({ ...fields, children: fc.oneof({ weight: 5, arbitrary: fc.constant<NodePlan[]>([]) }, { weight: 1, arbitrary: fc.array(leaf, { maxLength: 2 }) }) });
  const theme: fc.Arbitrary<NodePlan> = fc.record({ ...fields, children: fc.array(sub, { maxLength: 3 }) });
  return theme;
}

type FramePlan =
  | { kind: 'base' }
  | { kind: 'tree'; title?: string; themes: NodePlan[]; alias: boolean; flow: boolean; clash?: 'manifest' | 'same-name' | 'long' | 'unicode' }
  | { kind: 'deep'; depth: number }
  | { kind: 'laughs'; width: number }
  | { kind: 'garbage'; content: string | Uint8Array };

const frameArb = (wild: boolean): fc.Arbitrary<FramePlan> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<FramePlan>({ kind: 'base' }) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('tree' as const),
        title: sometimes(wordsArb(4), 3),
        themes: fc.array(nodeArbs(wild), { minLength: 1, maxLength: 3 }),
        alias: slip(wild, fc.constant(false), fc.constant(true), 8),
        flow: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        // Themes whose chart files would have one name: each other's, or the manifest's.
        clash: wild ? sometimes(fc.constantFrom('manifest' as const, 'same-name' as const, 'long' as const, 'unicode' as const), 12) : sometimes(fc.constant('manifest' as const), 12),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: wild ? fc.constantFrom(3, 12, 40, 400, 2500) : fc.constantFrom(3, 12, 25) }) },
    ...(wild
      ? [
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('laughs' as const), width: fc.constantFrom(2, 5, 9) }) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('garbage' as const), content: garbageArb }) },
        ]
      : []),
  );

/** The frame's text (null: BASE_PROJECT's), and its ids as written, for the coding to use. */
function renderFrame(plan: FramePlan): { text: string | Uint8Array | null; ids: string[] } {
  switch (plan.kind) {
    case 'base':
      return { text: null, ids: ['1', '1.1', '1.2'] };
    case 'garbage':
      return { text: plan.content, ids: ['1', '1.1'] };
    case 'deep': {
      // Nested in flow style: a frame many levels deep in a few kilobytes.
      let s = '{id: "d0", label: x}';
      for (let i = 1; i < plan.depth; i++) s = `{id: "d${i}", label: x, subthemes: [${s}]}`;
      return { text: `themes: [${s}]\n`, ids: [`d${plan.depth - 1}`, `d${plan.depth - 2}`, 'd0'] };
    }
    case 'laughs': {
      // A "billion laughs": each level repeats the one before `width` times.
      const lines = ['a0: &a0 [x, x]'];
      for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: plan.width }, () => `*a${i - 1}`).join(', ')}]`);
      return { text: `${lines.join('\n')}\nthemes:\n  - id: "1"\n    label: *a7\n`, ids: ['1'] };
    }
    case 'tree': {
      const ids: string[] = [];
      const out: string[] = [];
      if (plan.title !== undefined) out.push(`title: ${scalar(plan.title, 'double')}`);
      out.push('themes:');
      const emit = (n: NodePlan, auto: string, indent: string, first: boolean) => {
        const id = n.id === 'auto' ? auto : n.id;
        ids.push(id);
        if (n.wrong === 'null-node') {
          out.push(`${indent}- ~`);
          return;
        }
        const lines: string[] = [];
        if (n.wrong === 'id-list') lines.push(`id: [${scalar(id, 'double')}]`);
        else if (n.wrong === 'id-bool') lines.push('id: yes');
        else if (n.wrong !== 'no-id') lines.push(`id: ${scalar(id, n.idStyle)}`);
        if (n.wrong === 'label-number') lines.push('label: 12');
        else if (n.wrong !== 'no-label') lines.push(`label: ${scalar(n.label, n.labelStyle)}`);
        if (n.description !== undefined) lines.push(`description: ${scalar(n.description, 'double')}`);
        if (n.keywords) lines.push(`keywords: [${n.keywords.map((k) => scalar(k, 'double')).join(', ')}]`);
        if (n.wrong === 'unknown-key') lines.push('colour: red');
        if (n.wrong === 'subthemes-text') lines.push('subthemes: none');
        const anchor = plan.alias && first ? '&t0 ' : '';
        lines.forEach((l, i) => out.push(`${indent}${i === 0 ? `- ${anchor}` : '  '}${l}`));
        if (n.children.length && n.wrong !== 'subthemes-text') {
          out.push(`${indent}  subthemes:`);
          n.children.forEach((c, i) => emit(c, `${auto}.${i + 1}`, `${indent}    `, false));
        }
      };
      plan.themes.forEach((t, i) => emit(t, String(i + 1), '  ', i === 0));
      if (plan.alias) out.push('  - *t0');
      const extra = plan.clash ? CLASHES[plan.clash] : [];
      for (const [id, label] of extra) {
        out.push(`  - id: ${JSON.stringify(id)}`, `    label: ${JSON.stringify(label)}`);
        ids.push(id);
      }
      let text = out.join('\n') + '\n';
      // The same frame in flow style, via JSON (which is YAML).
      if (plan.flow) text = JSON.stringify({ title: plan.title, themes: flowNodes(plan.themes, '') });
      return { text, ids };
    }
  }
}

/** Extra themes (id, label) whose chart file names collide. */
const CLASHES: Record<NonNullable<Extract<FramePlan, { kind: 'tree' }>['clash']>, [string, string][]> = {
  manifest: [['manifest', '!']],
  'same-name': [['9', 'A b!'], ['9-a', 'B']],
  long: [[`${'x'.repeat(85)}1`, 'a'], [`${'x'.repeat(85)}2`, 'a']],
  unicode: [['中', '文'], ['日', '本']],
};

function flowNodes(nodes: NodePlan[], prefix: string): unknown[] {
  return nodes.map((n, i) => {
    const auto = prefix ? `${prefix}.${i + 1}` : String(i + 1);
    return { id: n.id === 'auto' ? auto : n.id, label: n.label, ...(n.children.length ? { subthemes: flowNodes(n.children, auto) } : {}) };
  });
}

/* ================================================================================================ */
/* Coding (annotations), cases, summaries                                                            */
/* ================================================================================================ */

type Pick = { pick: number } | { raw: string };
type QuoteEdit = 'none' | 'spaces' | 'curly' | 'case' | 'invisible' | 'pad' | 'typo';

/** One coded passage; `pick` numbers choose among the project's real transcripts, codes and words. */
interface RowPlan {
  transcript: Pick;
  code: Pick;
  lines: { kind: 'none' } | { kind: 'around' } | { kind: 'pick'; a: number; b: number } | { kind: 'raw'; value: string } | { kind: 'start-end'; a: string; b: string };
  quote: { kind: 'none' } | { kind: 'pick'; from: number; length: number; edit: QuoteEdit } | { kind: 'raw'; value: string };
  summary?: string;
  note?: string;
  key?: string;
  coder?: string;
  id?: string;
}

const pickArb = (wild: boolean, raws: string[]): fc.Arbitrary<Pick> => slip<Pick>(wild, fc.record({ pick: fc.nat(100) }), fc.record({ raw: fc.constantFrom(...raws) }), 10);

const rowArb = (wild: boolean): fc.Arbitrary<RowPlan> =>
  fc.record({
    transcript: pickArb(wild, [...TRANSCRIPT_IDS, 'P9', '', ' ']),
    code: pickArb(wild, CODES),
    lines: slip<RowPlan['lines']>(
      wild,
      fc.oneof(
        { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
        { weight: 3, arbitrary: fc.constant({ kind: 'around' as const }) },
        { weight: 4, arbitrary: fc.record({ kind: fc.constant('pick' as const), a: fc.nat(100), b: fc.nat(3) }) },
      ),
      fc.oneof(
        fc.record({ kind: fc.constant('raw' as const), value: fc.constantFrom(...LINE_VALUES) }),
        fc.record({ kind: fc.constant('start-end' as const), a: fc.constantFrom('1', '2', '0', '', 'x', '3'), b: fc.constantFrom('1', '2', '', '5', '1.5') }),
      ),
      5,
    ),
    quote: fc.oneof(
      { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('pick' as const),
          from: fc.nat(10_000),
          length: fc.integer({ min: 1, max: 40 }),
          edit: slip(wild, fc.constantFrom<QuoteEdit>('none', 'none', 'none', 'spaces', 'curly', 'invisible', 'pad'), fc.constantFrom<QuoteEdit>('case', 'typo'), 6),
        }),
      },
      ...(wild ? [{ weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), value: fc.oneof(wordsArb(3), fc.constantFrom('', ' ', '\u200b', '""', 'a', '\n')) }) }] : []),
    ),
    summary: fc.option(fc.oneof(wordsArb(5), fc.string({ unit: 'grapheme', maxLength: 10 })), { freq: 3, nil: undefined }),
    note: sometimes(wordsArb(4), 4),
    key: sometimes(slip(wild, fc.constantFrom('yes', 'y', 'true', '*', 'no', 'false', 'YES', ' * ', ''), fc.constantFrom(...KEYS)), 3),
    coder: fc.option(fc.constantFrom(...CODERS.filter((c) => wild || !/[,"]/.test(c))), { freq: 2, nil: undefined }),
    id: wildOnly(wild, fc.constantFrom('a1', 'a2', 'a1', '1', 'x y', 'a;b', ''), 8),
  });

interface TableStyle {
  delimiter: ',' | ';' | '\t';
  bom: boolean;
  quoteAll: boolean;
  eols: string[];
  /** Extra header columns (unknown, duplicate in other case, blank). */
  extra: string[];
  /** Column order: a rotation of the columns. */
  rotate: number;
  /** Hand-made slips: a row with an unclosed quote, a ragged row, a stray quote. */
  breaks: { row: number; kind: 'unclosed' | 'ragged' | 'stray-quote' | 'short' | 'blank-row' }[];
  uppercase: boolean;
  /** A first line `sep=;` naming the delimiter, as Excel writes (docs/formats.md). */
  sepLine: boolean;
}

const tableStyleArb = (wild: boolean): fc.Arbitrary<TableStyle> =>
  fc.record({
    delimiter: fc.oneof({ weight: 8, arbitrary: fc.constant(',' as const) }, { weight: 1, arbitrary: fc.constantFrom(';' as const, '\t' as const) }),
    bom: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    quoteAll: fc.boolean(),
    eols: fc.array(fc.constantFrom('\n', '\n', '\r\n', '\r'), { minLength: 1, maxLength: 2 }),
    extra: slip<string[]>(wild, fc.oneof({ weight: 6, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.constant<string[]>(['unknown']) }), fc.array(fc.constantFrom('Code', 'unknown', '', 'TRANSCRIPT ', 'quote', 'Summary'), { minLength: 1, maxLength: 2 }), 6),
    rotate: fc.nat(10),
    breaks: wild
      ? fc.oneof(
          { weight: 8, arbitrary: fc.constant<TableStyle['breaks']>([]) },
          { weight: 1, arbitrary: fc.array(fc.record({ row: fc.nat(20), kind: fc.constantFrom('unclosed' as const, 'ragged' as const, 'stray-quote' as const, 'short' as const, 'blank-row' as const) }), { minLength: 1, maxLength: 2 }) },
        )
      : fc.constant<TableStyle['breaks']>([]),
    uppercase: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    sepLine: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });

/** Writes a table as CSV in the given style, slips included. */
function csv(columns: string[], rows: Record<string, string | undefined>[], s: TableStyle): string {
  const d = s.delimiter;
  const cols = [...columns, ...s.extra];
  const r = s.rotate % cols.length;
  const order = [...cols.slice(r), ...cols.slice(0, r)];
  const cell = (v: string | undefined) => {
    if (v === undefined) return '';
    const needs = v.includes(d) || v.includes('"') || /[\r\n]/.test(v) || v !== v.trim();
    return s.quoteAll || needs ? `"${v.replace(/"/g, '""')}"` : v;
  };
  const lines = [order.map((c) => (s.uppercase ? c.toUpperCase() : c)).join(d)];
  rows.forEach((row) => lines.push(order.map((c) => cell(Object.hasOwn(row, c) ? row[c] : undefined)).join(d)));
  for (const b of s.breaks) {
    const i = 1 + (b.row % Math.max(1, lines.length - 1));
    if (i >= lines.length) continue;
    if (b.kind === 'unclosed') lines[i] = `${lines[i]}${d}"unclosed`;
    else if (b.kind === 'ragged') lines[i] = `${lines[i]}${d}extra${d}more`;
    else if (b.kind === 'stray-quote') lines[i] = `"a"b${d}${lines[i]}`;
    else if (b.kind === 'short') lines[i] = lines[i].split(d)[0];
    else lines.splice(i, 0, d.repeat(2));
  }
  if (s.sepLine) lines.unshift(`sep=${d}`);
  return (s.bom ? '\ufeff' : '') + lines.map((l, i) => l + s.eols[i % s.eols.length]).join('');
}

/** Fields whose values may be YAML numbers (so `1.10` and `112-118` may go unquoted). */
const NUMERIC_FIELDS = ['lines', 'start', 'end', 'code', 'transcript', 'case'];

/** A YAML list of mappings; plain style only for numbers in fields that take them, else quoted. */
function yamlList(rows: Record<string, string | undefined>[], style: Style): string {
  if (!rows.length) return '[]\n';
  return (
    rows
      .map((row) => {
        const entries = Object.entries(row).filter(([, v]) => v !== undefined);
        if (!entries.length) return '- {}';
        return entries.map(([k, v], i) => `${i === 0 ? '- ' : '  '}${k}: ${scalar(v, NUMERIC_FIELDS.includes(k) && /^\d+(-\d+)?$/.test(v!) ? style : style === 'plain' ? 'double' : style)}`).join('\n');
      })
      .join('\n') + '\n'
  );
}

interface CasesPlan {
  kind: 'none' | 'table' | 'missing' | 'garbage';
  columns: string[];
  rows: { transcripts: 'own' | 'blank' | 'two' | 'unknown' | 'dup'; values: string[]; case: Pick }[];
  style: TableStyle;
  garbage: string | Uint8Array;
}

const casesArb = (wild: boolean): fc.Arbitrary<CasesPlan> =>
  fc.record({
    kind: slip(wild, fc.constantFrom('none' as const, 'table' as const, 'table' as const, 'table' as const), fc.constantFrom('missing' as const, 'garbage' as const), 10),
    // Names a JavaScript object already has (__proto__, constructor …) are valid attribute names too.
    columns: fc.uniqueArray(
      wild
        ? slip(wild, fc.constantFrom('route', 'role', 'area'), fc.constantFrom(...ATTRIBUTES), 3)
        : fc.oneof({ weight: 8, arbitrary: fc.constantFrom('route', 'role', 'area') }, { weight: 1, arbitrary: fc.constantFrom(...OBJECT_KEYS) }),
      { maxLength: 3 },
    ),
    rows: fc.array(
      fc.record({
        transcripts: slip(wild, fc.constant('own' as const), fc.constantFrom('blank' as const, 'two' as const, 'unknown' as const, 'dup' as const), 6),
        values: fc.array(fc.oneof(fc.constantFrom('cj', 'other', '', ' ', 'CJ', '=1+1', 'a;b', 'x"y', '中文', '10', '9'), wordsArb(2)), { minLength: 3, maxLength: 3 }),
        case: pickArb(wild, ['P9', 'a b', 'x:y', '', 'P1']),
      }),
      { maxLength: 4 },
    ),
    style: tableStyleArb(wild),
    garbage: garbageArb,
  });

interface SummariesPlan {
  kind: 'none' | 'csv' | 'yaml';
  rows: { case: Pick; code: Pick; summary: string; note?: string; coder?: string }[];
  style: TableStyle;
  yamlStyle: Style;
}

const summariesArb = (wild: boolean): fc.Arbitrary<SummariesPlan> =>
  fc.record({
    kind: fc.oneof({ weight: 5, arbitrary: fc.constant('none' as const) }, { weight: 2, arbitrary: fc.constant('csv' as const) }, { weight: 1, arbitrary: fc.constant('yaml' as const) }),
    rows: fc.array(
      fc.record({
        case: pickArb(wild, ['P9', '', ' ', 'p1']),
        code: pickArb(wild, CODES),
        summary: slip(wild, fc.oneof(labelArb, fc.constantFrom('[not discussed]', '[not asked]', '[ Not Asked ]', '=cmd', '[not]')), fc.constantFrom('', ' ', '\u200b'), 6),
        note: sometimes(wordsArb(3), 3),
        coder: sometimes(fc.constantFrom(...CODERS), 3),
      }),
      { maxLength: 3 },
    ),
    style: tableStyleArb(wild),
    yamlStyle: styleArb,
  });

/* ================================================================================================ */
/* dtors.yaml                                                                                       */
/* ================================================================================================ */

interface ConfigPlan {
  version: string;
  title?: string;
  transcripts: string;
  frame: string;
  /** Where the coding is: CSV, YAML or both, and how dtors.yaml names it. */
  annotations: 'csv' | 'yaml' | 'both' | 'glob' | 'scalar' | 'missing' | 'folder';
  speakers?: { interviewer?: string[]; pattern?: string };
  chart?: { sort?: string[]; attributes?: string[]; quotes?: string; interviewer?: string; coders?: string[] };
  unknownKey: boolean;
  /** No dtors.yaml at all: project-not-found, exit 2. */
  absent?: boolean;
  /** chart.sort and chart.attributes name the cases file's columns (in a wild project). */
  fromColumns?: boolean;
}

const GOOD_PATTERNS = PATTERNS.filter((p) => {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
});

const configArb = (wild: boolean): fc.Arbitrary<ConfigPlan> =>
  fc.record({
    version: slip(wild, fc.constant('1'), fc.constantFrom('2', '"1"', '1.0', '~', '[1]'), 20),
    title: sometimes(fc.oneof(wordsArb(4), fc.constantFrom('# heading', 'a\nb', '|x|')), 3),
    transcripts: slip(wild, fc.constantFrom('t/', 't/', 't/', 't', '[t/]', 't/*.txt', '"t/**/*.txt"'), fc.constantFrom('missing/', '[]', '""', 't/P1.txt', '[t/, t/]', '"t/{P1,P2}.txt"', 'a.csv'), 12),
    frame: slip(wild, fc.constant('frame.yaml'), fc.constantFrom('nope.yaml', 't', '[frame.yaml]', '""', 'a.csv'), 20),
    annotations: slip(
      wild,
      fc.oneof({ weight: 10, arbitrary: fc.constant('csv' as const) }, { weight: 3, arbitrary: fc.constant('yaml' as const) }, { weight: 2, arbitrary: fc.constant('both' as const) }, { weight: 1, arbitrary: fc.constantFrom('glob' as const, 'scalar' as const, 'folder' as const) }),
      fc.constant('missing' as const),
      20,
    ),
    speakers: sometimes(
      fc.record({
        interviewer: fc.option(fc.array(fc.constantFrom(...SPEAKERS), { maxLength: 2 }), { nil: undefined }),
        pattern: fc.option(fc.constantFrom(...(wild ? PATTERNS : GOOD_PATTERNS)), { nil: undefined }),
      }),
      6,
    ),
    chart: sometimes(
      fc.record({
        sort: fc.option(fc.array(fc.constantFrom(...ATTRIBUTES, 'route'), { maxLength: 2 }), { nil: undefined }),
        attributes: fc.option(fc.array(fc.constantFrom(...ATTRIBUTES, 'route', 'none'), { maxLength: 2 }), { nil: undefined }),
        quotes: fc.option(slip(wild, fc.constantFrom('none', 'marked', 'full'), fc.constant('all')), { nil: undefined }),
        interviewer: fc.option(slip(wild, fc.constantFrom('true', 'false'), fc.constantFrom('no', '"yes"')), { nil: undefined }),
        coders: wild ? fc.option(fc.array(fc.constantFrom(...CODERS), { maxLength: 2 }), { nil: undefined }) : fc.constant(undefined),
      }),
      5,
    ),
    unknownKey: slip(wild, fc.constant(false), fc.constant(true), 20),
    absent: wildOnly(wild, fc.constant(true), 40),
    fromColumns: wildOnly(wild, fc.constant(true), 2),
  });

/* ================================================================================================ */
/* Slips applied to the finished files, and the command-line flags                                  */
/* ================================================================================================ */

interface Mutation {
  file: number;
  op: 'insert' | 'delete' | 'truncate' | 'dup-line' | 'tab-indent' | 'swap-lines' | 'byte';
  at: number;
  what: string;
  byte: number;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  file: fc.nat(100),
  op: fc.constantFrom('insert', 'insert', 'delete', 'truncate', 'dup-line', 'tab-indent', 'swap-lines', 'byte'),
  at: fc.nat(100_000),
  what: fc.constantFrom(...SNIPPETS),
  byte: fc.nat(255),
});

function mutate(content: string | Uint8Array, m: Mutation): string | Uint8Array {
  if (typeof content !== 'string' || m.op === 'byte') {
    const b = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const at = m.at % (b.length + 1);
    return Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
  }
  const at = m.at % (content.length + 1);
  const lines = content.split('\n');
  const li = m.at % Math.max(1, lines.length);
  switch (m.op) {
    case 'insert':
      return content.slice(0, at) + m.what + content.slice(at);
    case 'delete':
      return content.slice(0, at) + content.slice(at + 1 + (m.byte % 4));
    case 'truncate':
      return content.slice(0, at);
    case 'dup-line':
      lines.splice(li, 0, lines[li] ?? '');
      return lines.join('\n');
    case 'tab-indent':
      lines[li] = (lines[li] ?? '').replace(/^ +/, '\t');
      return lines.join('\n');
    case 'swap-lines': {
      const lj = (li + 1) % lines.length;
      [lines[li], lines[lj]] = [lines[lj], lines[li]];
      return lines.join('\n');
    }
  }
}

/** Flags for chart alone (they shape the output; unknown attributes make chart exit 2 by themselves). */
const chartFlagsArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<string[]>([]) },
  {
    weight: 4,
    arbitrary: fc.constantFrom<string[]>(
      ['--quotes', 'full'],
      ['--quotes', 'none'],
      ['--quotes', 'full', '--no-interviewer'],
      ['--layout', 'long'],
      ['--layout', 'long', '--quotes', 'full'],
      ['--excel'],
      ['--raw', '--quotes', 'full'],
      ['--sort', 'route'],
      ['--sort', 'route,role', '--attributes', 'role'],
      ['--attributes', 'none'],
      ['--sort', 'constructor'],
      ['--attributes', '__proto__'],
      ['--where', 'route=cj'],
      ['--attributes', '@columns'],
      ['--sort', '@columns', '--quotes', 'full'],
      ['--theme', '1'],
      ['--coder', 'amira'],
    ),
  },
);
/** Flags for both commands: how inputs are read. */
const projectFlagsArb = (wild: boolean) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.constant<string[]>([]) },
    { weight: 1, arbitrary: fc.constantFrom<string[]>(['--encoding', 'latin1'], ['--encoding', 'windows-1252'], ['--quiet'], ...(wild ? [['--delimiter', ';'], ['--delimiter', 'tab']] : [])) },
  );

/* ================================================================================================ */
/* The whole project                                                                                */
/* ================================================================================================ */

interface ProjectPlan {
  /** Clean: every piece valid, so the project charts (unless `mutations` or the chart flags say no). */
  clean: boolean;
  keepBaseTranscripts: boolean;
  transcripts: TranscriptPlan[];
  frame: FramePlan;
  rows: RowPlan[];
  annotationStyle: TableStyle;
  annotationYamlStyle: Style;
  cases: CasesPlan;
  summaries: SummariesPlan;
  config: ConfigPlan;
  /** Every input replaced by garbage (the "pure garbage" end of the range). */
  allGarbage?: (string | Uint8Array)[];
  mutations: Mutation[];
  projectFlags: string[];
  chartFlags: string[];
}

const planArb = (wild: boolean) =>
  fc.record({
    clean: fc.constant(!wild),
    keepBaseTranscripts: fc.boolean(),
    transcripts: fc.array(transcriptArb(wild), { minLength: wild ? 0 : 1, maxLength: 3 }),
    frame: frameArb(wild),
    rows: fc.array(rowArb(wild), { maxLength: 6 }),
    annotationStyle: tableStyleArb(wild),
    annotationYamlStyle: styleArb,
    cases: casesArb(wild),
    summaries: summariesArb(wild),
    config: configArb(wild),
    allGarbage: wildOnly(wild, fc.array(garbageArb, { minLength: 6, maxLength: 6 }), 12),
    mutations: wild ? fc.oneof({ weight: 3, arbitrary: fc.constant<Mutation[]>([]) }, { weight: 2, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 2 }) }) : fc.constant<Mutation[]>([]),
    projectFlags: projectFlagsArb(wild),
    chartFlags: chartFlagsArb,
  });

/** From valid projects (which chart) through valid ones with one slip in one file to wild ones. */
const projectArb: fc.Arbitrary<ProjectPlan> = fc.oneof(
  { weight: 4, arbitrary: planArb(false) },
  { weight: 3, arbitrary: fc.tuple(planArb(false), mutationArb).map(([p, m]) => ({ ...p, mutations: [m] })) },
  { weight: 3, arbitrary: planArb(true) },
);

/**
 * The text of a transcript as dtors reads it (docs/formats.md): one byte-order mark dropped (UTF-16
 * decoding drops a second one), line ends made LF. Quotes and lines are picked in it.
 */
function readAs(text: string, enc: Encoding): string {
  const once = enc === 'utf8-bom' ? text : text.replace(/^\ufeff/, '');
  return once.replace(/\r\n?/g, '\n');
}

/* ================================================================================================ */
/* A reference for anchoring: where each coded passage of a clean project must be charted           */
/* ================================================================================================ */

/** Where an entry must be: lines, and code-point offsets in the LF text (docs/formats.md, "Offsets"). */
interface Placement {
  startLine: number;
  endLine: number;
  start: number;
  end: number;
}

const FOLD_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const FOLD_DROP = /[\u00ad\u200b-\u200d\u2060\ufeff]/;
const FOLD_SINGLE = /[`\u2018-\u201b\u2032\u00b4]/;
const FOLD_DOUBLE = /[\u201c-\u201f\u2033\u00ab\u00bb]/;

/**
 * The documented matching rule, written plainly: white space runs are one space, invisible characters
 * are nothing, curly quotes are straight. `at[i]` is where folded character i starts in the original.
 */
function referenceFold(text: string): { folded: string; at: number[] } {
  let folded = '';
  const at: number[] = [];
  let run = -1; // start of the current run of white space and invisible characters that had a space
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (FOLD_DROP.test(c)) continue;
    if (FOLD_SPACE.test(c)) {
      if (run === -1) {
        // The space stands where the run starts, invisible characters before it included.
        let k = i;
        while (k > 0 && FOLD_DROP.test(text[k - 1]) && (folded.length === 0 || k - 1 > at[at.length - 1])) k--;
        run = k;
        folded += ' ';
        at.push(run);
      }
      continue;
    }
    run = -1;
    folded += FOLD_SINGLE.test(c) ? "'" : FOLD_DOUBLE.test(c) ? '"' : c;
    at.push(i);
  }
  return { folded, at };
}

/** Where a quote must be anchored in `text`, when its words occur there exactly once. */
function referenceQuote(text: string, quote: string): { start: number; end: number } | undefined {
  const t = referenceFold(text);
  const q = referenceFold(quote).folded.trim();
  if (!q) return undefined;
  const first = t.folded.indexOf(q);
  if (first === -1 || t.folded.indexOf(q, first + 1) !== -1) return undefined;
  return { start: t.at[first], end: t.at[first + q.length - 1] + 1 };
}

/** UTF-16 offsets to a placement: 1-based lines, code-point offsets. */
function placement(text: string, start: number, end: number): Placement {
  const lineAt = (o: number) => text.slice(0, o).split('\n').length;
  const cp = (o: number) => [...text.slice(0, o)].length;
  return { startLine: lineAt(start), endLine: lineAt(Math.max(start, end - 1)), start: cp(start), end: cp(end) };
}

/** Whole lines a..b (1-based): from the first line's start to the last line's end, its line end left out. */
function linesPlacement(text: string, a: number, b: number): Placement {
  const lines = text.split('\n');
  const startOf = (l: number) => lines.slice(0, l - 1).reduce((n, x) => n + x.length + 1, 0);
  const cp = (o: number) => [...text.slice(0, o)].length;
  return { startLine: a, endLine: b, start: cp(startOf(a)), end: cp(startOf(b) + lines[b - 1].length) };
}

function editQuote(q: string, edit: QuoteEdit): string {
  switch (edit) {
    case 'none':
      return q;
    case 'spaces':
      return q.replace(/[ \t\n]+/g, '  ');
    case 'curly':
      return q.replace(/"/g, '“').replace(/'/g, '’');
    case 'case':
      return q.toUpperCase();
    case 'invisible':
      return q.replace(/ /g, ' \u200b');
    case 'pad':
      return ` \n${q}\t `;
    case 'typo':
      return q.length > 1 ? q.slice(0, -1) + (q.endsWith('x') ? 'y' : 'x') : `${q}x`;
  }
}

/** Text with something a quote can match (not only white space and invisible characters). */
const VISIBLE = /[^\s\u0085\u00ad\u200b-\u200d\u2060\ufeff]/;

/** Turns a plan into files: overrides of BASE_PROJECT for writeProject (null removes a base file). */
/**
 * The files of a plan, where its passages must be charted, its case attributes, and whether it has
 * something valid that dtors might fairly choose to refuse (a theme named like the manifest, an
 * attribute named like a property of every JavaScript object).
 */
function materialise(p: ProjectPlan): { files: Record<string, string | Uint8Array | null>; expected: Map<string, Placement>; columns: string[]; unusual: boolean } {
  const files: Record<string, string | Uint8Array | null> = {};
  // Transcripts, and the texts the coding may quote from.
  const texts = new Map<string, string>();
  if (p.keepBaseTranscripts) {
    texts.set('P1', BASE_PROJECT['t/P1.txt']);
    texts.set('P2', BASE_PROJECT['t/P2.txt']);
  } else {
    files['t/P1.txt'] = null;
    files['t/P2.txt'] = null;
  }
  for (const t of p.transcripts) {
    const path = `t/${t.sub ? 'sub/' : ''}${t.id}.txt`;
    files[path] = t.garbage ?? encode(t.text, t.encoding);
    if (!t.sub) texts.set(t.id, t.garbage === undefined ? readAs(t.text, t.encoding.enc) : '');
  }
  const ids = [...texts.keys()];
  const pickT = (x: Pick) => ('raw' in x ? x.raw : ids.length ? ids[x.pick % ids.length] : 'P1');

  // The frame.
  const frame = renderFrame(p.frame);
  if (frame.text !== null) files['frame.yaml'] = frame.text;
  const codes = frame.ids.length ? frame.ids : ['1'];
  const pickC = (x: Pick) => ('raw' in x ? x.raw : codes[x.pick % codes.length]);

  // The coding. In a clean project each row has an id, and where its passage must be charted is
  // worked out here, independently of dtors.
  const rows: Record<string, string | undefined>[] = [];
  const expected = new Map<string, Placement>();
  for (const r of p.rows) {
    const id = pickT(r.transcript);
    const text = texts.get(id) ?? '';
    const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    // In a clean project every passage can be placed: none in an empty transcript.
    if (p.clean && lines.length === 0) continue;
    const out: Record<string, string | undefined> = { transcript: id, code: pickC(r.code) };
    let quoteAt: [number, number] | undefined;
    if (r.quote.kind === 'pick' && text !== '') {
      let from = r.quote.from % text.length;
      let to = Math.min(text.length, from + r.quote.length);
      // Whole characters: a surrogate pair is not split.
      if (/[\udc00-\udfff]/.test(text[from] ?? '') && from > 0) from--;
      if (/[\ud800-\udbff]/.test(text[to - 1] ?? '') && to < text.length) to++;
      const q = text.slice(from, to);
      if (!p.clean || VISIBLE.test(q)) {
        out.quote = editQuote(q, r.quote.edit);
        quoteAt = [from, to];
      }
    } else if (r.quote.kind === 'raw') out.quote = r.quote.value;
    const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
    let linesKind = r.lines.kind;
    // A quote without lines must occur once; a clean project gives lines where it would not.
    if (p.clean && quoteAt && linesKind === 'none' && !referenceQuote(text, out.quote!)) linesKind = 'around';
    if (p.clean && quoteAt && linesKind === 'pick') linesKind = 'around';
    if (p.clean && !quoteAt && linesKind === 'none') linesKind = 'around';
    switch (linesKind) {
      case 'around':
        if (quoteAt) out.lines = `${lineOf(quoteAt[0])}-${lineOf(Math.max(quoteAt[0], quoteAt[1] - 1))}`;
        else if (lines.length) out.lines = '1';
        break;
      case 'pick': {
        const l = r.lines as { a: number; b: number };
        const n = Math.max(1, lines.length);
        const a = 1 + (l.a % n);
        // b = 3 runs one line past the end, in a wild project.
        out.lines = `${a}-${Math.min(n + (l.b === 3 && !p.clean ? 1 : 0), a + l.b)}`;
        break;
      }
      case 'raw':
        out.lines = (r.lines as { value: string }).value;
        break;
      case 'start-end':
        out.start = (r.lines as { a: string }).a;
        out.end = (r.lines as { b: string }).b;
        break;
    }
    Object.assign(out, { summary: r.summary, note: r.note, key: r.key, coder: r.coder, id: r.id });
    if (p.clean) {
      out.id = `r${rows.length}`;
      if (out.quote !== undefined) {
        const hit = referenceQuote(text, out.quote);
        if (hit) expected.set(out.id, placement(text, hit.start, hit.end));
      } else if (out.lines !== undefined) {
        const [a, b] = out.lines.split('-').map(Number);
        expected.set(out.id, linesPlacement(text, a, b ?? a));
      }
    }
    rows.push(out);
  }
  const annotationColumns = ['transcript', 'code', 'lines', 'start', 'end', 'quote', 'summary', 'note', 'key', 'coder', 'id'].filter(
    (c) => ['transcript', 'code', 'lines', 'quote', 'summary'].includes(c) || rows.some((r) => r[c] !== undefined),
  );
  const annotationCsv = csv(annotationColumns, rows, p.annotationStyle);
  const annotationYaml = yamlList(rows, p.annotationYamlStyle);
  files['a.csv'] = null;
  const c = p.config;
  let annotations = '[a.csv]';
  switch (c.annotations) {
    case 'csv':
      files['a.csv'] = annotationCsv;
      break;
    case 'yaml':
      files['a.yaml'] = annotationYaml;
      annotations = '[a.yaml]';
      break;
    case 'both':
      // Half the rows each, so a passage is coded once.
      files['a.csv'] = csv(annotationColumns, rows.filter((_, i) => i % 2 === 0), p.annotationStyle);
      files['a.yaml'] = yamlList(rows.filter((_, i) => i % 2 === 1), p.annotationYamlStyle);
      annotations = '[a.csv, a.yaml]';
      break;
    case 'glob':
      files['coding/x.csv'] = annotationCsv;
      annotations = '"coding/*.{csv,yaml}"';
      break;
    case 'scalar':
      files['coding/x.yml'] = annotationYaml;
      annotations = 'coding';
      break;
    case 'missing':
      annotations = '[nope.csv]';
      break;
    case 'folder':
      files['coding/x.csv'] = annotationCsv;
      annotations = '[coding/]';
      break;
  }

  // Cases.
  let casesLine = '';
  let caseIds = ids;
  let columns: string[] = [];
  const cp = p.cases;
  if (cp.kind === 'none') files['cases.csv'] = null;
  else if (cp.kind === 'missing') {
    files['cases.csv'] = null;
    casesLine = 'cases: cases.csv\n';
  } else if (cp.kind === 'garbage') {
    files['cases.csv'] = cp.garbage;
    casesLine = 'cases: cases.csv\n';
  } else {
    // A clean project has a row per transcript; a wild one what the plan says.
    const planned = p.clean || !cp.rows.length ? ids.map((_, i) => ({ transcripts: 'own' as const, values: cp.rows[i]?.values ?? ['cj', 'other', ''], case: { pick: i } })) : cp.rows;
    const caseRows = planned.map((r) => {
      const id = pickT(r.case);
      // No prototype: a column may be called __proto__.
      const row: Record<string, string | undefined> = Object.assign(Object.create(null), { case: id });
      if (r.transcripts === 'two') row.transcripts = `${id};${ids[(ids.indexOf(id) + 1) % Math.max(1, ids.length)] ?? 'P2'}`;
      else if (r.transcripts === 'unknown') row.transcripts = `${id};P9`;
      else if (r.transcripts === 'dup') row.transcripts = `${id}; ${id}`;
      else if (r.transcripts === 'blank') row.transcripts = ' ';
      cp.columns.forEach((col, i) => (row[col] = r.values[i]));
      return row;
    });
    // Attribute names are kept as written (the header may be in capitals).
    columns = cp.columns.map((col) => (cp.style.uppercase ? col.toUpperCase() : col));
    caseIds = caseRows.map((r) => r.case!);
    const cols = ['case', ...(planned.some((r) => r.transcripts !== 'own') ? ['transcripts'] : []), ...cp.columns];
    files['cases.csv'] = csv(cols, caseRows, cp.style);
    casesLine = 'cases: cases.csv\n';
  }

  // Summaries: in a clean project, one per case at most.
  let summariesLine = '';
  const sp = p.summaries;
  if (sp.kind !== 'none') {
    const pickCase = (x: Pick) => ('raw' in x ? x.raw : caseIds.length ? caseIds[x.pick % caseIds.length] : 'P1');
    let rowsS = sp.rows.map((r) => ({ case: pickCase(r.case), code: pickC(r.code), summary: r.summary, note: r.note, coder: r.coder }));
    if (p.clean) rowsS = rowsS.filter((r, i) => rowsS.findIndex((x) => x.case === r.case) === i);
    if (sp.kind === 'csv') {
      files['s.csv'] = csv(['case', 'code', 'summary', 'note', 'coder'], rowsS, sp.style);
      summariesLine = 'summaries: s.csv\n';
    } else {
      files['s.yaml'] = yamlList(rowsS, sp.yamlStyle);
      summariesLine = 'summaries: s.yaml\n';
    }
  }

  // dtors.yaml.
  const list = (xs: string[]) => `[${xs.map((x) => scalar(x, 'double')).join(', ')}]`;
  let cfg = `version: ${c.version}\n`;
  if (c.title !== undefined) cfg += `title: ${scalar(c.title, 'double')}\n`;
  cfg += `transcripts: ${c.transcripts}\nframe: ${c.frame}\nannotations: ${annotations}\n${casesLine}${summariesLine}`;
  if (c.speakers && (c.speakers.interviewer || c.speakers.pattern)) {
    cfg += 'speakers:\n';
    if (c.speakers.interviewer) cfg += `  interviewer: ${list(c.speakers.interviewer)}\n`;
    if (c.speakers.pattern) cfg += `  pattern: ${scalar(c.speakers.pattern, 'single')}\n`;
  }
  const chart = c.chart && { ...c.chart };
  if (chart && p.clean) {
    // Only attributes the cases file has.
    const known = (xs?: string[]) => xs?.filter((x) => columns.includes(x) && x !== '' && x.trim() === x);
    chart.sort = known(chart.sort);
    chart.attributes = chart.attributes?.length === 1 && chart.attributes[0] === 'none' ? chart.attributes : known(chart.attributes);
  } else if (chart && c.fromColumns && columns.length) {
    // The attributes the cases file has, whatever they are called.
    chart.attributes = columns;
    chart.sort = columns.slice(0, 1);
  }
  if (chart && Object.values(chart).some((v) => v !== undefined)) {
    cfg += 'chart:\n';
    if (chart.sort) cfg += `  sort: ${list(chart.sort)}\n`;
    if (chart.attributes) cfg += `  attributes: ${list(chart.attributes)}\n`;
    if (chart.quotes) cfg += `  quotes: ${chart.quotes}\n`;
    if (chart.interviewer) cfg += `  interviewer: ${chart.interviewer}\n`;
    if (chart.coders) cfg += `  coders: ${list(chart.coders)}\n`;
  }
  if (c.unknownKey) cfg += 'colour: blue\n';
  files['dtors.yaml'] = c.absent ? null : cfg;

  // Pure garbage: every input replaced.
  if (p.allGarbage) {
    const names = ['dtors.yaml', 'frame.yaml', 'a.csv', 'cases.csv', 't/P1.txt', 't/P2.txt'];
    names.forEach((n, i) => (files[n] = p.allGarbage![i]));
  }

  // One or two slips in the finished files.
  const present = Object.keys({ ...BASE_PROJECT, ...files })
    .filter((n) => (n in files ? files[n] : BASE_PROJECT[n]) !== null)
    .sort();
  for (const m of p.mutations) {
    if (!present.length) break;
    const name = present[m.file % present.length];
    files[name] = mutate(name in files ? files[name]! : BASE_PROJECT[name], m);
  }
  const unusual = (p.frame.kind === 'tree' && p.frame.clash !== undefined) || columns.some((c) => OBJECT_KEYS.includes(c));
  return { files, expected, columns, unusual };
}

/* ================================================================================================ */
/* The properties                                                                                   */
/* ================================================================================================ */

const tally = new Map<string, number>();

/** Runs one plan through the checks; keeps the folder of a failing project and says where it is. */
async function check(plan: ProjectPlan, run: Runner, repeat: boolean): Promise<void> {
  const { files, expected, columns, unusual } = materialise(plan);
  // `@columns` in a flag stands for the project's case attributes.
  const chartFlags = plan.chartFlags.map((f) => (f === '@columns' ? columns.join(',') || 'route' : f));
  const dir = writeProject(files);
  watchdog.context = `FUZZ_SEED=${SEED}; project folder ${dir}`;
  // Every passage of a clean project is charted where the reference says, unless flags leave some out.
  const filtered = plan.chartFlags.some((f) => ['--theme', '--where', '--coder', '--layout'].includes(f));
  const placements = plan.clean && plan.mutations.length === 0 && !filtered ? expected : undefined;
  try {
    const valid = plan.clean && plan.mutations.length === 0 && !unusual;
    const seen = await checkProject(dir, run, { projectFlags: plan.projectFlags, chartFlags, repeat, placements, valid });
    const clean = valid ? 'clean ' : '';
    for (const k of [`${clean}validate exit ${seen.code}`, ...seen.codes.map((c) => clean + c)]) tally.set(k, (tally.get(k) ?? 0) + 1);
    if (placements && seen.charted) tally.set('passages placed as the reference says', (tally.get('passages placed as the reference says') ?? 0) + placements.size);
  } catch (e) {
    const why = e instanceof Violation ? e.message : (e as Error)?.stack ?? String(e);
    throw new Error(`${why}\n  project (kept): ${dir}\n  flags: ${[...plan.projectFlags, ...chartFlags].map(shellQuote).join(' ') || '(none)'}\n  files (over test/helpers.ts BASE_PROJECT):\n${describeFiles(files)}`);
  }
  rmSync(dirname(dir), { recursive: true, force: true });
}

/** fc.assert with the seed (and path) in every failure message, so a failure can be replayed. */
async function assertProperty(name: string, property: fc.IAsyncProperty<[ProjectPlan]>, params: fc.Parameters<[ProjectPlan]>): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, path: PATH, ...params });
  } catch (e) {
    const path = /path: "([^"]*)"/.exec(String((e as Error)?.message))?.[1];
    const replay = `FUZZ_SEED=${SEED}${path ? ` FUZZ_PATH=${path}` : ''} FUZZ_RUNS=${params.numRuns} npx vitest run test/fuzz -t '${name}'`;
    (e as Error).message = `[fuzz] ${name} failed with seed ${SEED}${path ? `, path ${path}` : ''}. Replay: ${replay}\n\n${(e as Error).message}`;
    throw e;
  }
}

/** A dtors.yaml reading YAML coding and, optionally, YAML summaries. */
const yamlProject = (summaries = false) =>
  `version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [${summaries ? 'a.csv' : 'a.yaml'}]\ncases: cases.csv\n${summaries ? 'summaries: s.yaml\n' : ''}`;

/**
 * Projects the fuzzer failed on, shrunk: checked with the same oracles on every run, whatever the seed.
 * (Files over test/helpers.ts BASE_PROJECT.)
 */
const FOUND: { name: string; files: Record<string, string | null>; chartFlags?: string[] }[] = [
  { name: 'YAML coding whose transcript is only spaces', files: { 'dtors.yaml': yamlProject(), 'a.csv': null, 'a.yaml': '- transcript: " "\n  code: "1.1"\n  lines: 2\n' } },
  { name: 'YAML coding whose code is only spaces', files: { 'dtors.yaml': yamlProject(), 'a.csv': null, 'a.yaml': '- transcript: P1\n  code: " "\n  lines: 2\n' } },
  { name: 'YAML summaries whose case is only spaces', files: { 'dtors.yaml': yamlProject(true), 's.yaml': '- case: " "\n  code: "1.1"\n  summary: x\n' } },
  { name: 'YAML summaries whose code is only spaces', files: { 'dtors.yaml': yamlProject(true), 's.yaml': '- case: P1\n  code: " "\n  summary: x\n' } },
  { name: 'YAML summaries whose summary is only spaces', files: { 'dtors.yaml': yamlProject(true), 's.yaml': '- case: P1\n  code: "1.1"\n  summary: " "\n' } },
  { name: 'a case attribute named __proto__ with a blank cell', files: { 'cases.csv': 'case,__proto__\nP1,\nP2,x\n' }, chartFlags: ['--attributes', '__proto__'] },
  { name: 'a case attribute named constructor with a blank cell', files: { 'cases.csv': 'case,constructor\nP1,\nP2,x\n' }, chartFlags: ['--sort', 'constructor'] },
  { name: 'a YAML syntax error after lone CR line ends', files: { 'frame.yaml': '"\r\r\n:' } },
  { name: 'a code holding a line break and an escape character', files: { 'a.csv': 'transcript,code,lines\nP1,"1.9\nfake.csv:1:1: error made-up: not from dtors\u001b[2J",2\n' } },
  { name: 'an attribute named twice, in the long layout', files: { 'cases.csv': 'case,route\nP1,cj\nP2,x\n' }, chartFlags: ['--layout', 'long', '--attributes', 'route,route'] },
  { name: 'a theme whose chart file would be the manifest', files: { 'frame.yaml': 'themes:\n  - id: "1"\n    label: Needs\n    subthemes:\n      - id: "1.1"\n        label: Scripts\n      - id: "1.2"\n        label: Support\n  - id: manifest\n    label: "!"\n' } },
  {
    name: 'a frame nested 2,500 levels deep',
    files: { 'frame.yaml': `themes: [${Array.from({ length: 2499 }).reduce<string>((s, _, i) => `{id: "d${i + 1}", label: x, subthemes: [${s}]}`, '{id: "d0", label: x}')}]\n` },
  },
];

describe('counterexamples found so far', () => {
  it.each(FOUND)('$name', async ({ files, chartFlags = [] }) => {
    const dir = writeProject(files);
    try {
      await checkProject(dir, inProcess, { projectFlags: [], chartFlags, repeat: true });
    } catch (e) {
      const why = e instanceof Violation ? e.message : (e as Error)?.stack ?? String(e);
      throw new Error(`${why}\n  project (kept): ${dir}\n  files (over test/helpers.ts BASE_PROJECT):\n${describeFiles(files)}`);
    }
    rmSync(dirname(dir), { recursive: true, force: true });
  });
});

describe(`fuzz (seed ${SEED})`, () => {
  beforeAll(() => watchdog.start(Math.max(60_000, RUN_LIMIT_MS * 3)));
  afterAll(async () => {
    await watchdog.stop();
    if (process.env.FUZZ_STATS) console.log(`[fuzz] seed ${SEED}: ${[...tally].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  });

  const budget = (runs: number, perRunMs: number) => Math.max(60_000, runs * perRunMs);

  it(
    'validate and chart (in process) never throw or hang, exit 0/1/2, place every diagnostic, write all or nothing, and repeat themselves',
    async () => {
      await assertProperty(
        'in process',
        fc.asyncProperty(projectArb, (plan) => check(plan, inProcess, true)),
        { numRuns: RUNS, timeout: RUN_LIMIT_MS * 4 },
      );
    },
    budget(RUNS, 2_000),
  );

  it(
    'the real binary keeps the same promises, and agrees with main() byte for byte',
    async () => {
      const bin = binary();
      const both: Runner = async (args) => {
        const b = await bin(args);
        const i = await inProcess(args);
        // Temporary files are named after the process: the only difference allowed.
        const pid = (t: string) => t.replace(/\.\d+\.tmp\b/g, '.PID.tmp');
        if (b.code !== i.code || b.stdout !== i.stdout || pid(b.stderr) !== pid(i.stderr)) {
          throw new Violation(
            `the binary and main() in process differ for: dtors ${args.map(shellQuote).join(' ')}\n  binary: exit ${b.code}, stderr ${JSON.stringify(b.stderr.slice(0, 800))}\n  in process: exit ${i.code}, stderr ${JSON.stringify(i.stderr.slice(0, 800))}`,
          );
        }
        return b;
      };
      // Shrinking spawns processes for every try: bounded, it reports the smallest project found so far.
      await assertProperty('binary', fc.asyncProperty(projectArb, (plan) => check(plan, both, false)), { numRuns: BINARY_RUNS, interruptAfterTimeLimit: 45_000 + BINARY_RUNS * 2_000 });
    },
    budget(BINARY_RUNS, 30_000),
  );

  it(
    'a large transcript of one repeated line is read in bounded time (binary, killed after the limit)',
    async () => {
      const lineShape = fc.oneof(
        fc.constantFrom('', ' ', '\t', '   ', 'INT: hello', 'A'.repeat(200), 'Aa Bb Cc Dd Ee:', '[00:00]', '[' + '0'.repeat(30), 'x: y', '“”', '\u200b', 'so I said: no'),
        fc.string({ unit: fc.constantFrom(' ', '\t', 'A', 'a', ':', '[', ']', '-', "'", '1'), maxLength: 30 }),
      );
      const bin = binary(RUN_LIMIT_MS);
      await fc.assert(
        fc.asyncProperty(lineShape, fc.constantFrom('\n', '\r\n', '\r'), async (shape, eol) => {
          // Some 400 KB: a long interview is a tenth of that, so anything linear finishes in well under a second.
          const lines = Math.floor(400_000 / (shape.length + eol.length + 1));
          const text = `INT: Hello?${eol}RESP: I wanted a script.${eol}${(shape + eol).repeat(lines)}`;
          const dir = writeProject({ 't/P1.txt': text });
          try {
            for (const args of [['validate', dir], ['chart', dir, '--quotes', 'full']]) {
              const r = await bin(args);
              if (![0, 1, 2].includes(r.code)) throw new Violation(`exit ${r.code}: ${r.stderr.slice(0, 500)}`);
            }
          } catch (e) {
            throw new Error(`${(e as Error).message}\n  transcript t/P1.txt: 2 lines, then ${JSON.stringify(shape + eol)} × ${lines}; project kept in ${dir}`);
          }
          rmSync(dirname(dir), { recursive: true, force: true });
        }),
        // No shrinking: each failing try costs the whole time limit; the line shape is the answer.
        { seed: SEED, numRuns: LARGE_RUNS, endOnFailure: true, examples: [['', '\n']] },
      ).catch((e: Error) => {
        e.message = `[fuzz] large transcript failed with seed ${SEED}\n\n${e.message}`;
        throw e;
      });
    },
    budget(LARGE_RUNS, 4 * RUN_LIMIT_MS),
  );
});
