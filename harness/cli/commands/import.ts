import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importTraceFile } from '../../import/import.js';
import { TRACE_FORMATS, type TraceFormat } from '../../import/types.js';
import { quote } from '../../text.js';
import { UsageError } from '../errors.js';
import { integerFlag } from '../flags.js';
import { prepareOutputFile, refuseOverwrites } from '../out-paths.js';

/** Turns a trace export into a workload shape: YAML to --out or stdout, the summary to stderr. */
export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      'max-cpu-us-per-span': { type: 'string' },
    },
  });
  if (positionals.length !== 1)
    throw new UsageError(
      'import takes one export FILE; e.g. tracebench import traces.json --format otlp-json --out workloads/mine.yaml',
    );
  if (values.format === undefined) throw new UsageError(`import needs --format (one of ${TRACE_FORMATS.join(', ')})`);
  if (!(TRACE_FORMATS as readonly string[]).includes(values.format))
    throw new UsageError(`--format: expected one of ${TRACE_FORMATS.join(', ')}, got ${quote(values.format)}`);
  if (values.name !== undefined && values.name.trim() === '') throw new UsageError('--name: must not be empty');
  if (values.out) refuseOverwrites([{ name: '--out', path: values.out }], [{ name: 'FILE', path: positionals[0] }]);
  const maxCpuUsPerSpan = integerFlag('max-cpu-us-per-span', values['max-cpu-us-per-span'], 0);
  const result = importTraceFile(
    resolve(positionals[0]),
    { format: values.format as TraceFormat, name: values.name, maxCpuUsPerSpan },
    positionals[0],
  );
  if (values.out) writeFileSync(prepareOutputFile('--out', values.out), result.yaml);
  else process.stdout.write(result.yaml);
  process.stderr.write(result.summary.join('\n') + (values.out ? `\nwrote ${values.out}\n` : '\n'));
  return 0;
}
