#!/usr/bin/env node
import { calibrateCommand } from './commands/calibrate.js';
import { compareCommand } from './commands/compare.js';
import { importCommand } from './commands/import.js';
import { mergeCommand } from './commands/merge.js';
import { planCommand } from './commands/plan.js';
import { microCommand } from './commands/micro.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { printable, quote } from '../text.js';
import { EXIT, TracebenchError, UsageError } from './errors.js';
import { joinNegativeValues } from './flags.js';
import { HELP } from './help.js';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: runCommand,
  report: reportCommand,
  compare: compareCommand,
  calibrate: calibrateCommand,
  micro: microCommand,
  import: importCommand,
  plan: planCommand,
  merge: mergeCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (
    command === '--help' ||
    command === '-h' ||
    command === 'help' ||
    rest.includes('--help') ||
    rest.includes('-h')
  ) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (command === undefined) {
    process.stderr.write(HELP);
    return EXIT.usage;
  }
  const run = COMMANDS[command];
  if (!run)
    throw new UsageError(
      `unknown command ${quote(command)} (commands: ${Object.keys(COMMANDS).join(', ')}); see tracebench --help`,
    );
  return run(joinNegativeValues(rest));
}

/** The one place that prints an error and picks the exit code. */
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof TracebenchError) {
      process.stderr.write(`tracebench: ${printable(error.message)}\n`);
      process.exitCode = error.exitCode;
    } else if (
      error instanceof Error &&
      String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`tracebench: ${printable(error.message)}; see tracebench --help\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`tracebench: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = EXIT.runFailed;
    }
  },
);
