import assert from 'node:assert/strict';
import { ConfigError } from '../../harness/cli/errors.js';
import { parseConfig } from '../../harness/config/load.js';
import type { Config } from '../../harness/config/types.js';

/** The issues a bad config produces; fails if it parses. */
export function issuesOf(yamlText: string, overrides?: { rounds?: number; seed?: number }): string[] {
  try {
    parseConfig(yamlText, 'test.yaml', overrides, () => 42);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err.issues;
  }
  assert.fail(`expected a ConfigError for:\n${yamlText}`);
}

/** Asserts one issue sits at exactly `path` and says `problem`. */
export function assertIssue(issues: string[], path: string, problem: string): void {
  const hit = issues.some((line) => line.startsWith(`${path}: `) && line.includes(problem));
  assert.ok(hit, `expected "${path}: ...${problem}..." among:\n${issues.map((i) => `  ${i}`).join('\n')}`);
}

export function parse(yamlText: string): Config {
  return parseConfig(yamlText, 'test.yaml', {}, () => 42);
}

/** Nine aliases of nine aliases ... seven levels deep: 9^7 ≈ 4.8 million strings once expanded. */
export const ALIAS_BOMB = `${[
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
].join('\n')}\n`;
