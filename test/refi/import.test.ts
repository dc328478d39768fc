import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { zipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { openRefi } from '../../src/refi/archive.js';
import { refiToProject, type ImportResult } from '../../src/refi/toProject.js';
import type { Unit } from '../../src/refi/offsets.js';
import { ROOT, tempDir } from '../helpers.js';

const REAL = join(ROOT, '..', 'shared', 'fixtures', 'refi', 'real');
const haveReal = existsSync(REAL);
const enc = (s: string) => new TextEncoder().encode(s);

async function importBytes(bytes: Uint8Array, offsets?: Unit): Promise<ImportResult & { opened: Awaited<ReturnType<typeof openRefi>> }> {
  const opened = await openRefi(bytes, 'test.qdpx');
  expect(opened.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { opened, ...refiToProject(opened.project!, opened.texts, opened.noteTexts, { from: 'test.qdpx', xmlFile: opened.xmlFile, offsets }) };
}

const file = (r: ImportResult, name: string) => r.files.find((f) => f.name === name)?.content;
const rows = (r: ImportResult, name: string) => parseCsv(file(r, name)!, { columns: true }) as Record<string, string>[];
/** Every annotation row, file by file. */
const coded = (r: ImportResult) => r.files.filter((f) => f.name.startsWith('annotations/')).flatMap((f) => rows(r, f.name));

/** A project as a Windows program writes it: CRLF and a BOM in the source, UTF-16 offsets, `Sources/`, no internal://. */
const TEXT = '\ufeffINT: How did you start? 😀\r\nRESP: The DIP worker came to the cell.\r\nRESP: Methadone helps; the keyworker listens.\r\n';
function utf16Crlf(word: string): [number, number] {
  const raw = TEXT.slice(1);
  const i = raw.indexOf(word);
  return [i, i + word.length];
}

function quirkyProject(): Uint8Array {
  const [a1, b1] = utf16Crlf('The DIP worker came to the cell.');
  const [a2, b2] = utf16Crlf('Methadone helps');
  const [a3, b3] = utf16Crlf('the keyworker listens');
  const qde = `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Quirky study" origin="Some QDA 1.0">
  <Users><User guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Ann Coder"/></Users>
  <CodeBook><Codes>
    <Code guid="00000000-0000-0000-0000-0000000000c1" name="Needs::Scripts" isCodable="true"/>
    <Code guid="00000000-0000-0000-0000-0000000000c2" name="Needs::Support" isCodable="true"><Description>Talk and keywork</Description></Code>
    <Code guid="00000000-0000-0000-0000-0000000000c3" name="Routes" isCodable="true"/>
  </Codes></CodeBook>
  <Variables><Variable guid="00000000-0000-0000-0000-0000000000f1" name="route" typeOfVariable="Text"/><Variable guid="00000000-0000-0000-0000-0000000000f2" name="Code" typeOfVariable="Integer"/></Variables>
  <Cases>
    <Case guid="00000000-0000-0000-0000-0000000000e1">
      <VariableValue><VariableRef targetGUID="00000000-0000-0000-0000-0000000000f1"/><TextValue>criminal justice</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="00000000-0000-0000-0000-0000000000f2"/><IntegerValue>7</IntegerValue></VariableValue>
      <SourceRef targetGUID="00000000-0000-0000-0000-0000000000a1"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="00000000-0000-0000-0000-0000000000a1" name="P01 baseline.docx" plainTextPath="a1.txt">
      <PlainTextSelection guid="00000000-0000-0000-0000-0000000000b1" startPosition="${a1}" endPosition="${b1 + 2}" creatingUser="aaaaaaaa-0000-0000-0000-000000000001">
        <Description>DIP worker in the cell</Description>
        <Coding guid="00000000-0000-0000-0000-0000000000d1"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c3"/></Coding>
        <NoteRef targetGUID="00000000-0000-0000-0000-000000000011"/>
      </PlainTextSelection>
      <PlainTextSelection guid="00000000-0000-0000-0000-0000000000b2" startPosition="${a2}" endPosition="${b2}">
        <Coding guid="00000000-0000-0000-0000-0000000000d2" creatingUser="aaaaaaaa-0000-0000-0000-000000000001"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c1"/></Coding>
        <Coding guid="00000000-0000-0000-0000-0000000000d3"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c9"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="00000000-0000-0000-0000-0000000000b3" startPosition="${a3}" endPosition="${b3}">
        <Coding guid="00000000-0000-0000-0000-0000000000d4"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c2"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="00000000-0000-0000-0000-0000000000a2" name="Field notes">
      <PlainTextContent>Notes written on the day.</PlainTextContent>
      <Coding guid="00000000-0000-0000-0000-0000000000d5"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c3"/></Coding>
      <VariableValue><VariableRef targetGUID="00000000-0000-0000-0000-0000000000F1"/><TextValue>other</TextValue></VariableValue>
    </TextSource>
    <PictureSource guid="00000000-0000-0000-0000-0000000000a3" name="Map of the area" path="internal://map.png">
      <PictureSelection guid="00000000-0000-0000-0000-0000000000b4" firstX="1" firstY="1" secondX="5" secondY="5">
        <Coding guid="00000000-0000-0000-0000-0000000000d6"><CodeRef targetGUID="00000000-0000-0000-0000-0000000000c3"/></Coding>
      </PictureSelection>
    </PictureSource>
  </Sources>
  <Notes>
    <Note guid="00000000-0000-0000-0000-000000000011" name="memo"><PlainTextContent>Check against the custody record</PlainTextContent></Note>
    <Note guid="00000000-0000-0000-0000-000000000012" name="project memo"><PlainTextContent>Overall impressions</PlainTextContent></Note>
  </Notes>
  <Links/>
  <Sets/>
  <Graphs/>
</Project>`;
  return zipSync({ 'Quirky Study.qde': enc(qde), 'Sources/a1.txt': enc(TEXT), 'Sources/map.png': new Uint8Array([0x89, 0x50]) });
}

describe('importing a project with real exporters\' quirks', () => {
  it('finds an inner .qde of another name, Sources/ and paths without internal://', async () => {
    const r = await importBytes(quirkyProject());
    expect(r.opened.xmlFile).toBe('test.qdpx!/Quirky Study.qde');
    expect(file(r, 'transcripts/P01-baseline.txt')).toBe('INT: How did you start? 😀\nRESP: The DIP worker came to the cell.\nRESP: Methadone helps; the keyworker listens.\n');
    expect(file(r, 'transcripts/Field-notes.txt')).toBe('Notes written on the day.');
  });

  it('reads UTF-16 offsets with CRLF as 2 and puts every passage on its words', async () => {
    const r = await importBytes(quirkyProject());
    expect(r.report.reading!.chosen).toEqual({ unit: 'utf16', crlfTwo: true });
    expect(r.files.filter((f) => f.name.startsWith('annotations/')).map((f) => f.name)).toEqual(['annotations/Ann-Coder.csv', 'annotations/imported.csv']);
    const a = coded(r);
    expect(a.map((x) => [x.transcript, x.code, x.lines, x.quote])).toEqual([
      ['P01-baseline', '2', '2', 'The DIP worker came to the cell.'],
      ['P01-baseline', '1.1', '3', 'Methadone helps'],
      ['P01-baseline', '1.2', '3', 'the keyworker listens'],
      ['Field-notes', '2', '1-1', ''],
    ]);
    // The selection ran on over the line end: the passage is the words.
    expect(a[0]).toMatchObject({ summary: 'DIP worker in the cell', note: 'Check against the custody record', coder: 'Ann Coder' });
    expect(a[1].coder).toBe('Ann Coder');
  });

  it('reads the same selections as code points when told to, and says so', async () => {
    const r = await importBytes(quirkyProject(), 'codepoints');
    expect(r.report.reading!.chosen.unit).toBe('codepoints');
    expect(r.report.reading!.forced).toBe(true);
    // One astral character before them: each passage is one character off.
    expect(coded(r)[1].quote).not.toBe('Methadone helps');
  });

  it('splits names with :: into a hierarchy, numbering the codes', async () => {
    const r = await importBytes(quirkyProject());
    expect(parseYaml(file(r, 'frame.yaml')!)).toEqual({
      title: 'Quirky study',
      themes: [
        { id: '1', label: 'Needs', subthemes: [{ id: '1.1', label: 'Scripts' }, { id: '1.2', label: 'Support', description: 'Talk and keywork' }] },
        { id: '2', label: 'Routes' },
      ],
    });
  });

  it('gives an unnamed case the name of its document, keeps its and the documents\' variables, a reserved name renamed', async () => {
    const r = await importBytes(quirkyProject());
    expect(rows(r, 'cases.csv')).toEqual([
      { case: 'P01-baseline', transcripts: 'P01-baseline', route: 'criminal justice', 'Code (variable)': '7' },
      // A document variable of a source in no case: the source becomes a case carrying it.
      { case: 'Field-notes', transcripts: 'Field-notes', route: 'other', 'Code (variable)': '' },
    ]);
  });

  it('lists what it could not carry, and warns of codings to unknown codes', async () => {
    const r = await importBytes(quirkyProject());
    const text = file(r, 'import-report.txt')!;
    expect(text).toMatch(/1 picture source \("Map of the area"\) with 1 coding of regions/);
    expect(text).toMatch(/1 note \(memos\) not attached/);
    expect(text).toMatch(/1 coding to codes that are not in the codebook/);
    expect(text).toMatch(/code names? with "\\" or "::" read as a path/);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['refi-invalid', 26, 9]]);
  });

  it('reads NVivo case nodes as case membership, linked notes as passage notes, and counts comments and empty selections', async () => {
    const g = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
    const qde = `<Project xmlns="urn:QDA-XML:project:1.0" name="n">
  <CodeBook><Codes>
    <Code guid="${g(1)}" name="Needs" isCodable="True"/>
    <Code guid="${g(2)}" name="Cases" isCodable="False"><Code guid="${g(3)}" name="P01" isCodable="true"/></Code>
  </Codes></CodeBook>
  <Cases><Case guid="${g(3)}" name="P01"/></Cases>
  <Sources><TextSource guid="${g(10)}" name="P01 interview"><PlainTextContent>RESP: I needed a script quickly.</PlainTextContent>
    <PlainTextSelection guid="${g(20)}" startPosition="6" endPosition="31"><Coding guid="${g(30)}"><CodeRef targetGUID="${g(1)}"/></Coding></PlainTextSelection>
    <PlainTextSelection guid="${g(21)}" startPosition="0" endPosition="32"><Coding guid="${g(31)}"><CodeRef targetGUID="${g(3)}"/></Coding></PlainTextSelection>
    <PlainTextSelection guid="${g(22)}" startPosition="8" endPosition="14"><Description>a comment</Description></PlainTextSelection>
    <PlainTextSelection guid="${g(23)}" startPosition="9" endPosition="9"><Coding guid="${g(32)}"><CodeRef targetGUID="${g(1)}"/></Coding></PlainTextSelection>
    <NoteRef targetGUID="${g(41)}"/>
  </TextSource></Sources>
  <Notes>
    <Note guid="${g(40)}" name="annotation"><PlainTextContent>Said twice in the interview</PlainTextContent></Note>
    <Note guid="${g(41)}" name="qualcoder annotation"><PlainTextContent>spans</PlainTextContent><PlainTextSelection guid="${g(42)}" startPosition="2" endPosition="5"/></Note>
  </Notes>
  <Links><Link guid="${g(50)}" originGUID="${g(40)}" targetGUID="${g(20)}"/></Links>
</Project>`;
    const r = await importBytes(zipSync({ 'project.qde': enc(qde) }));
    // The folder of case nodes goes with them, leaving a flat codebook.
    expect(parseYaml(file(r, 'frame.yaml')!).themes).toEqual([{ id: '1', label: 'All codes', description: 'Made by dtors import: the codebook had no hierarchy', subthemes: [{ id: '1.1', label: 'Needs' }] }]);
    expect(rows(r, 'cases.csv')).toEqual([{ case: 'P01', transcripts: 'P01-interview' }]);
    expect(coded(r).map((x) => [x.code, x.quote, x.note])).toEqual([['1.1', 'I needed a script quickly', 'Said twice in the interview']]);
    const report = file(r, 'import-report.txt')!;
    expect(report).toMatch(/1 code that are the project's cases \(NVivo case nodes\) were read as case membership/);
    expect(report).toMatch(/1 empty selection \(a position in the text, no words\)/);
    expect(report).toMatch(/1 selection with no code \(comments on the text\)/);
    expect(report).toMatch(/1 note on spans of text \(annotations\)/);
    expect(report).not.toMatch(/link/);
  });

  it('makes document groups case attributes ("gender: male" as ATLAS.ti writes them), a PDF\'s text a transcript', async () => {
    const g = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
    const qde = `<Project xmlns="urn:QDA-XML:project:1.0" name="groups">
  <CodeBook><Codes><Code guid="${g(1)}" name="Food" isCodable="true"/><Code guid="${g(2)}" name="Drink" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="${g(10)}" name="Mabel.txt"><PlainTextContent>Bacon and eggs.</PlainTextContent></TextSource>
    <TextSource guid="${g(11)}" name="Simon.docx"><PlainTextContent>Coke for breakfast.</PlainTextContent></TextSource>
    <PDFSource guid="${g(12)}" name="Leaflet.pdf" path="internal://x.pdf"><Representation guid="${g(13)}" name="Representation_for_Leaflet.pdf"><PlainTextContent>Cereal is best.</PlainTextContent></Representation></PDFSource>
  </Sources>
  <Sets>
    <Set guid="${g(20)}" name="gender: female"><MemberSource targetGUID="${g(10)}"/></Set>
    <Set guid="${g(21)}" name="gender: male"><MemberSource targetGUID="${g(11)}"/></Set>
    <Set guid="${g(22)}" name="Text files"><MemberSource targetGUID="${g(10)}"/><MemberSource targetGUID="${g(11)}"/></Set>
    <Set guid="${g(23)}" name="Leaflets"><MemberSource targetGUID="${g(12)}"/></Set>
    <Set guid="${g(24)}" name="Meals"><MemberCode targetGUID="${g(1)}"/></Set>
  </Sets>
</Project>`;
    const r = await importBytes(zipSync({ 'project.qde': enc(qde) }));
    expect(rows(r, 'cases.csv')).toEqual([
      { case: 'Mabel', transcripts: 'Mabel', gender: 'female', groups: 'Text files' },
      { case: 'Simon', transcripts: 'Simon', gender: 'male', groups: 'Text files' },
      { case: 'Leaflet', transcripts: 'Leaflet', gender: '', groups: 'Leaflets' },
    ]);
    expect(file(r, 'transcripts/Leaflet.txt')).toBe('Cereal is best.');
    const report = file(r, 'import-report.txt')!;
    expect(report).toMatch(/4 document groups became case attributes/);
    // "Meals" holds one of the two codes, so the sets cannot be the themes: it has no place.
    expect(report).toMatch(/1 set of codes or notes \("Meals"\)/);
  });

  it('refuses a cut-short archive and malformed XML with a position', async () => {
    const whole = quirkyProject();
    const cut = await openRefi(whole.subarray(0, 200), 'cut.qdpx');
    expect(cut.diagnostics[0]).toMatchObject({ code: 'refi-unreadable' });
    const bad = await openRefi(zipSync({ 'project.qde': enc('<Project name="x">\n<Users>\n</Project>') }), 'bad.qdpx');
    expect(bad.diagnostics[0]).toMatchObject({ code: 'refi-malformed', file: 'bad.qdpx!/project.qde', line: 3 });
  });

  it('refuses a zip that is not a REFI project', async () => {
    const r = await openRefi(zipSync({ 'word/document.xml': enc('<w/>') }), 'report.docx');
    expect(r.diagnostics[0].message).toMatch(/no \.qde project file/);
  });
});

const realTitle = haveReal ? `real exports (${REAL})` : `real exports: SKIPPED, ${REAL} is absent (a plain clone has no ../shared)`;

describe.skipIf(!haveReal)(realTitle, () => {
  it('NVivo 12: UTF-16 offsets with CRLF as 2, chosen from the selections, quotes as NVivo showed them', async () => {
    const opened = await openRefi(join(REAL, 'nvivo12-win_oltas0517.qdpx'), 'nvivo.qdpx');
    const r = refiToProject(opened.project!, opened.texts, opened.noteTexts, { from: 'nvivo.qdpx', xmlFile: opened.xmlFile });
    expect(r.report.reading!.chosen).toEqual({ unit: 'utf16', crlfTwo: true });
    const best = r.report.reading!.scores.find((s) => s.reading.unit === 'utf16' && s.reading.crlfTwo)!;
    expect(best.fit).toBeGreaterThanOrEqual(300);
    for (const s of r.report.reading!.scores) if (s !== best) expect(s.fit).toBeLessThan(60);
    expect(r.report.counts).toMatchObject({ transcripts: 2, passages: 303, themes: 12, codes: 152 });
    const a = coded(r);
    // The first selection (start 3137): a comment as it appears in the source, whole words at both ends.
    expect(a.some((x) => x.quote.startsWith('Senkit nem lehet kötelezni oltásra, ilyet csak ostoba korlát'))).toBe(true);
    // Far into the text, after hundreds of emoji and line ends, a selection still ends on its emoji.
    expect(a.some((x) => x.quote.endsWith('És milyen igazad lett!☝️👌👍👍👍'))).toBe(true);
    // "1. Oltás típusa" keeps its number as its id; "1. Conspiracist ideation" under another theme cannot.
    const frame = parseYaml(file(r, 'frame.yaml')!);
    expect(frame.themes[0]).toMatchObject({ id: '1', label: 'Oltás típusa', description: 'COVID vay nem COVID' });
    const roots = frame.themes.find((t: { label: string }) => t.label === 'Attituderoots');
    expect(roots.subthemes[0]).toMatchObject({ id: `${roots.id}.1`, label: '1. Conspiracist ideation' });
  });

  it('ATLAS.ti codebook: a flat codebook whose codes are all in one group each gets the groups as themes', async () => {
    const opened = await openRefi(join(REAL, 'atlasti-win-23.4.0_codebook.qdc'), 'atlas.qdc');
    const r = refiToProject(opened.project!, opened.texts, opened.noteTexts, { from: 'atlas.qdc', xmlFile: opened.xmlFile });
    expect(parseYaml(file(r, 'frame.yaml')!).themes).toEqual([
      { id: '1', label: 'code group 1', description: 'kategorie 1', subthemes: [{ id: '1.1', label: 'code1', description: 'description' }] },
    ]);
    expect(file(r, 'import-report.txt')).toMatch(/set became themes/);
  });

  it('ATLAS.ti codebook cut short: an error at the end of the file', async () => {
    const opened = await openRefi(join(REAL, 'atlasti-win-23.4.0_codebook_TRUNCATED.qdc'), 'cut.qdc');
    expect(opened.project).toBeUndefined();
    expect(opened.diagnostics).toHaveLength(1);
    expect(opened.diagnostics[0]).toMatchObject({ code: 'refi-malformed', file: 'cut.qdc', line: 18 });
  });

  it('Taguette codebook: a backslash in a name is a level of the hierarchy; empty <Sets/> is fine', async () => {
    const opened = await openRefi(join(REAL, 'taguette_codebook.qdc'), 'taguette.qdc');
    const r = refiToProject(opened.project!, opened.texts, opened.noteTexts, { from: 'taguette.qdc', xmlFile: opened.xmlFile });
    expect(parseYaml(file(r, 'frame.yaml')!).themes).toEqual([
      { id: '1', label: 'interesting', subthemes: [{ id: '1.1', label: 'places' }] },
      { id: '2', label: 'people' },
    ]);
  });
});

describe('a bare .qde or a codebook', () => {
  it('imports a codebook as a frame and an empty project', async () => {
    const dir = tempDir();
    const p = join(dir, 'c.qdc');
    writeFileSync(p, '<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="00000000-0000-0000-0000-000000000001" name="2.1 Speed" isCodable="true"/><Code guid="00000000-0000-0000-0000-000000000002" name="Respect" isCodable="true"/></Codes></CodeBook>');
    const opened = await openRefi(p, 'c.qdc');
    const r = refiToProject(opened.project!, opened.texts, opened.noteTexts, { from: 'c.qdc', xmlFile: opened.xmlFile });
    expect(parseYaml(file(r, 'frame.yaml')!).themes).toEqual([{ id: '1', label: 'All codes', description: 'Made by dtors import: the codebook had no hierarchy', subthemes: [{ id: '1.1', label: '2.1 Speed' }, { id: '1.2', label: 'Respect' }] }]);
    expect(r.report.reading).toBeUndefined();
    void readFileSync;
  });
});
