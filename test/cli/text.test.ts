import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeTyped, describeValue, echo, echoList, printable } from '../../harness/text.js';

describe('echoing input in messages', () => {
  it('escapes control characters, so an echoed value cannot clear or recolour the terminal', () => {
    assert.equal(echo('\u001b[2J\u001b[31mred\u0000\n\t'), '\\u001b[2J\\u001b[31mred\\u0000\\n\\t');
    assert.equal(echo('a\u0085b\u2028c\u007f'), 'a\\u0085b\\u2028c\\u007f');
  });

  it('cuts long values at 80 characters and says how many more there were', () => {
    assert.equal(echo('x'.repeat(80)), 'x'.repeat(80));
    assert.equal(echo('x'.repeat(81)), `${'x'.repeat(80)}… (1 more character)`);
    assert.equal(echo('y'.repeat(1000), 10), `${'y'.repeat(10)}… (990 more characters)`);
  });

  it('a 50 MB value costs no more than a short one', () => {
    // A flat string (not a rope from repeat()), as read from a file: slicing a rope would time its flattening.
    const huge = Buffer.alloc(50 * 1024 * 1024).toString('latin1');
    const started = process.hrtime.bigint();
    const shown = echo(huge);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 100);
    assert.ok(shown.length < 600, shown.slice(0, 100));
    assert.match(shown, /… \(52428720 more characters\)$/);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(79)}😀tail`;
    assert.equal(echo(text), `${'a'.repeat(79)}… (6 more characters)`);
  });

  it('describes values plainly, and with their type where the type is the problem', () => {
    assert.equal(describeValue('x\u001b'), "'x\\u001b'");
    assert.equal(describeValue([1]), 'a list');
    assert.equal(describeTyped('1'), "the string '1'");
    assert.equal(describeTyped(1), 'the number 1');
    assert.equal(describeTyped(true), 'the boolean true');
    assert.equal(describeTyped(undefined), 'nothing');
  });

  it('lists at most ten names, counting the rest', () => {
    const names = Array.from({ length: 25 }, (_, i) => `k${i}`);
    assert.equal(echoList(names, 3, true), "'k0', 'k1', 'k2' and 22 more");
  });

  it('printable keeps line breaks and escapes the rest', () => {
    assert.equal(printable('a\nb\u001bc\rd'), 'a\nb\\u001bc\\rd');
  });
});
