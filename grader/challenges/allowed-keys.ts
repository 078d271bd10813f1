/**
 * The fields an object of challenge.yaml accepts at a path, for "unknown field" messages. Apart from
 * json-schema.ts (the documented schema for editors and the README) so that loading a challenge does
 * not load the field docs.
 */
import { z } from 'zod';
import type { JsonSchemaNode } from './json-schema.js';
import { challengeSchema } from './schema.js';

let bare: JsonSchemaNode | undefined;

/** The keys an object at `path` (zod issue path) accepts. */
export function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  bare ??= z.toJSONSchema(challengeSchema, { io: 'input' }) as JsonSchemaNode;
  let node: JsonSchemaNode | undefined = bare;
  for (const key of path) {
    if (!node) return [];
    node = typeof key === 'number' ? node.items : node.properties?.[String(key)];
  }
  return Object.keys(node?.properties ?? {});
}
