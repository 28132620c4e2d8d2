import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configDocsPath, configDocsText, typeText } from '../../harness/config/config-docs.js';
import { configJsonSchema } from '../../harness/config/json-schema.js';

describe('generated config reference (docs/config.md)', () => {
  it('the committed docs/config.md is current', () => {
    const committed = readFileSync(configDocsPath(), 'utf8');
    assert.ok(
      committed === configDocsText(),
      'docs/config.md is out of date with harness/config/schema.ts; regenerate it with: npm run docs:config',
    );
  });

  it('has a section for every top-level key and a row for every option the schema names', () => {
    const text = configDocsText();
    type Node = { properties?: Record<string, unknown> };
    const schema = configJsonSchema() as { properties: Record<string, Node> };
    for (const [key, node] of Object.entries(schema.properties)) {
      assert.match(text, new RegExp(`^## ${key}$`, 'm'), `no section for ${key}`);
      for (const child of Object.keys(node.properties ?? {})) {
        assert.ok(text.includes(`| \`${key}.${child}\` |`), `no row for ${key}.${child}`);
      }
    }
  });

  it('shows type, default, enum values and the zod description of an option', () => {
    const text = configDocsText();
    const rounds =
      '| `rounds` | integer (≥ 1, ≤ 1000) | `3` | Rounds: each runs every cell once, in a shuffled order. |';
    assert.ok(text.includes(rounds));
    assert.ok(text.includes('| `load.rateRps` | number (> 0, ≤ 100000) | `500` |'));
    const exporters = '`none`, `console`, `otlp-http-protobuf`, `otlp-http-json`, `otlp-grpc`, `zipkin`';
    assert.ok(text.includes(`| \`matrix.exporter\` | array of one of ${exporters} | \`["otlp-http-protobuf"]\` |`));
    // perService is an option of service:; the schema rejects it under load:.
    assert.ok(text.includes('| `service.perService` |'));
    assert.ok(!text.includes('`load.perService`'));
  });

  it('says "required" only of the form that requires it', () => {
    const text = configDocsText();
    assert.match(text, /\| `sink\.delayMs` \| [^|]+ \| – \| Required with `mode: slow`\. /);
    assert.match(text, /\| `load\.saturation\.connections` \| [^|]+ \| – \| Required\. /);
    assert.match(text, /\| `tail\[\]\.sampling\.policies\[\]\.name` \| string \| – \| Required\. \|/);
  });

  it('renders alternatives, consts, maps and bounds as one-line types', () => {
    const sink = {
      anyOf: [
        { type: 'string', enum: ['ok', 'down'] },
        { type: 'object', properties: {} },
      ],
    };
    assert.equal(typeText(sink), 'one of `ok`, `down` or object');
    assert.equal(typeText({ type: 'string', const: 'slow' }), '`slow`');
    const oneOrMany = { anyOf: [{ enum: ['a', 'b'] }, { type: 'array', items: { enum: ['a', 'b'] } }] };
    assert.equal(typeText(oneOrMany), 'one of `a`, `b`, or an array of them');
    const pairs = { type: 'array', minItems: 2, items: { type: 'integer', minimum: 1 } };
    assert.equal(typeText(pairs), 'array of integer (≥ 1) (≥ 2 items)');
    const map = { type: 'object', additionalProperties: { type: 'string' }, propertyNames: { pattern: '^a$' } };
    assert.equal(typeText(map), 'map of string (keys matching `^a$`)');
  });
});
