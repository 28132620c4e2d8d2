#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultConfigPath, loadConfigFile } from '../config/load.js';
import { consoleTable } from '../report/console-table.js';
import { runBenchmark } from '../run/run.js';
import { killAllChildren } from '../target/launch.js';
import { EXIT, TracebenchError, UsageError } from './errors.js';
import { HELP } from './help.js';

function integerFlag(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} ${raw}: must be an integer ≥ ${min}`);
  return value;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      out: { type: 'string' },
      rounds: { type: 'string' },
      seed: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`run takes no arguments (got '${positionals.join(' ')}'); use --config FILE`);
  const configFile = values.config ?? defaultConfigPath();
  const config = await loadConfigFile(configFile, { rounds: integerFlag('rounds', values.rounds, 1), seed: integerFlag('seed', values.seed, 0) });
  const quiet = values.quiet;
  const log = (line: string) => {
    if (!quiet) process.stderr.write(line + '\n');
  };

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      killAllChildren();
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(`\n${signal}: stopping after killing the running service; writing what was measured so far (again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { results, dir } = await runBenchmark({ config, configFile, reportsDir: resolve(values.out ?? 'reports'), log, signal: controller.signal });
    process.stdout.write(consoleTable(results) + '\n');
    log(`results: ${dir}/results.json`);
    return results.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === 'run') return run(rest);
  throw new UsageError(`unknown command '${command}'; see tracebench --help`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof TracebenchError) {
      process.stderr.write(`tracebench: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else if (error instanceof Error && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`tracebench: ${error.message}; see tracebench --help\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`tracebench: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = EXIT.runFailed;
    }
  },
);
