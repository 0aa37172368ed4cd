import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { validationError } from '../../errors.js';
import { putOwn } from './own-property.js';

/** One element of the config, children in document order; text and comments are dropped. */
export type XmlElement = {
  tag: string;
  attrs: Record<string, string>;
  children: XmlElement[];
};

type OrderedNode = Record<string, unknown>;

const ATTRS_KEY = ':@';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  commentPropName: '#comment',
  // Decodes numeric references (&#65;); named HTML entities never get here (findLaxSyntax refuses them, as lxml does).
  htmlEntities: true,
});

function configError(message: string): Error {
  return validationError('label_config', message);
}

function elementName(node: OrderedNode): string | null {
  for (const key of Object.keys(node)) {
    if (key === ATTRS_KEY || key.startsWith('#') || key.startsWith('?') || key.startsWith('!')) continue;
    return key;
  }
  return null;
}

function toElement(node: OrderedNode, tag: string): XmlElement {
  const rawAttrs = (node[ATTRS_KEY] ?? {}) as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) putOwn(attrs, k, String(v));
  const children: XmlElement[] = [];
  for (const child of (node[tag] ?? []) as OrderedNode[]) {
    const name = elementName(child);
    if (name !== null) children.push(toElement(child, name));
  }
  return { tag, attrs, children };
}

function position(xml: string, index: number): string {
  const before = xml.slice(0, index).split('\n');
  return `(line ${before.length}, column ${before[before.length - 1].length + 1})`;
}

/** Blanks comments, CDATA and processing instructions, keeping offsets, so only markup and text are scanned. */
function blankNonMarkup(xml: string): string {
  return xml.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>/g, (m) => m.replace(/[^\n]/g, ' '));
}

const XML_ENTITY = /^&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

// fast-xml-parser's validator lets these through; lxml, which Label Studio parses with, does not.
function findLaxSyntax(xml: string): string | null {
  const scanned = blankNonMarkup(xml);
  for (let i = scanned.indexOf('&'); i !== -1; i = scanned.indexOf('&', i + 1)) {
    if (XML_ENTITY.test(scanned.slice(i, i + 12))) continue;
    const named = /^&([A-Za-z_][\w.-]*);/.exec(scanned.slice(i, i + 64));
    const what = named ? `Entity '${named[1]}' not defined` : "xmlParseEntityRef: no name or missing ';'";
    return `${what} ${position(xml, i)}`;
  }
  const attrValue = /=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let m = attrValue.exec(scanned); m; m = attrValue.exec(scanned)) {
    const body = m[1] ?? m[2];
    const lt = body.indexOf('<');
    if (lt !== -1) return `Unescaped '<' not allowed in attributes values ${position(xml, m.index + m[0].indexOf(body) + lt)}`;
  }
  return null;
}

function describeSyntaxError(xml: string, err: { code: string; msg: string; line: number; col: number }): string {
  const unclosed = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(err.msg);
  if (err.code === 'InvalidXml' && unclosed) {
    const tags = [...unclosed[1].matchAll(/"([^"]*)"/g)].map((m) => `<${m[1]}>`).join(', ');
    return `Premature end of data, unclosed tags: ${tags} ${position(xml, xml.length)}`;
  }
  return `${err.msg} (line ${err.line}, column ${err.col})`;
}

/** Parses the config text into its single root element; syntax problems become label_config validation errors. */
export function readXmlRoot(xml: string): XmlElement {
  const verdict = XMLValidator.validate(xml);
  if (verdict !== true) throw configError(describeSyntaxError(xml, verdict.err));
  const lax = findLaxSyntax(xml);
  if (lax) throw configError(lax);
  const roots: XmlElement[] = [];
  for (const node of parser.parse(xml) as OrderedNode[]) {
    const name = elementName(node);
    if (name !== null) roots.push(toElement(node, name));
  }
  if (roots.length === 0) throw configError('Label config is empty');
  // The validator accepts several top-level elements; an XML document (and lxml) does not.
  if (roots.length > 1) throw configError(`Extra content at the end of the document: <${roots[1].tag}>`);
  return roots[0];
}
