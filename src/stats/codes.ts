/**
 * `dtors stats codes`: for every code of the frame, how much it was used. Each row counts the code
 * with every code below it (a theme's row counts its whole theme), and `passages (own)` those coded to
 * exactly it.
 */
import type { Segment } from '../model/types.js';
import { percent, type Scope } from './scope.js';
import type { StatView } from './types.js';
import { respondentWords, wordIndex, wordsIn, type WordIndex } from './words.js';

export function codesView(scope: Scope): StatView {
  const { project } = scope;
  const frame = project.frame;
  const themes = new Set(scope.matrices.map((m) => m.theme.id));
  // Each passage counts for its code and every code above it.
  const under = new Map<string, Segment[]>();
  const own = new Map<string, number>();
  for (const s of scope.segments) {
    own.set(s.annotation.code, (own.get(s.annotation.code) ?? 0) + 1);
    for (let id: string | undefined = s.annotation.code; id !== undefined; id = frame.nodes.get(id)!.parent) {
      const list = under.get(id) ?? [];
      list.push(s);
      under.set(id, list);
    }
  }
  const indexes = new Map<string, WordIndex>();
  const index = (t: Segment['transcript']) => {
    let w = indexes.get(t.id);
    if (!w) indexes.set(t.id, (w = wordIndex(t)));
    return w;
  };
  const talk = scope.transcripts.reduce((n, t) => n + respondentWords(index(t)), 0);
  const rows = frame.order
    .filter((id) => themes.has(frame.nodes.get(id)!.theme))
    .map((id) => {
      const node = frame.nodes.get(id)!;
      const segs = under.get(id) ?? [];
      const byTranscript = new Map<string, [number, number][]>();
      for (const s of segs) {
        const list = byTranscript.get(s.transcript.id) ?? [];
        list.push([s.start, s.end]);
        byTranscript.set(s.transcript.id, list);
      }
      let words = 0;
      let respondent = 0;
      for (const [tid, ranges] of byTranscript) {
        const w = wordsIn(index(project.transcripts.get(tid)!), ranges);
        words += w.words;
        respondent += w.respondent;
      }
      const level = node.depth === 0 ? 'theme' : node.depth === 1 ? 'sub-theme' : `level ${node.depth + 1}`;
      return [
        id,
        node.label,
        level,
        own.get(id) ?? 0,
        segs.length,
        new Set(segs.map((s) => scope.caseOf.get(s.transcript.id)!.id)).size,
        byTranscript.size,
        new Set(segs.map((s) => s.annotation.coder).filter((c) => c !== undefined)).size,
        words,
        percent(respondent, talk),
      ];
    });
  return {
    view: 'codes',
    title: 'Codes',
    filters: scope.filters,
    tables: [
      {
        name: 'codes',
        title: 'Codes',
        columns: ['code', 'label', 'level', 'passages (own)', 'passages', 'cases', 'transcripts', 'coders', 'words coded', '% of respondent words'],
        rows,
        notes: [
          'Each row counts the code together with the codes below it; "passages (own)" counts those coded to exactly this code.',
          `Words are counted once however many passages cover them; "% of respondent words" is the share of the ${talk.toLocaleString('en')} words respondents (not interviewers) spoke in these transcripts that the code covers.`,
        ],
      },
    ],
  };
}
