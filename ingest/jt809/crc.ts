/**
 * The JT/T 809 frame check: CRC16-CCITT over the unescaped bytes from the length field to the end of the body.
 * Implementations in the field disagree on the initial value, so the variant is configuration. The default,
 * `ccitt-false` (polynomial 0x1021, initial 0xFFFF, no reflection), gives 0x29B1 for ASCII "123456789" — the
 * published check value of that variant; `xmodem` (initial 0x0000) gives 0x31C3.
 */
export type CrcVariant = 'ccitt-false' | 'xmodem';

const INITIAL: Record<CrcVariant, number> = { 'ccitt-false': 0xffff, xmodem: 0x0000 };

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

export function crc16(data: Uint8Array, variant: CrcVariant = 'ccitt-false', start = 0, end = data.length): number {
  let crc = INITIAL[variant];
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ data[i]) & 0xff];
  return crc;
}
