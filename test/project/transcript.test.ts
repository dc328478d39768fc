import { describe, expect, it } from 'vitest';
import { buildTranscript, codePointOffset, defaultSpeakers, lineEnd, lineOf } from '../../src/project/transcript.js';

const build = (text: string) => buildTranscript('T', '/t.txt', text, defaultSpeakers());

describe('buildTranscript', () => {
  it('normalises line ends and numbers lines as an editor does', () => {
    const t = build('one\r\ntwo\rthree\nfour\n');
    expect(t.text).toBe('one\ntwo\nthree\nfour\n');
    expect(t.lineCount).toBe(4);
    expect(lineOf(t, t.text.indexOf('three'))).toBe(3);
    expect(t.text.slice(t.lineStarts[1], lineEnd(t, 2))).toBe('two');
  });

  it('does not end a line at a form feed', () => {
    expect(build('a\fb\nc').lineCount).toBe(2);
  });

  it('recognises speaker turns and the interviewer', () => {
    const t = build('Header line\nINT: Question?\nRESP: Answer\ngoes on: here\n[00:10] PARTICIPANT 1: More\nso I said: no\n');
    expect(t.turns.map((x) => [x.line, x.label, x.interviewer])).toEqual([
      [1, 'INT', true],
      [2, 'RESP', false],
      [4, 'PARTICIPANT 1', false],
    ]);
    expect(Array.from(t.lineTurn)).toEqual([-1, 0, 1, 1, 2, 2]);
    expect(t.text.slice(t.turns[1].textStart, lineEnd(t, 3))).toBe('Answer');
  });

  it('gives offsets in code points when the text has astral characters', () => {
    const t = build('🙂🙂\nab');
    expect(codePointOffset(t, t.text.indexOf('b'))).toBe(4);
    expect(codePointOffset(build('plain\ntext'), 7)).toBe(7);
  });
});
