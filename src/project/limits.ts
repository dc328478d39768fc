/**
 * The caps that keep every run quick and its memory bounded, whatever is thrown at it. Each is far
 * above what an interview study needs (a one-hour interview is about 60 KB of text; the benchmark's
 * largest project, 1,000 transcripts and 100,000 coded passages, is 42 MB), and each has its own
 * diagnostic. docs/limits.md lists them with the measurements behind them.
 */
export const LIMITS = {
  /** One transcript: 20 MB is some 300 hours of talk. */
  transcriptBytes: 20 * 1024 * 1024,
  /** One CSV or TSV table (coding, cases, summaries): some 200,000 rows of coding. */
  csvBytes: 16 * 1024 * 1024,
  /**
   * One YAML file. The YAML parser reads only about half a megabyte a second (flow style), so larger
   * coding belongs in CSV, which is read some fifty times faster.
   */
  yamlBytes: 1024 * 1024,
  /** The anchor lock holds every coded passage's text: at most about the size of the transcripts. */
  lockBytes: 256 * 1024 * 1024,
  /** Everything a project reads, together. */
  projectBytes: 256 * 1024 * 1024,
  transcripts: 10_000,
  /** Files and folders one entry of `transcripts:` or `annotations:` may reach (`/` would be walked for minutes). */
  walkEntries: 100_000,
  annotations: 250_000,
  /** Levels of nested lists and mappings in a YAML file (a frame four code levels deep uses nine). */
  yamlDepth: 64,
  /** Expansions of YAML aliases (`*name`); a few are handy, thousands are a "billion laughs" attack. */
  yamlAliases: 100,
} as const;

export type FileKind = 'transcript' | 'csv' | 'yaml' | 'lock';

/** The size cap for one file of a kind. */
export function maxBytes(kind: FileKind): number {
  return kind === 'transcript' ? LIMITS.transcriptBytes : kind === 'csv' ? LIMITS.csvBytes : kind === 'lock' ? LIMITS.lockBytes : LIMITS.yamlBytes;
}

/** Sizes shown to people: whole MB above one, else KB. */
export function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
