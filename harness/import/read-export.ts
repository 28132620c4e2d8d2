import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { quote } from '../text.js';
import { InputError } from './errors.js';
import { lineColumnOf, syntaxErrorOffset, tooDeepOffset } from './json-syntax.js';

/** Deepest nesting of arrays and objects imported; OTLP's own structure with nested attribute values stays far below. */
export const MAX_JSON_DEPTH = 64;

/** One JSON document of an export file and the line it starts on (JSON Lines files hold several). */
export interface ExportDocument {
  value: unknown;
  line: number;
}

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;

/** The whole file as text, refused above `maxFileBytes` before anything is read. */
export function readExportText(file: string, label: string, maxFileBytes: number): string {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO would otherwise wait for a writer forever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new InputError(
      label,
      `cannot read the export (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  try {
    const stat = fstatSync(fd);
    const size = stat.size;
    if (!stat.isFile())
      throw new InputError(
        label,
        `${stat.isDirectory() ? 'a folder' : stat.isFIFO() ? 'a named pipe (FIFO)' : 'a device or socket'}, not a file: give the path of an exported trace file (save a stream to a file first)`,
      );
    if (size > maxFileBytes)
      throw new InputError(
        label,
        `${sizeText(size)} is above the import limit of ${sizeText(maxFileBytes)}: import a sample of the traces (split the file, or export a shorter time window)`,
      );
    return readFileSync(fd, 'utf8').replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}

/** What the parser met where the grammar broke: worded here, since V8's wording and positions vary by version. */
function unexpected(text: string, offset: number): string {
  if (offset < 0 || offset >= text.length) return 'unexpected end of input (a truncated file?)';
  const token = /^[\w.+-]+/.exec(text.slice(offset, offset + 40))?.[0] ?? text[offset];
  return `unexpected ${quote(token)}`;
}

function malformed(label: string, text: string, lineOffset: number): InputError {
  const offset = syntaxErrorOffset(text);
  const at = lineColumnOf(text, offset < 0 ? text.length : offset);
  return new InputError(label, `malformed JSON: ${unexpected(text, offset)}`, {
    line: at.line + lineOffset,
    column: at.column,
  });
}

/**
 * Parses one JSON document, or JSON Lines (one document a line, as the Collector's file exporter writes). A syntax error
 * names the file, line and column. Lazy: a JSON Lines document is parsed when reached, so the caller can drop each
 * one's objects before the next (peak memory is one document, not the file).
 */
export function* parseExportText(text: string, label: string): Generator<ExportDocument> {
  if (text.trim() === '') throw new InputError(label, 'the file is empty: no spans to import');
  const deep = tooDeepOffset(text, MAX_JSON_DEPTH);
  if (deep >= 0)
    throw new InputError(
      label,
      `nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (the import's depth limit): no trace export nests this deep; is it a trace file?`,
      lineColumnOf(text, deep),
    );
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    const lines = text.split('\n');
    const first = lines.findIndex((line) => line.trim() !== '');
    if (!isWholeDocument(lines[first]) || lines.filter((line) => line.trim() !== '').length < 2)
      throw malformed(label, text, 0);
    yield* parseJsonLines(lines, label);
    return;
  }
  yield { value: whole, line: 1 };
}

function isWholeDocument(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

function* parseJsonLines(lines: string[], label: string): Generator<ExportDocument> {
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw malformed(label, line, index);
    }
    yield { value, line: index + 1 };
  }
}
