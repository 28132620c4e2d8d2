import { EXIT, TracebenchError } from '../errors.js';

/** The export file cannot be imported (unreadable, malformed, wrong format, too large, empty); exit 2 like a bad config. */
export class InputError extends TracebenchError {
  constructor(
    readonly file: string,
    detail: string,
    readonly where?: { line: number; column: number },
  ) {
    super(`${file}${where ? `:${where.line}:${where.column}` : ''}: ${detail}`, EXIT.usage);
  }
}
