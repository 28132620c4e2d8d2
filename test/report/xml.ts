/** A minimal, strict XML reader for tests: throws on anything not well-formed, returns the element tree. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const isNameChar = (ch: string) =>
  (ch >= 'a' && ch <= 'z') ||
  (ch >= 'A' && ch <= 'Z') ||
  (ch >= '0' && ch <= '9') ||
  ch === '-' ||
  ch === '_' ||
  ch === ':' ||
  ch === '.';
const isSpace = (ch: string) => ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';

export function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed at ${i}: ${why} near ${JSON.stringify(xml.slice(Math.max(0, i - 20), i + 20))}`);
  };
  const name = () => {
    const start = i;
    while (i < xml.length && isNameChar(xml[i])) i++;
    if (i === start) fail('expected a name');
    return xml.slice(start, i);
  };
  const skipSpace = () => {
    while (i < xml.length && isSpace(xml[i])) i++;
  };
  const decode = (raw: string) => {
    let out = '';
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k];
      if (ch === '<') fail('raw < in text or attribute');
      if (ch !== '&') {
        out += ch;
        continue;
      }
      const end = raw.indexOf(';', k);
      if (end < 0) fail('unterminated entity');
      const entity = raw.slice(k + 1, end);
      if (entity.startsWith('#x')) out += String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
      else if (entity.startsWith('#')) out += String.fromCodePoint(Number(entity.slice(1)));
      else if (entity in ENTITIES) out += ENTITIES[entity];
      else fail(`unknown entity &${entity};`);
      k = end;
    }
    return out;
  };

  if (xml.startsWith('<?xml')) {
    i = xml.indexOf('?>');
    if (i < 0) fail('unterminated declaration');
    i += 2;
  }
  skipSpace();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < xml.length) {
    if (xml[i] !== '<') {
      const end = xml.indexOf('<', i);
      const raw = xml.slice(i, end < 0 ? xml.length : end);
      if (stack.length === 0) {
        if (raw.split('').some((ch) => !isSpace(ch))) fail('text outside the root element');
      } else stack[stack.length - 1].text += decode(raw);
      i = end < 0 ? xml.length : end;
      continue;
    }
    i++;
    if (xml[i] === '/') {
      i++;
      const closing = name();
      skipSpace();
      if (xml[i] !== '>') fail('expected > after closing tag');
      i++;
      const open = stack.pop();
      if (!open || open.name !== closing) fail(`</${closing}> does not close <${open?.name}>`);
      continue;
    }
    const element: XmlElement = { name: name(), attributes: {}, children: [], text: '' };
    if (root && stack.length === 0) fail('a second root element');
    if (stack.length) stack[stack.length - 1].children.push(element);
    else root = element;
    for (;;) {
      const hadSpace = i < xml.length && isSpace(xml[i]);
      skipSpace();
      if (xml[i] === '/' && xml[i + 1] === '>') {
        i += 2;
        break;
      }
      if (xml[i] === '>') {
        i++;
        stack.push(element);
        break;
      }
      if (!hadSpace) fail('attributes must be separated by space');
      const attr = name();
      if (attr in element.attributes) fail(`duplicate attribute ${attr}`);
      if (xml[i] !== '=') fail('expected =');
      i++;
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail('expected a quoted value');
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) fail('unterminated attribute');
      element.attributes[attr] = decode(xml.slice(i + 1, end));
      i = end + 1;
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1].name}> is never closed`);
  if (!root) fail('no root element');
  return root as XmlElement;
}

/** Every element named `name` below (and including) `root`. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  return [...(root.name === name ? [root] : []), ...root.children.flatMap((c) => findAll(c, name))];
}
