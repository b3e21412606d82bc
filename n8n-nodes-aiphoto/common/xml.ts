/**
 * Just enough XML for COS/CI answers (UploadResult, Error): flat elements without
 * attributes we care about. A full parser would be a runtime dependency, which the package
 * avoids so it installs by copying.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlText(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (match, entity: string) => {
      if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
      if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
      return ENTITIES[entity] ?? match;
    })
    .trim();
}

function elementPattern(tag: string): RegExp {
  // Tag names here are fixed identifiers from our own code, never user input.
  return new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g');
}

/** Inner XML of every `<tag>` element (non-nested occurrences of the same tag). */
export function xmlBlocks(xml: string, tag: string): string[] {
  return [...xml.matchAll(elementPattern(tag))].map((match) => match[1] ?? '');
}

/** Decoded text of the first `<tag>` element, or undefined. */
export function xmlText(xml: string, tag: string): string | undefined {
  const [first] = xmlBlocks(xml, tag);
  return first === undefined ? undefined : decodeXmlText(first);
}
