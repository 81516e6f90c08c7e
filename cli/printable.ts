/**
 * Text from a recording (its command line, the names in FUNC records) as it may be shown: control
 * characters written as escapes (`\x1b`, `\u009b`, `\ud800` for a lone surrogate), so that
 * `ts-mprof list` sends no escape sequence to the terminal and the SVG stays valid XML (XML 1.0
 * allows no C0 control but tab and newlines, and no U+FFFE/U+FFFF). A backslash stays as it is.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
