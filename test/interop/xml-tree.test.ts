import { describe, expect, it } from 'vitest';
import { decodeXml } from '../../engine/interop/encoding.js';
import { attributeName, childElements, directText, elementName, parseXml, serializeXml, XmlSyntaxError } from '../../engine/interop/xml-tree.js';

describe('the lossless XML tree', () => {
  it('serialises an untouched document to the very text it was parsed from', () => {
    const text = [
      "<?xml version='1.0' encoding='UTF-8' standalone=\"yes\"?>\r\n",
      '<!DOCTYPE definitions [ <!ENTITY company "ACME"> ]>\r\n',
      '<!-- before the root -->\r\n',
      '<?vendor-pi some data?>\r\n',
      '<?other-pi\n  spaced data ?>\r\n',
      "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'\r\n    id = \"D\"   >\r\n",
      '  <bpmn:process id="P" name="a &amp; b &#10; c &company;"><bpmn:documentation><![CDATA[<b>bold</b>]]> &lt;tail&gt;</bpmn:documentation></bpmn:process>\r\n',
      '  <bpmn:task id="T"\tname="x"/>\r\n',
      '  <bpmn:task id="T2"></bpmn:task\n  >\r\n',
      '</bpmn:definitions>',
      '\r\n',
    ].join('');
    expect(serializeXml(parseXml(text))).toBe(text);
  });

  it('decodes attribute values and text as an XML parser does', () => {
    const document = parseXml('<r xmlns="urn:d" xmlns:v="urn:v" a="x&#10;y\nz" v:b="&lt;&quot;&apos;&#x41;"><c>1 &amp; <![CDATA[<2>]]></c></r>');
    const root = document.root;
    expect(elementName(root)).toEqual({ uri: 'urn:d', local: 'r' });
    expect(root.attributes.find((a) => a.name === 'a')!.value).toBe('x\ny z');
    const b = root.attributes.find((a) => a.name === 'v:b')!;
    expect(b.value).toBe('<"\'A');
    expect(attributeName(root, b)).toEqual({ uri: 'urn:v', local: 'b' });
    expect(directText(childElements(root)[0])).toBe('1 & <2>');
    expect(elementName(childElements(root)[0]).uri).toBe('urn:d');
  });

  it('keeps what other readers tolerate: attributes without a space between them, a repeated attribute', () => {
    const text = '<r a="1"b="2" a="3"/>';
    expect(serializeXml(parseXml(text))).toBe(text);
  });

  it('refuses broken structure, naming the line', () => {
    expect(() => parseXml('<a>\n<b>\n</a>')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a>\n<b>\n</a>')).toThrow(/line 3/);
    expect(() => parseXml('<a>')).toThrow(/not closed/);
    expect(() => parseXml('<a/><b/>')).toThrow(/more than one root/);
    expect(() => parseXml('<a x=1/>')).toThrow(/not quoted/);
    expect(() => parseXml('   ')).toThrow(/no root/);
  });
});

describe('decoding the bytes of a file', () => {
  const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  it('uses the declared single-byte encoding', () => {
    expect(decodeXml(bytes('<?xml version="1.0" encoding="ISO-8859-1"?><a n="\xe4\x80"/>'))).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a n="ä\x80"/>');
    expect(decodeXml(bytes("<?xml version='1.0' encoding='windows-1252'?><a n=\"\x80\x9c\"/>"))).toBe("<?xml version='1.0' encoding='windows-1252'?><a n=\"€œ\"/>");
  });
  it('reads UTF-8 by default and UTF-8/UTF-16 byte-order marks', () => {
    const utf8 = new TextEncoder().encode('<a n="ä€"/>');
    expect(decodeXml(utf8)).toBe('<a n="ä€"/>');
    expect(decodeXml(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8))).toBe('<a n="ä€"/>');
    const utf16 = [0xff, 0xfe, ...Buffer.from('<a n="ä"/>', 'utf16le')];
    expect(decodeXml(Uint8Array.from(utf16))).toBe('<a n="ä"/>');
  });
});
