/** Exit codes, documented in `--help` and docs/cli.md; the bottom layer, so every stage can throw these errors. */
export const EXIT = {
  ok: 0,
  /** A budget or regression check failed. */
  checkFailed: 1,
  /** Usage or config error: nothing was started. */
  usage: 2,
  /** The run itself failed: trials could not run. */
  runFailed: 3,
  /** Interrupted (SIGINT/SIGTERM); what was measured is written. */
  interrupted: 130,
} as const;

/** An error that knows its exit code; the CLI is the one place that prints it and exits. */
export class TracebenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flags or arguments. */
export class UsageError extends TracebenchError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** Problems a ConfigError prints; a file with thousands of bad keys would otherwise flood the terminal. */
export const MAX_LISTED_PROBLEMS = 50;

/** A config (or workload) that failed validation: every problem at once (the first 50 printed), each with its path. */
export class ConfigError extends TracebenchError {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    const listed = issues.slice(0, MAX_LISTED_PROBLEMS).map((i) => `  - ${i}`);
    if (issues.length > MAX_LISTED_PROBLEMS)
      listed.push(`  - … and ${issues.length - MAX_LISTED_PROBLEMS} more problems`);
    super(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${listed.join('\n')}`, EXIT.usage);
  }
}

/** The run could not go on (no trial could run, the sink could not start, ...). */
export class RunError extends TracebenchError {
  constructor(message: string) {
    super(message, EXIT.runFailed);
  }
}
