import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { echo } from '../text.js';

/** The bounds a YAML input file is read within; each says why in the message when exceeded. */
export interface YamlLimits {
  /** Largest file accepted, bytes. */
  maxBytes: number;
  /** Deepest nesting of mappings and lists, after aliases are expanded. */
  maxDepth: number;
  /** Alias uses allowed (the `yaml` library's `maxAliasCount`): stops a "billion laughs" expansion. */
  maxAliasCount: number;
}

export type YamlRead = { ok: true; value: unknown } | { ok: false; issues: string[] };

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(0)} KiB`
      : `${bytes} bytes`;

/** `too large: 12.0 MiB, above the limit of 1.0 MiB for a config file` */
function tooLarge(bytes: number, maxBytes: number, what: string): string {
  return `too large: ${sizeText(bytes)}, above the limit of ${sizeText(maxBytes)} for ${what}`;
}

/** What kind of thing a path is when it is not a regular file. */
function kindOf(stat: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'a special file';
}

export type FileRead = { ok: true; text: string } | { ok: false; code: string; problem?: string };

/**
 * Reads a regular file of at most `maxBytes`. Opened non-blocking, so a FIFO is refused instead of waiting forever
 * for a writer; the size is checked before anything is read. `what` names the file in messages ("a config file").
 */
export function readBoundedFile(path: string, maxBytes: number, what: string): FileRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? 'EIO' };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, code: 'EISDIR' };
    if (!stat.isFile())
      return { ok: false, code: 'ENOTREG', problem: `${kindOf(stat)}, not a file: give the path of ${what}` };
    if (stat.size > maxBytes) return { ok: false, code: 'EFBIG', problem: tooLarge(stat.size, maxBytes, what) };
    return { ok: true, text: readFileSync(fd, 'utf8') };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? 'EIO' };
  } finally {
    closeSync(fd);
  }
}

const isStackOverflow = (error: unknown) => error instanceof RangeError && /call stack/i.test(error.message);

function nestedTooDeeply(limits: YamlLimits): string {
  return `nested too deeply: mappings and lists may nest at most ${limits.maxDepth} levels`;
}

/** Deepest nesting of a plain value, walked without recursion (the value may be as deep as the input allows). */
export function depthOf(value: unknown, stopAbove = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > stopAbove) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (child !== null && typeof child === 'object') stack.push([child, level]);
  }
  return deepest;
}

/**
 * Duplicate keys, found in one pass with a set per mapping: the `yaml` library's own check compares each key with every
 * earlier one, so a mapping of n keys costs n² (30,000 environment variables took 8 s).
 */
function duplicateKeys(root: unknown, lines: LineCounter): string[] {
  const issues: string[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          if (seen.has(key.value)) {
            const at = key.range ? lines.linePos(key.range[0]) : undefined;
            issues.push(`${at ? `line ${at.line}, column ${at.col}` : 'YAML'}: Map keys must be unique (YAML syntax)`);
          } else seen.add(key.value);
        } else stack.push(key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
    else if (isPair(node)) stack.push(node.key, node.value);
  }
  return issues;
}

/**
 * YAML text → a plain value, within `limits`: size, nesting depth and alias expansion. Every problem is an issue line
 * (`line 3, column 5: ... (YAML syntax)`), never an exception, so a hostile file ends in a usage error like a bad one.
 */
export function readYaml(text: string, limits: YamlLimits, what: string): YamlRead {
  if (text.length > limits.maxBytes)
    return { ok: false, issues: [tooLarge(Buffer.byteLength(text), limits.maxBytes, what)] };
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.slice(0, 20).map((e) => {
        const at = e.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}` : 'YAML';
        const message = /call stack/i.test(e.message)
          ? nestedTooDeeply(limits)
          : echo(e.message.split(/ at line \d+|\n/)[0], 200);
        return `${where}: ${message} (YAML syntax)`;
      }),
    };
  }
  const duplicates = duplicateKeys(doc.contents as Node | null, lines);
  if (duplicates.length > 0) return { ok: false, issues: duplicates };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError && /excessive alias/i.test(error.message))
      return {
        ok: false,
        issues: [
          `YAML aliases expand too much (more than the limit of ${limits.maxAliasCount} alias uses, or one alias of a very large anchor): write the values out instead of repeating *aliases`,
        ],
      };
    if (isStackOverflow(error)) return { ok: false, issues: [nestedTooDeeply(limits)] };
    return { ok: false, issues: [`YAML: ${echo((error as Error).message, 200)}`] };
  }
  if (depthOf(value, limits.maxDepth) > limits.maxDepth) return { ok: false, issues: [nestedTooDeeply(limits)] };
  return { ok: true, value };
}
