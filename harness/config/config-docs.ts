import { join } from 'node:path';
import { configJsonSchema } from './json-schema.js';
import { packageRoot } from './load.js';

/** A JSON Schema node as z.toJSONSchema writes it for the config (draft-07, no $ref). */
interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  items?: SchemaNode;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
}

/** One option of the reference: a dotted path (`[]` for an array's items) and what the schema says of it. */
interface Row {
  path: string;
  types: string[];
  defaults: string[];
  descriptions: string[];
  /** Required in every form of its parent. */
  required: boolean;
  /** Required only in some forms of its parent, e.g. `mode: slow`. */
  requiredIn: string[];
}

/** Where the generated config reference lives. */
export function configDocsPath(): string {
  return join(packageRoot(), 'docs', 'config.md');
}

const code = (value: unknown): string => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

function bounds(node: SchemaNode): string {
  const parts: string[] = [];
  if (node.exclusiveMinimum !== undefined) parts.push(`> ${node.exclusiveMinimum}`);
  if (node.minimum !== undefined) parts.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) parts.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined && node.minLength > 1) parts.push(`length ≥ ${node.minLength}`);
  if (node.maxLength !== undefined) parts.push(`length ≤ ${node.maxLength}`);
  if (node.minItems !== undefined && node.minItems > 1) parts.push(`≥ ${node.minItems} items`);
  if (node.pattern !== undefined) parts.push(`matching ${code(node.pattern)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function alternatives(node: SchemaNode): SchemaNode[] {
  return [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
}

/** A one-line type: enums and consts listed, alternatives joined with "or", arrays and maps by their items. */
export function typeText(node: SchemaNode): string {
  if (node.const !== undefined) return code(node.const);
  if (node.enum !== undefined) return `one of ${node.enum.map(code).join(', ')}`;
  const alts = alternatives(node);
  if (alts.length > 0) {
    const texts = [...new Set(alts.map(typeText))];
    // "x, or an array of them" rather than x written out twice (a budget's where keys).
    const lists = texts.filter((t) => t.startsWith('array of ') && texts.includes(t.slice('array of '.length)));
    const kept = texts.filter((t) => !lists.includes(t));
    return kept.map((t) => (lists.includes(`array of ${t}`) ? `${t}, or an array of them` : t)).join(' or ');
  }
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  if (type === 'array') return `array of ${node.items ? typeText(node.items) : 'any'}${bounds(node)}`;
  if (type === 'object') {
    if (node.properties) return 'object';
    if (typeof node.additionalProperties === 'object') {
      const keys = node.propertyNames?.pattern ? ` (keys matching ${code(node.propertyNames.pattern)})` : '';
      return `map of ${typeText(node.additionalProperties)}${keys}`;
    }
    return 'object';
  }
  return `${type ?? 'any'}${bounds(node)}`;
}

/**
 * Collects rows depth-first. Alternatives that are objects contribute their properties under the same path, merged
 * with rows of the same path (a discriminator then reads `slow` or `error` ...); `form` names the alternative a
 * property belongs to, so "required" is said of that form only. A subtree already written elsewhere is referred to
 * instead of repeated, which keeps the sampler and processor shapes from appearing many times.
 */
function collect(
  node: SchemaNode,
  path: string,
  rows: Map<string, Row>,
  seen: Map<string, string>,
  form: string | null,
  withSelf: boolean,
): void {
  if (withSelf) addRow(rows, path, node);
  const key = JSON.stringify(node);
  const earlier = seen.get(key);
  if (earlier !== undefined && earlier !== path && hasChildren(node)) {
    const row = rows.get(path);
    if (row) pushUnique(row.descriptions, `Same shape as \`${earlier}\`.`);
    return;
  }
  if (hasChildren(node)) seen.set(key, path);
  const discriminator = Object.entries(node.properties ?? {}).find(([, child]) => child.const !== undefined);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const childPath = path === '' ? name : `${path}.${name}`;
    collect(child, childPath, rows, seen, null, true);
    const row = rows.get(childPath);
    if (!row || !node.required?.includes(name) || name === discriminator?.[0]) continue;
    if (form === null) row.required = true;
    else pushUnique(row.requiredIn, form);
  }
  if (node.items && hasChildren(node.items)) collect(node.items, `${path}[]`, rows, seen, null, true);
  if (typeof node.additionalProperties === 'object' && hasChildren(node.additionalProperties)) {
    collect(node.additionalProperties, `${path}.<name>`, rows, seen, null, true);
  }
  for (const alt of alternatives(node)) collect(alt, path, rows, seen, alt.properties ? formName(alt) : form, false);
  const forms = objectForms(node).map(formName);
  for (const row of rows.values()) {
    if (forms.length > 1 && row.path.startsWith(`${path}.`) && forms.every((f) => row.requiredIn.includes(f))) {
      row.required = form === null;
      row.requiredIn = form === null ? [] : [form];
    }
  }
}

/** The object alternatives of a node, looking through alternatives that only group others. */
function objectForms(node: SchemaNode): SchemaNode[] {
  return alternatives(node).flatMap((alt) => (alt.properties ? [alt] : objectForms(alt)));
}

/** How an object alternative is told apart: by its discriminator (`mode: slow`) or by its keys (`{ sdk-node }`). */
function formName(alt: SchemaNode): string {
  const entries = Object.entries(alt.properties ?? {});
  const discriminator = entries.find(([, child]) => child.const !== undefined);
  if (discriminator) return `\`${discriminator[0]}: ${String(discriminator[1].const)}\``;
  return `\`{ ${entries.map(([name]) => name).join(', ')} }\``;
}

function hasChildren(node: SchemaNode): boolean {
  if (node.properties && Object.keys(node.properties).length > 0) return true;
  if (node.items && hasChildren(node.items)) return true;
  if (typeof node.additionalProperties === 'object' && hasChildren(node.additionalProperties)) return true;
  return alternatives(node).some(hasChildren);
}

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

function addRow(rows: Map<string, Row>, path: string, node: SchemaNode): void {
  let row = rows.get(path);
  if (!row) {
    row = { path, types: [], defaults: [], descriptions: [], required: false, requiredIn: [] };
    rows.set(path, row);
  }
  pushUnique(row.types, typeText(node));
  if (node.default !== undefined) pushUnique(row.defaults, code(node.default));
  if (node.description !== undefined) pushUnique(row.descriptions, node.description);
}

const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: Row[]): string[] {
  const lines = ['| option | type | default | description |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    const types = row.types.join(' or ');
    const defaults = row.defaults.length > 0 ? row.defaults.join(' or ') : '–';
    const requiredIn = row.requiredIn.length > 0 ? [`Required with ${row.requiredIn.join(' or ')}.`] : [];
    const required = row.required ? ['Required.'] : requiredIn;
    const description = [...required, ...row.descriptions].join(' ');
    lines.push(`| \`${cell(row.path)}\` | ${cell(types)} | ${cell(defaults)} | ${cell(description)} |`);
  }
  return lines;
}

/** docs/config.md: one section per top-level key, each option with its type, default and description. */
export function configDocsText(): string {
  const schema = configJsonSchema() as SchemaNode;
  const seen = new Map<string, string>();
  const generated = 'Generated from harness/config/schema.ts by `npm run docs:config`; test/config/config-docs.test.ts';
  const lines = [
    '# Config reference',
    '',
    `<!-- ${generated} fails when it is stale. Do not edit by hand. -->`,
    '',
    schema.description ?? '',
    '',
    'A config is YAML, validated before anything starts; every problem is reported at once with its path and exit',
    'code 2. Editors get completion from `schema/tracebench.config.schema.json`, from which this',
    'page is generated. Cross-field rules (maxExportBatchSize ≤ maxQueueSize, reserved environment names) are checked',
    'by the loader and are not listed here.',
    '',
    'Paths are dotted; `[]` stands for each item of a list and `<name>` for each key of a map. "–" means no default:',
    'the option is optional unless marked required, or its absence has the meaning its description gives.',
    'A config with every section used, and what the samplers, processors, exporters and instrumentations do, is in',
    '[config-by-example.md](config-by-example.md).',
    '',
  ];
  const keys = Object.keys(schema.properties ?? {});
  lines.push(keys.map((key) => `[\`${key}\`](#${key.toLowerCase()})`).join(' · '), '');
  for (const key of keys) {
    const rows = new Map<string, Row>();
    collect(schema.properties![key]!, key, rows, seen, null, true);
    lines.push(`## ${key}`, '', ...table([...rows.values()]), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
