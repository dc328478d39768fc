import { error, pushAll } from '../model/diagnostics.js';
import type { Diagnostic, Frame, FrameNode, Theme } from '../model/types.js';
import { validate } from './schemas.js';
import { cleanText } from './text.js';
import type { YamlFile } from './yamlFile.js';

/** Builds the frame from a parsed frame.yaml, checking it against its schema and for duplicate ids. */
export function buildFrame(yaml: YamlFile): { frame?: Frame; diagnostics: Diagnostic[] } {
  const diagnostics = [...yaml.diagnostics];
  if (yaml.value === undefined && diagnostics.length) return { diagnostics };
  pushAll(diagnostics, validate('frame', yaml.value, yaml.locate, { field: 'key' }));
  const root = yaml.value as { title?: unknown; themes?: unknown } | null;
  if (!root || typeof root !== 'object' || !Array.isArray(root.themes)) return { diagnostics };

  const nodes = new Map<string, FrameNode>();
  const order: string[] = [];
  const themes: Theme[] = [];
  const walk = (raw: any, path: (string | number)[], depth: number, parent: FrameNode | undefined, theme: Theme | undefined) => {
    if (!raw || typeof raw !== 'object') return;
    // An unquoted id such as 1.10 is a number to YAML (1.1); the source text is what the analyst meant.
    const id = typeof raw.id === 'number' ? yaml.source([...path, 'id']) ?? String(raw.id) : typeof raw.id === 'string' ? raw.id.trim() : undefined;
    // A node without a label was reported by the schema; keep it (labelled by its id) so that coding
    // under it is not reported again as unknown.
    if (!id) return;
    const label = typeof raw.label === 'string' && raw.label.trim() ? raw.label.trim() : id;
    const pos = yaml.locate([...path, 'id'], 'value');
    const prev = nodes.get(id);
    if (prev) {
      diagnostics.push(error('duplicate-id', `frame id "${id}" is used twice`, pos, prev.pos ? `first used at line ${prev.pos.line}` : undefined));
      return;
    }
    const themeId = theme?.id ?? id;
    const node: FrameNode = {
      id,
      label,
      description: cleanText(raw.description),
      include: cleanText(raw.include),
      exclude: cleanText(raw.exclude),
      keywords: Array.isArray(raw.keywords) ? raw.keywords.filter((k: unknown) => typeof k === 'string') : [],
      depth,
      parent: parent?.id,
      theme: themeId,
      column: depth <= 1 ? id : parent!.column,
      pos,
    };
    nodes.set(id, node);
    order.push(id);
    let t = theme;
    if (depth === 0) {
      t = { id, label: node.label, description: node.description, subthemes: [] };
      themes.push(t);
    } else if (depth === 1) {
      t!.subthemes.push(id);
    }
    if (Array.isArray(raw.subthemes)) {
      raw.subthemes.forEach((c: unknown, i: number) => walk(c, [...path, 'subthemes', i], depth + 1, node, t));
    }
  };
  root.themes.forEach((t, i) => walk(t, ['themes', i], 0, undefined, undefined));
  return { frame: { title: cleanText(root.title), themes, nodes, order }, diagnostics };
}

/** "1.2 Substitute prescribing": how a code is named in headers and hints. */
export function codeName(frame: Frame, id: string): string {
  const n = frame.nodes.get(id);
  return n ? `${n.id} ${n.label}` : id;
}
