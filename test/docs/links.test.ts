import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../harness/config/load.js';

/** Relative link targets of a markdown text: `[text](target)` and `![alt](target)`, outside fenced code. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  const targets: string[] = [];
  for (const match of prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    targets.push(target.split('#')[0]!);
  }
  return targets;
}

describe('documentation links', () => {
  it('finds links, images and skips URLs, anchors and code blocks', () => {
    const md =
      '[a](docs/x.md) ![s](img/s.png "shot") [b](https://e.org) [c](#top) [d](y.md#part)\n' +
      '```\n[e](in-code.md)\n```\n';
    assert.deepEqual(relativeLinks(md), ['docs/x.md', 'img/s.png', 'y.md']);
  });

  it('every relative link in README.md and docs/*.md points to an existing file', () => {
    const root = packageRoot();
    const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'));
    const files = ['README.md', ...docs.map((f) => join('docs', f))];
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const target of relativeLinks(readFileSync(join(root, file), 'utf8'))) {
        checked += 1;
        const resolved = join(root, dirname(file), decodeURIComponent(target));
        if (!existsSync(resolved)) broken.push(`${file}: ${target} (${relative(root, resolved)} does not exist)`);
      }
    }
    assert.deepEqual(broken, [], `broken links:\n${broken.join('\n')}`);
    assert.ok(checked >= 10, `only ${checked} relative links found: is the README still linking to docs/?`);
  });

  it('README.md stays a front door: at most 150 lines, with sample output and the report screenshot', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    const lines = readme.trimEnd().split('\n').length;
    assert.ok(lines <= 150, `README.md has ${lines} lines; move reference material to docs/`);
    assert.match(readme, /^baseline\s+\d/m, 'no sample console output (a baseline row) in README.md');
    assert.ok(relativeLinks(readme).includes('docs/img/report.png'), 'no report screenshot in README.md');
  });
});
