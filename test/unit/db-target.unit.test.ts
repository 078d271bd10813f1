import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_PATH, deriveSchema } from '../../core/db/providers.js';
import { redactUrl, resolveDbTarget } from '../../core/db/target.js';

describe('database target', () => {
  it('defaults to SQLite in the data directory', () => {
    expect(resolveDbTarget(undefined, '/var/lib/ta')).toEqual({ provider: 'sqlite', url: 'file:/var/lib/ta/tinyarena.db' });
  });
  it('follows DATABASE_URL', () => {
    expect(resolveDbTarget('postgresql://u@h/db', '/x').provider).toBe('postgresql');
    expect(resolveDbTarget('postgres://u@h/db', '/x').provider).toBe('postgresql');
    expect(resolveDbTarget('file:/tmp/a.db', '/x')).toEqual({ provider: 'sqlite', url: 'file:/tmp/a.db' });
    expect(() => resolveDbTarget('mysql://h/db', '/x')).toThrow(/DATABASE_URL must start with/);
  });
  it('hides passwords', () => {
    expect(redactUrl('postgresql://user:s3cret@db:5432/x')).toBe('postgresql://user:***@db:5432/x');
  });
});

describe('schema derivation', () => {
  const source = readFileSync(SCHEMA_PATH, 'utf8');
  it('swaps only the datasource provider and client output', () => {
    const pg = deriveSchema(source, 'postgresql');
    expect(pg).toMatch(/datasource db \{\n {2}provider = "postgresql"\n\}/);
    expect(pg).toContain('output       = "./postgresql"');
    const strip = (s: string) => s.replace(/generator client \{[^}]*\}/, '').replace(/datasource db \{[^}]*\}/, '');
    expect(strip(pg)).toBe(strip(source));
  });
  it('refuses a schema without the expected blocks', () => {
    expect(() => deriveSchema('model A { id Int @id }', 'sqlite')).toThrow(/must contain/);
  });
});
