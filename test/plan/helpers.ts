import { parseConfig } from '../../harness/config/load.js';
import type { Config } from '../../harness/config/types.js';

export function config(yamlText: string): Config {
  return parseConfig(yamlText, 'test.yaml', {}, () => 42);
}
