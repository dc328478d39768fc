/**
 * The search language: words (found by their stem), "quoted phrases", AND, OR, NOT, NEAR/n and
 * parentheses. Two words side by side mean AND, as in every search box. Precedence, loosest first:
 * OR, AND, NOT, NEAR/n.
 *
 *   methadone AND (dose OR script) NOT "methadone clinic"
 *   wait* NEAR/5 weeks
 */

export type Query =
  | { kind: 'term'; text: string }
  | { kind: 'phrase'; words: string[]; text: string }
  | { kind: 'and' | 'or'; items: Query[] }
  | { kind: 'not'; item: Query }
  | { kind: 'near'; distance: number; left: Query; right: Query };

/** A query that does not parse: the message, and the character it was found at (0-based). */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

type Token = { type: 'word' | 'phrase' | 'and' | 'or' | 'not' | 'near' | '(' | ')'; text: string; at: number; distance?: number };

const MAX_NEAR = 1000;

function lex(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ type: c, text: c, at: i });
      i++;
      continue;
    }
    if (c === '"' || c === '“' || c === '”') {
      const close = q.slice(i + 1).search(/["“”]/);
      if (close === -1) throw new QueryError('a quoted phrase is not closed', i);
      out.push({ type: 'phrase', text: q.slice(i + 1, i + 1 + close), at: i });
      i += close + 2;
      continue;
    }
    const m = /^[^\s()"“”]+/.exec(q.slice(i))!;
    const w = m[0];
    const near = /^NEAR\/(\d+)$/.exec(w);
    if (near) {
      const distance = Number(near[1]);
      if (distance < 1 || distance > MAX_NEAR) throw new QueryError(`NEAR/${near[1]}: the distance is a number of words from 1 to ${MAX_NEAR}`, i);
      out.push({ type: 'near', text: w, at: i, distance });
    } else if (w === 'NEAR' || w.startsWith('NEAR/')) throw new QueryError('NEAR needs a distance in words: NEAR/5', i);
    else if (w === 'AND' || w === 'OR' || w === 'NOT') out.push({ type: w.toLowerCase() as 'and' | 'or' | 'not', text: w, at: i });
    else out.push({ type: 'word', text: w, at: i });
    i += w.length;
  }
  return out;
}

/** Parses a query; words are checked to hold a letter or digit (a lone `*` would find everything). */
export function parseQuery(q: string): Query {
  const tokens = lex(q);
  if (!tokens.length) throw new QueryError('the query is empty', 0);
  let pos = 0;
  const peek = () => tokens[pos];
  const end = () => (tokens.length ? tokens[tokens.length - 1].at + tokens[tokens.length - 1].text.length : 0);

  const or = (): Query => {
    const items = [and()];
    while (peek()?.type === 'or') {
      pos++;
      items.push(and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const and = (): Query => {
    const items = [not()];
    for (;;) {
      const t = peek();
      if (t?.type === 'and') {
        pos++;
        items.push(not());
      } else if (t && (t.type === 'word' || t.type === 'phrase' || t.type === '(' || t.type === 'not')) items.push(not());
      else break;
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const not = (): Query => {
    if (peek()?.type === 'not') {
      pos++;
      return { kind: 'not', item: not() };
    }
    return near();
  };
  const near = (): Query => {
    let left = primary();
    while (peek()?.type === 'near') {
      const distance = peek().distance!;
      pos++;
      left = { kind: 'near', distance, left, right: primary() };
    }
    return left;
  };
  const primary = (): Query => {
    const t = peek();
    if (!t) throw new QueryError('the query ends where a word was expected', end());
    pos++;
    if (t.type === '(') {
      const inner = or();
      if (peek()?.type !== ')') throw new QueryError('a parenthesis is not closed', t.at);
      pos++;
      return inner;
    }
    if (t.type === 'word') {
      if (!/[\p{L}\p{N}]/u.test(t.text)) throw new QueryError(`"${t.text}" has no letter or digit to search for`, t.at);
      return { kind: 'term', text: t.text };
    }
    if (t.type === 'phrase') {
      const words = t.text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*\*?/gu) ?? [];
      if (!words.length) throw new QueryError('the quoted phrase has no words', t.at);
      return words.length === 1 ? { kind: 'term', text: words[0] } : { kind: 'phrase', words, text: t.text };
    }
    throw new QueryError(t.type === ')' ? 'a closing parenthesis without an opening one' : `${t.text} needs a word before and after it`, t.at);
  };

  const q0 = or();
  if (pos < tokens.length) {
    const t = tokens[pos];
    throw new QueryError(t.type === ')' ? 'a closing parenthesis without an opening one' : `unexpected ${t.text}`, t.at);
  }
  if (onlyNegative(q0)) throw new QueryError('the query only excludes: add a word to look for (NOT works as "this but not that")', 0);
  return q0;
}

/** A query that matches by absence alone would list every passage of every transcript. */
function onlyNegative(q: Query): boolean {
  switch (q.kind) {
    case 'not':
      return true;
    case 'and':
      return q.items.every(onlyNegative);
    case 'or':
      return q.items.some(onlyNegative);
    default:
      return false;
  }
}

/** The query as it was understood, fully bracketed: shown with the results, so a surprise is visible. */
export function showQuery(q: Query): string {
  switch (q.kind) {
    case 'term':
      return q.text;
    case 'phrase':
      return `"${q.words.join(' ')}"`;
    case 'not':
      return `NOT ${showQuery(q.item)}`;
    case 'near':
      return `${showQuery(q.left)} NEAR/${q.distance} ${showQuery(q.right)}`;
    default: {
      const inner = q.items.map((i) => (i.kind === 'and' || i.kind === 'or' ? `(${showQuery(i)})` : showQuery(i)));
      return inner.join(q.kind === 'and' ? ' AND ' : ' OR ');
    }
  }
}
