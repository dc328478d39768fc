import { sha256 } from '../project/files.js';
import type { InputFile } from '../model/types.js';
import { VERSION } from '../version.js';
import type { OutputFile } from './outputs.js';
import type { CellRecord } from '../summaries/cells.js';

export const MANIFEST = 'manifest.json';

/**
 * What produced a set of charts: the tool version, the options and a hash of every input and output.
 * No timestamps and no absolute paths, so the same inputs give the same bytes on any machine.
 */
export function buildManifest(inputs: InputFile[], options: Record<string, unknown>, outputs: OutputFile[], cells?: CellRecord[]): OutputFile {
  const doc = {
    generator: { name: 'dtors', version: VERSION },
    options,
    inputs: inputs.map((i) => ({ path: i.path, sha256: i.sha256 })),
    outputs: outputs.map((o) => ({ path: o.name, sha256: sha256(o.content) })),
  };
  // Written for sheets meant to come back (a template, a workbook): what each cell held, so that
  // `dtors summaries import` can tell an edit from a change of coding (summaries/cells.ts). One cell a
  // line: [case, code, coding hash, summary hash].
  if (cells) {
    const body = JSON.stringify(doc, null, 2).replace(/\n}$/, '');
    const lines = cells.map((c) => `    ${JSON.stringify([c.case, c.code, c.coding, c.summary])}`);
    return { name: MANIFEST, content: `${body},\n  "cells": [\n${lines.join(',\n')}\n  ]\n}\n` };
  }
  return { name: MANIFEST, content: JSON.stringify(doc, null, 2) + '\n' };
}

/**
 * What differs between the manifest the charts were made with and the one they would be made with now:
 * the inputs whose bytes changed (or that came or went), and whether the options differ.
 */
export function manifestChanges(before: string | undefined, now: string): { inputs: string[]; options: boolean } | undefined {
  let a: { inputs?: { path: string; sha256: string }[]; options?: unknown };
  try {
    a = JSON.parse(before ?? '');
  } catch {
    return undefined;
  }
  const b = JSON.parse(now) as { inputs: { path: string; sha256: string }[]; options: unknown };
  const old = new Map((a.inputs ?? []).map((i) => [i.path, i.sha256]));
  const cur = new Map(b.inputs.map((i) => [i.path, i.sha256]));
  const inputs = [...new Set([...old.keys(), ...cur.keys()])].filter((p) => old.get(p) !== cur.get(p)).sort();
  return { inputs, options: JSON.stringify(a.options) !== JSON.stringify(b.options) };
}

/** Output paths a manifest lists, or none when it is absent or unreadable. */
export function manifestOutputs(content: string | undefined): string[] {
  if (!content) return [];
  try {
    const doc = JSON.parse(content);
    return Array.isArray(doc?.outputs) ? doc.outputs.map((o: { path?: unknown }) => o.path).filter((p: unknown): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}
