import { warning } from '../model/diagnostics.js';
import type { Diagnostic, Project } from '../model/types.js';
import { codeName } from './frame.js';

/**
 * Warnings about what is probably not what the analyst meant: transcripts nobody coded, sub-themes
 * never used, summaries at odds with the coding. They come from the files as written, so they are
 * reported together with any errors, in one pass; `coverage` (the never-coded warnings) only when
 * there were no errors, since a rejected row would make its transcript or code look uncoded.
 */
export function projectWarnings(project: Project, opts: { coverage: boolean }): Diagnostic[] {
  const out: Diagnostic[] = [...summaryWarnings(project)];
  // What is never coded is only known when every row of the coding could be read.
  if (!opts.coverage) return out;
  const codedTranscripts = new Set(project.annotations.map((a) => a.transcript));
  for (const t of project.transcripts.values()) {
    if (!codedTranscripts.has(t.id) && t.lineCount > 0) {
      out.push(warning('uncoded-transcript', `transcript "${t.id}" has no coded passages`, { file: t.path }));
    }
  }
  const usedColumns = new Set<string>();
  for (const a of project.annotations) {
    const n = project.frame.nodes.get(a.code);
    if (n) usedColumns.add(n.column);
  }
  for (const s of project.summaries) usedColumns.add(project.frame.nodes.get(s.code)!.column);
  for (const theme of project.frame.themes) {
    for (const id of theme.subthemes) {
      if (!usedColumns.has(id)) {
        const n = project.frame.nodes.get(id)!;
        out.push(warning('uncoded-subtheme', `sub-theme ${codeName(project.frame, id)} is never coded`, n.pos));
      }
    }
  }
  return out;
}

/** Recorded absences that coding contradicts, and summaries resting on no coded passage. */
function summaryWarnings(project: Project): Diagnostic[] {
  if (project.summaries.length === 0) return [];
  // The chart columns coded in each transcript, from the coding as written (so that a passage that
  // failed to anchor, already reported, does not also make its summary look unsupported).
  const byTranscript = new Map<string, Set<string>>();
  for (const a of project.annotations) {
    const node = project.frame.nodes.get(a.code);
    if (!node) continue;
    let cols = byTranscript.get(a.transcript);
    if (!cols) byTranscript.set(a.transcript, (cols = new Set()));
    cols.add(node.column);
  }
  const transcriptsOf = new Map(project.cases.map((c) => [c.id, c.transcripts]));
  const isCoded = (caseId: string, col: string) => (transcriptsOf.get(caseId) ?? []).some((t) => byTranscript.get(t)?.has(col));
  const out: Diagnostic[] = [];
  for (const s of project.summaries) {
    const col = project.frame.nodes.get(s.code)!.column;
    const has = isCoded(s.case, col);
    if (s.absence && has) {
      out.push(warning('absence-contradicted', `case "${s.case}" is recorded as [${s.absence}] for ${col}, but passages are coded there`, s.at('summary'), 'remove the absence, or check the coding'));
    } else if (!s.absence && !has) {
      out.push(warning('summary-without-coding', `the summary for case "${s.case}" and ${col} rests on no coded passage`, s.at('summary'), 'code the passages it summarises, so the chart can reference them'));
    }
  }
  return out;
}

