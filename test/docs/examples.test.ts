import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { packageRoot } from '../../harness/config/load.js';
import { configSchema } from '../../harness/config/schema.js';

describe('config examples in the documentation', () => {
  it('every ```yaml block in README.md and docs/*.md is a config the schema accepts', () => {
    const root = packageRoot();
    const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
    const files = ['README.md', ...docs.map((f) => join('docs', f))];
    const problems: string[] = [];
    let blocks = 0;
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/^[ \t]*```yaml\n([\s\S]*?)^[ \t]*```/gm)) {
        blocks += 1;
        const result = configSchema.safeParse(parse(match[1]!));
        if (result.success) continue;
        problems.push(`${file}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(blocks >= 3, `only ${blocks} yaml examples found`);
  });

  it('the check has teeth: perService under load: is rejected, under service: accepted', () => {
    const perService = '  perService:\n    inventory: { propagator: b3 }\n';
    assert.equal(configSchema.safeParse(parse(`load:\n${perService}`)).success, false);
    assert.equal(configSchema.safeParse(parse(`service:\n${perService}`)).success, true);
  });
});
