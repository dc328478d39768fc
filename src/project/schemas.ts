import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as compiled from './validators.js';
import { error, warning } from '../model/diagnostics.js';
import type { Diagnostic, Pos } from '../model/types.js';
import { nearest } from '../nlp/distance.js';

/** The JSON Schemas shipped in `schemas/`; editors use the same files. */
export type SchemaName = 'dtors' | 'frame' | 'annotations' | 'cases' | 'summaries' | 'lock';

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);

/** Loads a schema's JSON (for its property lists) from `schemas/`. */
export function schemaJson(name: SchemaName): Record<string, any> {
  let s = schemaCache.get(name);
  if (!s) schemaCache.set(name, (s = JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8'))));
  return s!;
}

const schemaCache = new Map<SchemaName, Record<string, any>>();

/**
 * The validator for a schema, or for one of its definitions (`annotations#annotation`). They are
 * compiled from schemas/ at build time (scripts/compile-schemas.mjs), not at every start.
 */
export function validator(ref: string): ValidateFunction {
  const v = VALIDATORS[ref];
  if (!v) throw new Error(`no schema ${ref}`);
  return v;
}

const VALIDATORS: Record<string, ValidateFunction> = {
  dtors: compiled.dtors,
  frame: compiled.frame,
  annotations: compiled.annotations,
  'annotations#annotation': compiled.annotation,
  cases: compiled.cases,
  summaries: compiled.summaries,
  lock: compiled.lock,
};

/** Finds where a value (or its key) is in the source, for a JSON path such as ['themes', 0, 'id']. */
export type Locate = (path: (string | number)[], target: 'key' | 'value') => Pos;

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  array: 'a list',
  object: 'a mapping of keys to values',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

/** What a value of a named field must look like, when a pattern rejects it. */
const PATTERN_HELP: Record<string, string> = {
  lines: 'must be a line number or range, like 112 or 112-118',
  start: 'must be a line number',
  end: 'must be a line number',
  key: 'must be yes, true or * for a key quote (or no, false, or blank)',
  id: 'must be one word with none of the characters : ; , * | and no spaces',
  case: 'must be one word with none of the characters : ; , * | and no spaces',
  transcripts: 'must be transcript ids separated by ;',
};

export interface ValidateOptions {
  /** What the user calls a field here: a YAML "key" or a CSV "column". */
  field: 'key' | 'column';
  /** Severity and code for unknown keys: errors in config files, warnings in tables. */
  unknownAsWarning?: boolean;
}

/** Validates `value` against a schema and turns ajv's errors into positioned diagnostics. */
export function validate(ref: string, value: unknown, locate: Locate, opts: ValidateOptions): Diagnostic[] {
  const v = validator(ref);
  if (v(value)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of v.errors ?? []) {
    const d = toDiagnostic(e, locate, opts);
    const k = `${d.line}:${d.col}:${d.code}:${d.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(d);
    }
  }
  return out;
}

function parsePath(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function toDiagnostic(e: ErrorObject, locate: Locate, opts: ValidateOptions): Diagnostic {
  const path = parsePath(e.instancePath);
  const last = path[path.length - 1];
  const name = typeof last === 'string' ? `"${last}"` : 'this value';
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((e.parentSchema as any)?.properties ?? {});
      const near = nearest(key, allowed);
      const hint = near.length ? `did you mean "${near[0]}"? Allowed: ${allowed.join(', ')}` : `allowed: ${allowed.join(', ')}`;
      const pos = locate([...path, key], 'key');
      return opts.unknownAsWarning
        ? warning('unknown-column', `unknown ${opts.field} "${key}" is ignored`, pos, hint)
        : error('unknown-key', `unknown ${opts.field} "${key}"`, pos, hint);
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const msg = opts.field === 'key' ? `missing required key "${key}"` : `missing value in required column "${key}"`;
      return error('missing-field', msg, locate(path, 'value'));
    }
    case 'type': {
      const types = String((e.params as { type: string }).type).split(',');
      const words = types.map((t) => TYPE_WORDS[t] ?? t);
      return error('wrong-type', `${name} must be ${words.join(' or ')}`, locate(path, 'value'));
    }
    case 'const':
      return error('invalid-value', `${name} must be ${JSON.stringify((e.params as any).allowedValue)}`, locate(path, 'value'));
    case 'enum':
      return error(
        'invalid-value',
        `${name} must be one of: ${((e.params as any).allowedValues as unknown[]).join(', ')}`,
        locate(path, 'value'),
      );
    case 'pattern': {
      // "02-Mar" in a lines column: a spreadsheet read 2-3 as a date.
      const dated = last === 'lines' && /[A-Za-z]/.test(String(e.data));
      return error(
        'invalid-value',
        `${name} ${PATTERN_HELP[String(last)] ?? `must match ${(e.params as any).pattern}`}`,
        locate(path, 'value'),
        dated ? 'a spreadsheet may have turned the range into a date: use the "start" and "end" columns instead' : undefined,
      );
    }
    case 'minLength':
    case 'minItems':
      return error('invalid-value', `${name} must not be empty`, locate(path, 'value'));
    case 'minimum':
      return error('invalid-value', `${name} must be at least ${(e.params as any).limit}`, locate(path, 'value'));
    default:
      return error('invalid-value', `${name} ${e.message ?? 'is not valid'}`, locate(path, 'value'));
  }
}
