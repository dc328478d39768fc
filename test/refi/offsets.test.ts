import { describe, expect, it } from 'vitest';
import { atBoundary, chooseReading, READINGS, SourceText, type Reading } from '../../src/refi/offsets.js';

const CP: Reading = { unit: 'codepoints', crlfTwo: false };
const NVIVO: Reading = { unit: 'utf16', crlfTwo: true };

/** Where `word` is in `raw` under a reading: what an exporter counting that way would write. */
function positions(raw: string, word: string, r: Reading): [number, number] {
  const i = raw.indexOf(word);
  const before = raw.slice(0, i);
  const count = (s: string) => {
    const t = r.crlfTwo ? s : s.replace(/\r\n/g, '\n');
    return r.unit === 'utf16' ? t.length : [...t].length;
  };
  return [count(before), count(before) + count(word)];
}

describe('SourceText', () => {
  const raw = 'INT: Hi 👋\r\nRESP: Grand, thanks 😀😀\r\nRESP: Methadone helps.\r\n';
  const t = new SourceText(raw);

  it('keeps the text with LF line ends', () => {
    expect(t.text).toBe('INT: Hi 👋\nRESP: Grand, thanks 😀😀\nRESP: Methadone helps.\n');
  });

  it.each(READINGS)('maps positions of %o onto the LF text', (r) => {
    const [a, b] = positions(raw, 'Methadone helps', r);
    expect(t.text.slice(t.toOffset(a, r), t.toOffset(b, r))).toBe('Methadone helps');
  });

  it('finds no boundary inside a surrogate pair or between CR and LF', () => {
    const i = raw.indexOf('👋');
    expect(t.toOffset(i + 1, NVIVO)).toBeUndefined();
    expect(t.toOffset(raw.indexOf('\r\n') + 1, NVIVO)).toBeUndefined();
    expect(t.toOffset(10_000, CP)).toBeUndefined();
  });
});

describe('chooseReading', () => {
  const raw = 'INT: Hi 👋 there\r\nRESP: Grand 😀 thanks\r\nRESP: Methadone helps, the keyworker listens.\r\nRESP: Waiting was the worst.\r\n';
  const words = ['Methadone helps', 'keyworker listens', 'Waiting was the worst', 'thanks'];

  it.each(READINGS)('recognises selections written as %o', (r) => {
    const spans = words.map((w) => positions(raw, w, r));
    const { best } = chooseReading([{ text: new SourceText(raw), spans }]);
    expect(best).toEqual(r);
  });

  it('takes the standard reading when the text cannot tell them apart', () => {
    const plain = 'RESP: Methadone helps.\nRESP: The keyworker listens.\n';
    const spans = ['Methadone', 'keyworker'].map((w) => positions(plain, w, CP));
    expect(chooseReading([{ text: new SourceText(plain), spans }]).best).toEqual(CP);
  });

  it('keeps to the unit asked for, still choosing how line ends count', () => {
    const spans = words.map((w) => positions(raw, w, NVIVO));
    const { best } = chooseReading([{ text: new SourceText(raw), spans }], READINGS.filter((r) => r.unit === 'utf16'));
    expect(best).toEqual(NVIVO);
  });

  it('knows a boundary between words from one inside a word', () => {
    expect(atBoundary('the cat', 3)).toBe(true);
    expect(atBoundary('the cat', 2)).toBe(false);
    expect(atBoundary('élan vital', 1)).toBe(false);
  });
});
