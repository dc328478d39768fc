import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attr, child, hasNonXmlChars, parseXml, text, XmlProblem } from '../../src/refi/xml.js';

function problem(xml: string): XmlProblem {
  try {
    parseXml(xml);
  } catch (e) {
    if (e instanceof XmlProblem) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('parseXml', () => {
  it('builds a tree with local names, namespaces, attributes, text and start positions', () => {
    const root = parseXml('<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="P &amp; Q">\n  <Description>a &lt;b&gt; <![CDATA[c & d]]></Description>\n</Project>');
    expect(root.name).toBe('Project');
    expect(root.ns).toBe('urn:QDA-XML:project:1.0');
    expect(root.attrs).toEqual({ name: 'P & Q' });
    expect(root.line).toBe(2);
    const d = child(root, 'Description')!;
    expect(d.text).toBe('a <b> c & d');
    expect(d.line).toBe(3);
    expect(d.col).toBe(3);
  });

  it('refuses a DOCTYPE, so entities cannot be declared, let alone expanded', () => {
    const p = problem('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n<Project name="&lol2;"/>');
    expect(p.kind).toBe('unsafe');
    expect(p.message).toMatch(/DOCTYPE/);
  });

  it('reports an undefined entity as malformed, with its line', () => {
    const p = problem('<Project>\n<Code name="&xxe;"/></Project>');
    expect(p.kind).toBe('malformed');
    expect(p.line).toBe(2);
  });

  it('refuses a huge attribute', () => {
    const p = problem(`<Project name="${'x'.repeat(70_000)}"/>`);
    expect(p.kind).toBe('unsafe');
    expect(p.message).toMatch(/70000 characters/);
  });

  it('says where a cut-short document ends', () => {
    const p = problem('<CodeBook>\n  <Codes>\n    <Code name="a" ');
    expect(p.kind).toBe('malformed');
    expect(p.line).toBe(3);
  });
});

describe('escaping', () => {
  // Any text XML can hold comes back exactly: in an attribute (tabs and line ends included) and as text.
  it('round-trips any XML character through attributes and text', () => {
    const xmlChar = fc.string({ unit: 'binary' }).filter((s) => !hasNonXmlChars(s));
    fc.assert(
      fc.property(xmlChar, xmlChar, (a, t) => {
        const root = parseXml(`<r a="${attr(a)}">${text(t)}</r>`);
        expect(root.attrs.a).toBe(a);
        expect(root.text).toBe(t);
      }),
      { numRuns: 300 },
    );
  });

  it('finds characters XML 1.0 cannot hold', () => {
    expect(hasNonXmlChars('tab\tnewline\n')).toBe(false);
    expect(hasNonXmlChars('bell\u0007')).toBe(true);
    expect(hasNonXmlChars('lone \ud800 surrogate')).toBe(true);
    expect(hasNonXmlChars('pair \ud83d\ude00')).toBe(false);
  });
});
