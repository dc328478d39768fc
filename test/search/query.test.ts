import { describe, expect, it } from 'vitest';
import { parseQuery, QueryError, showQuery } from '../../src/search/query.js';

const shown = (q: string) => showQuery(parseQuery(q));

function error(q: string): QueryError {
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error(`parsed: ${q}`);
}

describe('parseQuery', () => {
  it('reads words side by side as AND, with OR looser and NOT and NEAR tighter', () => {
    expect(shown('methadone dose')).toBe('methadone AND dose');
    expect(shown('a OR b c')).toBe('a OR (b AND c)');
    expect(shown('a AND NOT b OR c')).toBe('(a AND NOT b) OR c');
    expect(shown('wait* NEAR/5 weeks AND script')).toBe('wait* NEAR/5 weeks AND script');
    expect(shown('(a OR b) AND c')).toBe('(a OR b) AND c');
  });

  it('reads quoted phrases, straight or curly, and a one-word phrase as the word', () => {
    expect(parseQuery('"cut off"')).toEqual({ kind: 'phrase', words: ['cut', 'off'], text: 'cut off' });
    expect(parseQuery('“on top”')).toMatchObject({ kind: 'phrase', words: ['on', 'top'] });
    expect(parseQuery('"methadone"')).toEqual({ kind: 'term', text: 'methadone' });
  });

  it('takes lower-case and, or, not as words to find', () => {
    expect(shown('salt and pepper')).toBe('salt AND and AND pepper');
  });

  it.each([
    ['', 'the query is empty', 0],
    ['"cut off', 'a quoted phrase is not closed', 0],
    ['(a OR b', 'a parenthesis is not closed', 0],
    ['a OR', 'the query ends where a word was expected', 4],
    ['a )', 'a closing parenthesis without an opening one', 2],
    ['NOT methadone', 'the query only excludes', 0],
    ['a NEAR b', 'NEAR needs a distance in words', 2],
    ['a NEAR/0 b', 'NEAR/0: the distance is a number of words from 1 to 1000', 2],
    ['*', '"*" has no letter or digit', 0],
  ])('refuses %j: %s', (q, message, at) => {
    const e = error(q);
    expect(e.message).toContain(message);
    expect(e.at).toBe(at);
  });
});
