/**
 * challenge.yaml as JSON Schema (for editors: `# yaml-language-server: $schema=…` completes and checks
 * fields) and as a field-by-field reference (challenges/README.md), both generated from the zod schema
 * (zod 4's toJSONSchema, input side: defaulted fields are optional) and FIELD_DOCS. Pure; the files are
 * written by `npm run schema` (scripts/challenge-schema.ts) and a test keeps them fresh.
 */
import { z } from 'zod';
import { challengeSchema } from './schema.js';
import { FIELD_DOCS } from './schema-docs.js';

/** The part of JSON Schema this file reads. */
export interface JsonSchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  [k: string]: unknown;
}

/** Every field of a schema by path (`a.b`, `a[].b`), in schema order. */
export function fieldsOf(node: JsonSchemaNode, prefix = ''): { path: string; node: JsonSchemaNode; required: boolean }[] {
  const out: { path: string; node: JsonSchemaNode; required: boolean }[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push({ path, node: child, required: node.required?.includes(key) ?? false });
    out.push(...fieldsOf(child, path));
    if (child.items) out.push(...fieldsOf(child.items, `${path}[]`));
  }
  return out;
}

/** The JSON Schema of challenge.yaml, with every field's description. */
export function challengeJsonSchema(): JsonSchemaNode {
  const schema = z.toJSONSchema(challengeSchema, { io: 'input' }) as JsonSchemaNode;
  for (const f of fieldsOf(schema)) {
    const doc = FIELD_DOCS[f.path];
    if (doc) f.node.description = doc;
  }
  return { ...schema, title: 'TinyArena challenge.yaml', description: 'One challenge: challenges/<id>/challenge.yaml (see challenges/README.md).' };
}

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

/** What values a field takes, as people read it. */
function allowed(n: JsonSchemaNode): string {
  if (n.enum) return `one of ${n.enum.map(code).join(', ')}`;
  const bounds = [
    n.minimum !== undefined ? `≥ ${n.minimum}` : n.exclusiveMinimum !== undefined ? `> ${n.exclusiveMinimum}` : '',
    n.maximum !== undefined && n.maximum < Number.MAX_SAFE_INTEGER ? `≤ ${n.maximum}` : '',
  ].filter(Boolean);
  const type = n.type === 'array' ? `list of ${n.items?.type === 'object' ? 'entries' : (n.items?.type ?? 'values')}` : n.format === 'date-time' ? 'ISO 8601 time with offset' : (n.type ?? 'value');
  return [type, ...bounds].join(' ');
}

/** The field reference table (markdown) for challenges/README.md. */
export function challengeReference(): string {
  const rows = fieldsOf(challengeJsonSchema()).map(({ path, node, required }) => {
    const status = required ? 'required' : node.default !== undefined && node.type !== 'object' ? `default ${code(node.default)}` : 'optional';
    return `| \`${path}\` | ${allowed(node).replace(/\|/g, '\\|')} | ${status} | ${(node.description ?? '').replace(/\|/g, '\\|')} |`;
  });
  return ['| Field | Values | Required / default | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

