import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TracebenchError } from '../../harness/cli/errors.js';

/** Generated cases per property; the issue asks for at least 1,000 per parser. FUZZ_RUNS raises it for a longer hunt. */
export const RUNS = Math.max(1000, Number(process.env.FUZZ_RUNS ?? 0) || 0);

/** One case may take this long before it counts as a hang (generous: the CI machine is shared). */
export const MAX_CASE_MS = 3000;
/** The heap may not grow past this during a property: a bounded parser of a few-KiB input needs a few MiB. */
export const MAX_HEAP_BYTES = 768 * 1024 * 1024;
/** A message longer than this floods the terminal: bounded echoes keep real ones far below. */
export const MAX_MESSAGE_CHARS = 64 * 1024;

/** A message is printable: no control characters except line breaks (an echoed ESC could clear the terminal). */
export function assertPrintable(message: string, context: string): void {
  const bad = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.exec(message);
  assert.ok(
    !bad,
    `${context}: control character U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in message: ${JSON.stringify(message.slice(0, 300))}`,
  );
  assert.ok(
    message.length > 0 && message.length <= MAX_MESSAGE_CHARS,
    `${context}: message of ${message.length} characters`,
  );
}

/** The contract: the call succeeds, or throws a TracebenchError with exit 2 and a printable message; nothing else. */
export function succeedsOrUsageError(run: () => unknown, context: () => string): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof TracebenchError))
      assert.fail(`${context()}: threw ${(error as Error)?.stack ?? String(error)}`);
    assert.equal(error.exitCode, 2, `${context()}: exit ${error.exitCode}: ${error.message}`);
    assertPrintable(error.message, context());
  }
}

/** Runs a property with the case-time and heap bounds; `check` gets one generated input. */
export function fuzz<T>(arbitrary: fc.Arbitrary<T>, check: (input: T) => void, runs = RUNS): void {
  let slowestMs = 0;
  let peakHeap = 0;
  fc.assert(
    fc.property(arbitrary, (input) => {
      const started = process.hrtime.bigint();
      check(input);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      slowestMs = Math.max(slowestMs, ms);
      assert.ok(
        ms < MAX_CASE_MS,
        `one case took ${ms.toFixed(0)} ms (a hang?) for input ${JSON.stringify(input).slice(0, 300)}`,
      );
      const heap = process.memoryUsage().heapUsed;
      peakHeap = Math.max(peakHeap, heap);
      assert.ok(heap < MAX_HEAP_BYTES, `heap grew to ${(heap / 1e6).toFixed(0)} MB`);
    }),
    { numRuns: runs },
  );
}

/** Text mutations of a valid-ish document, in half the cases: cut it, drop or repeat a slice, insert a hostile fragment. */
const FRAGMENTS = [
  '\u0000',
  '\u001b[2J',
  '\n',
  '  ',
  ':',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '&a ',
  '*a',
  '<<: ',
  '!!binary ',
  '? ',
  '|',
  '>',
  '#',
  ',',
  '---\n',
  '...',
  '\\',
  '\uFEFF',
  '1e309',
  '-0',
  'null',
  '~',
  'true',
  '0x10',
  '\uD800',
];

export function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 8 })),
    }),
  );
  // Half the cases unmutated, so the structure-aware half reaches past the JSON/YAML syntax into the parsers.
  const mutations = fc.oneof(fc.constant([]), fc.array(mutation, { minLength: 1, maxLength: 3 }));
  return fc.tuple(base, mutations).map(([text, mutations]) => {
    let out = text;
    for (const m of mutations) {
      const at = out.length === 0 ? 0 : m.at % (out.length + 1);
      if (m.kind === 'cut') out = out.slice(0, at);
      else if (m.kind === 'drop') out = out.slice(0, at) + out.slice(at + m.length);
      else if (m.kind === 'repeat') out = out.slice(0, at) + out.slice(at, at + m.length).repeat(2) + out.slice(at);
      else out = out.slice(0, at) + m.text + out.slice(at);
    }
    return out;
  });
}

/** Any text: arbitrary code units (lone surrogates, NULs, escapes) or bytes decoded as UTF-8, as a file would be. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
);

/** A value for any field: mostly plausible, sometimes of the wrong type or hostile. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 5000 }) },
  { weight: 2, arbitrary: fc.double({ noNaN: false }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '\u001b[2J',
      'x'.repeat(300),
      '',
      '1',
      'true',
      '0x10',
      '/healthz',
      'always_on',
      'batch',
      'none',
    ),
  },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.array(fc.integer(), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }) },
);
