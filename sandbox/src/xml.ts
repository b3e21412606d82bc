/** A value tree rendered as XML: arrays repeat the element, objects nest. */
export type XmlValue = string | number | XmlNode | XmlValue[];
export interface XmlNode {
  [tag: string]: XmlValue | undefined;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

function renderElement(tag: string, value: XmlValue): string {
  if (Array.isArray(value)) return value.map((v) => renderElement(tag, v)).join('');
  if (typeof value === 'object') return `<${tag}>${renderChildren(value)}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

function renderChildren(node: XmlNode): string {
  return Object.entries(node)
    .filter((entry): entry is [string, XmlValue] => entry[1] !== undefined)
    .map(([tag, value]) => renderElement(tag, value))
    .join('');
}

/** Renders `{ Root: {...} }` as an XML document the way COS answers (declaration first). */
export function toXmlDocument(root: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderChildren(root)}`;
}
