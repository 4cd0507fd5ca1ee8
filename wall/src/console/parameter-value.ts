/**
 * A terminal parameter's value (0x0104) as the API gives it — its bytes in hex, and the number where it is a DWORD
 * — written as a duty officer reads it. The type of each id is in JT/T 808-2019 table 14; without a table of every
 * id here, the length says most: 1 and 2 bytes are numbers, longer values are the GBK text they usually are.
 */
export function parameterValue(p: { hex: string; dword?: number }): string {
  if (p.dword !== undefined) return String(p.dword);
  const bytes = p.hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
  if (bytes.length === 1) return String(bytes[0]);
  if (bytes.length === 2) return String((bytes[0] << 8) | bytes[1]);
  const text = new TextDecoder('gbk').decode(new Uint8Array(bytes)).replace(/\0+$/, '');
  return /^[\p{L}\p{N}\p{P}\p{Zs}]*$/u.test(text) ? text : `0x${p.hex}`;
}
