import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configJsonSchema, configJsonSchemaPath, configJsonSchemaText } from '../../harness/config/json-schema.js';

describe('JSON Schema for editors', () => {
  it('the committed schema/tracebench.config.schema.json is current', () => {
    const committed = readFileSync(configJsonSchemaPath(), 'utf8');
    assert.ok(
      committed === configJsonSchemaText(),
      'schema/tracebench.config.schema.json is out of date with harness/config/schema.ts; regenerate it with: npx tsc -p tsconfig.json && node dist/harness/config/write-json-schema.js',
    );
  });

  it('describes the input: strict, shorthands allowed, defaults shown', () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean;
      properties: {
        rounds: { default: number };
        matrix: { properties: { sampler: { items: { anyOf: { enum?: string[] }[] } } } };
      };
    };
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.rounds.default, 3);
    assert.deepEqual(schema.properties.matrix.properties.sampler.items.anyOf[0].enum, [
      'always_on',
      'always_off',
      'parentbased_always_on',
      'parentbased_always_off',
    ]);
  });
});
