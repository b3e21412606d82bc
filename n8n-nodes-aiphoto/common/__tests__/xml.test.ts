import { decodeXmlText, xmlBlocks, xmlText } from '../xml';

describe('xml helpers', () => {
  it('reads the first element text and decodes entities and CDATA', () => {
    const xml =
      '<Error><Code>NoSuchKey</Code><Message>Key &quot;a&amp;b&quot; &#x4E2D;</Message><Extra><![CDATA[x<y]]></Extra></Error>';
    expect(xmlText(xml, 'Code')).toBe('NoSuchKey');
    expect(xmlText(xml, 'Message')).toBe('Key "a&b" 中');
    expect(xmlText(xml, 'Extra')).toBe('x<y');
    expect(xmlText(xml, 'Missing')).toBeUndefined();
  });

  it('lists repeated elements in order and ignores attributes', () => {
    const xml = '<R><Object id="1"><Key>a</Key></Object><Object><Key>b</Key></Object></R>';
    expect(xmlBlocks(xml, 'Object').map((block) => xmlText(block, 'Key'))).toEqual(['a', 'b']);
  });

  it('does not confuse a tag with a longer tag sharing its prefix', () => {
    expect(xmlText('<KeyTime>1</KeyTime><Key>k</Key>', 'Key')).toBe('k');
  });

  it('trims surrounding whitespace', () => {
    expect(decodeXmlText('\n  v \n')).toBe('v');
  });
});
