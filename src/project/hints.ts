import { error } from '../model/diagnostics.js';
import type { Diagnostic, Frame, Pos } from '../model/types.js';
import { nearest } from '../nlp/distance.js';
import { codeName } from './frame.js';
import { naturalCompare } from './text.js';

// The "unknown X" diagnostics that several stages report, each with its "did you mean" hint.

/** "unknown code" with the nearest frame ids, named with their labels. */
export function unknownCode(code: string, frame: Frame, pos?: Pos): Diagnostic {
  // Among codes one typo away, those numbered next to the typed one come first: 3.6 → 3.5, not 3.1.
  const ids = [...frame.order, code].sort(naturalCompare);
  const rank = (id: string) => Math.abs(ids.indexOf(id) - ids.indexOf(code));
  const near = nearest(code, frame.order, 10)
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, 2);
  // A spreadsheet turns 1.10 into 1.1: say so when the typed code looks like that happened.
  const excel = frame.order.filter((id) => /^\d+(\.\d+)*0$/.test(id) && id.replace(/0+$/, '') === code);
  const names = [...new Set([...excel, ...near])].map((id) => `${codeName(frame, id)}`);
  let hint = names.length ? `did you mean ${names.join(' or ')}?` : undefined;
  // 3.1 for a theme 3 that has no sub-themes: the passage belongs to the theme itself.
  const parent = code.includes('.') ? code.slice(0, code.lastIndexOf('.')) : undefined;
  if (parent && frame.nodes.has(parent) && !frame.order.some((id) => frame.nodes.get(id)!.parent === parent)) {
    hint = `${codeName(frame, parent)} has no sub-themes: code the passage to ${parent}`;
  }
  if (excel.length) hint = `${hint} (a spreadsheet may have turned ${excel[0]} into the number ${code}; format the column as text)`;
  return error('unknown-code', `unknown code "${code}"`, pos, hint);
}

/** "no annotations are by coder X", with the coders there are. */
export function unknownCoder(name: string, coders: Set<string>, pos?: Pos): Diagnostic {
  const near = nearest(name, coders);
  const known = [...coders].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(', ') || 'none (the coding has no coder column)';
  return error('unknown-coder', `no annotations are by coder "${name}"`, pos, `${near.length ? `did you mean "${near[0]}"? ` : ''}coders: ${known}`);
}

export function unknownAttribute(name: string, known: string[], pos?: Pos): Diagnostic {
  const near = nearest(name, known);
  const hint = known.length === 0 ? 'the project has no case attributes (add columns to the cases file)' : `${near.length ? `did you mean "${near[0]}"? ` : ''}attributes: ${known.join(', ')}`;
  return error('unknown-attribute', `unknown case attribute "${name}"`, pos, hint);
}
