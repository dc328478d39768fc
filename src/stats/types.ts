/** What `dtors stats` computes: tables of plain values that every renderer (Markdown, CSV, JSON) reads. */
import type { Heatmap } from '../render/svg.js';

/** A cell: text, a number (counts as integers; shares and p-values already rounded), or empty. */
export type StatValue = string | number | null;

export interface StatTable {
  /** Stable key of the table within its view (`codes`, `cells`, `cases`, `transcripts`, `matrix`, `pairs`, `groups`). */
  name: string;
  title: string;
  columns: string[];
  rows: StatValue[][];
  /** Sentences printed under the table in Markdown (what the numbers mean). */
  notes?: string[];
}

export interface StatView {
  view: 'codes' | 'presence' | 'coverage' | 'cooccur' | 'compare' | 'agree' | 'ratings' | 'search' | 'suggest' | 'evaluate';
  title: string;
  /** The filters in force, in words (`route = criminal justice`). */
  filters: string[];
  tables: StatTable[];
  /** The same data as a picture, for the views that have one. */
  heatmap?: Heatmap;
}
