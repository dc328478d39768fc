import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { anchorAll } from '../../src/anchor/anchor.js';
import type { Project, Segment } from '../../src/model/types.js';
import { loadProject } from '../../src/project/load.js';
import { openRefi } from '../../src/refi/archive.js';
import { codeDescription, codeName, exportCodebook, exportProject } from '../../src/refi/fromProject.js';
import { refiToProject } from '../../src/refi/toProject.js';
import { writeZip } from '../../src/refi/zip.js';
import { EXAMPLE, ROOT, tempDir, writeProject } from '../helpers.js';

const SCHEMAS = join(ROOT, '..', 'shared', 'fixtures', 'refi', 'schemas');
const haveSchemas = existsSync(SCHEMAS);

function load(dir: string): { project: Project; segments: Segment[] } {
  const loaded = loadProject(dir);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { segments, diagnostics } = anchorAll(loaded.project!);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { project: loaded.project!, segments };
}

function qdpx(dir: string): Uint8Array {
  const { project, segments } = load(dir);
  const e = exportProject(project, segments, 'dtors test');
  return writeZip([{ name: 'project.qde', data: Buffer.from(e.xml) }, ...e.sources.map((s) => ({ name: s.name, data: Buffer.from(s.data) }))]);
}

/** Everything REFI-QDA can carry of a project, in a form two projects can be compared by. */
function carried(dir: string) {
  const { project, segments } = load(dir);
  return {
    frame: project.frame.order.map((id) => {
      const n = project.frame.nodes.get(id)!;
      return [n.id, n.label, n.description, n.include, n.exclude, n.keywords, n.parent];
    }),
    transcripts: [...project.transcripts.values()].map((t) => [t.id, t.text]),
    cases: project.cases.map((c) => [c.id, c.transcripts, Object.fromEntries(Object.entries(c.attributes).filter(([, v]) => v !== ''))]),
    summaries: project.summaries.map((s) => [s.case, s.code, s.summary, s.absence, s.note, s.coder]),
    passages: segments
      .map((s) => {
        const a = s.annotation;
        return [a.transcript, a.code, s.startLine, s.endLine, s.transcript.text.slice(s.start, s.end).trim(), a.summary, a.note, a.coder, a.id].map((x) => x ?? '');
      })
      .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
  };
}

async function reimport(bytes: Uint8Array): Promise<string> {
  const opened = await openRefi(bytes, 'x.qdpx');
  const r = refiToProject(opened.project!, opened.texts, opened.noteTexts, { from: 'x.qdpx', xmlFile: opened.xmlFile });
  const dir = join(tempDir(), 'back');
  for (const f of r.files) {
    mkdirSync(dirname(join(dir, f.name)), { recursive: true });
    writeFileSync(join(dir, f.name), f.content);
  }
  return dir;
}

describe('export', () => {
  it('is byte-identical on every run', () => {
    expect(qdpx(EXAMPLE)).toEqual(qdpx(EXAMPLE));
  });

  it('writes UTF-8 sources without a BOM, with LF line ends, referred to as internal:// files', () => {
    const files = unzipSync(qdpx(EXAMPLE));
    const sources = Object.keys(files).filter((n) => n.startsWith('sources/'));
    expect(sources).toHaveLength(16);
    for (const n of sources) {
      expect([...files[n].subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
      expect(Buffer.from(files[n]).includes(0x0d)).toBe(false);
    }
    const qde = new TextDecoder().decode(files['project.qde']);
    for (const n of sources) expect(qde).toContain(`plainTextPath="internal://${n.slice('sources/'.length)}"`);
  });

  it('counts offsets in code points: a passage after emoji starts where its words do', () => {
    const dir = writeProject({
      't/P1.txt': 'INT: Hello? 😀😀\nRESP: I wanted a script 👍.\nRESP: And support from my keyworker.\n',
      'a.csv': 'transcript,code,quote\nP1,1.2,support from my keyworker\n',
    });
    const { project, segments } = load(dir);
    const xml = exportProject(project, segments, 'dtors test').xml;
    const text = project.transcripts.get('P1')!.text;
    const start = [...text.slice(0, text.indexOf('support'))].length;
    expect(xml).toContain(`startPosition="${start}" endPosition="${start + 'support from my keyworker'.length}"`);
    expect(start).toBe(text.indexOf('support') - 3);
  });

  it('names codes with their Framework number and keeps coding rules in the description', () => {
    const { project } = load(EXAMPLE);
    const n = project.frame.nodes.get('1.1')!;
    expect(codeName(n)).toBe('1.1 Substitute prescribing');
    expect(codeDescription(n)).toBe(
      'Methadone or buprenorphine scripts, dose, titration, supervised consumption\n\nInclude: Any talk of getting, changing, reducing or losing a script\nExclude: Illicit use of diverted methadone (code 2.3)\nKeywords: methadone, script, subutex, buprenorphine, dose, chemist',
    );
  });

  it('says which fields it could not carry', () => {
    const { project, segments } = load(EXAMPLE);
    expect(exportProject(project, segments, 'x').notes).toEqual(['66 key-quote marks (REFI-QDA has no field for them)']);
  });
});

describe('round trip: import(export(project))', () => {
  it('gives back the example: frame, transcripts, cases, summaries and every passage with its summary, note, coder and id', async () => {
    const back = await reimport(qdpx(EXAMPLE));
    const a = carried(EXAMPLE);
    const b = carried(back);
    expect(b.frame).toEqual(a.frame);
    expect(b.transcripts).toEqual(a.transcripts);
    expect(b.cases).toEqual(a.cases);
    expect(b.summaries).toEqual(a.summaries);
    expect(b.passages).toHaveLength(409);
    expect(b.passages).toEqual(a.passages);
  });

  it('carries text that XML treats specially, emoji and CRs in summaries', async () => {
    const dir = writeProject({
      'frame.yaml': 'themes:\n  - id: "1"\n    label: "Needs <& \\"quoted\\">"\n    subthemes:\n      - id: "1.1"\n        label: "Tab\\there"\n      - id: "1.2"\n        label: Support ]]> 😀\n',
      't/P1.txt': 'INT: Hello? 😀😀\r\nRESP: I wanted a script & <b>bold</b>.\r\nRESP: And support from my keyworker.\r\n',
      'a.csv': 'transcript,code,lines,quote,summary,note\nP1,1.1,2,,"Line one\r\nline two & <three>",note ]]> end\nP1,1.2,,support from my keyworker,"""quoted"" 👍",\n',
    });
    const back = await reimport(qdpx(dir));
    const a = carried(dir);
    const b = carried(back);
    expect(b.frame).toEqual(a.frame);
    expect(b.passages).toEqual(a.passages);
  });
});

const schemaTitle = haveSchemas ? `the official schemas (${SCHEMAS})` : `the official schemas: SKIPPED, ${SCHEMAS} is absent (a plain clone has no ../shared)`;

describe.skipIf(!haveSchemas)(schemaTitle, () => {
  async function validate(xsd: string, xml: string): Promise<string[]> {
    const { XmlDocument, XsdValidator } = await import('libxml2-wasm');
    const schema = XmlDocument.fromBuffer(readFileSync(join(SCHEMAS, xsd)));
    const validator = XsdValidator.fromDoc(schema);
    const doc = XmlDocument.fromBuffer(Buffer.from(xml));
    try {
      validator.validate(doc);
      return [];
    } catch (e) {
      const details = (e as { details?: { line: number; message: string }[] }).details ?? [];
      return details.length ? details.map((d) => `${d.line}: ${d.message}`) : [(e as Error).message];
    } finally {
      doc.dispose();
      validator.dispose();
      schema.dispose();
    }
  }

  it('the example as a project validates against Project-mrt2019.xsd', async () => {
    const { project, segments } = load(EXAMPLE);
    expect(await validate('Project-mrt2019.xsd', exportProject(project, segments, 'dtors test').xml)).toEqual([]);
  });

  it('the example as a codebook validates against Codebook.xsd', async () => {
    const { project } = load(EXAMPLE);
    expect(await validate('Codebook.xsd', exportCodebook(project, 'dtors test').xml)).toEqual([]);
  });

  it('a project with no cases, coders or coding still validates (empty containers are left out)', async () => {
    const dir = writeProject({ 'a.csv': 'transcript,code,lines\n', 'cases.csv': null, 'dtors.yaml': 'version: 1\ntranscripts: t/\nframe: frame.yaml\nannotations: [a.csv]\n' });
    const { project, segments } = load(dir);
    expect(await validate('Project-mrt2019.xsd', exportProject(project, segments, 'dtors test').xml)).toEqual([]);
  });

  it('the validator is real: a broken document fails', async () => {
    const { project, segments } = load(EXAMPLE);
    const broken = exportProject(project, segments, 'x').xml.replace('isCodable="true"', 'isCodable="maybe"');
    expect((await validate('Project-mrt2019.xsd', broken)).join('\n')).toMatch(/isCodable/);
  });
});
