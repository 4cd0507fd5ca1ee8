/**
 * The number Vigil gives an active-safety alarm's attachments (T/JSATL 12's 报警编号, BYTE[32]): the 16 bytes of
 * the alarm identification the terminal sent in its 0x64-0x67 item, in hex. The gateway writes it into 0x9208,
 * the attachment server files what the terminal uploads under it, and the rules put it into the alarm's
 * evidence, each from the identification alone, so the three agree without asking one another.
 *
 * Identification layout: terminal id BYTE[7] (text padded with 0x00), time BCD[6] (yyMMddHHmmss, China time),
 * serial BYTE, attachment count BYTE, reserved BYTE. Dependency-free: the wall and the rules import it.
 */

export interface AttachmentIdentification {
  terminalId: string;
  /** Epoch ms, or null when the terminal's BCD time was not a time (written as zeros). */
  time: number | null;
  serial: number;
  attachmentCount: number;
  reserved: number;
}

export const ALARM_NUMBER_PATTERN = /^[0-9a-f]{32}$/;

const CHINA_OFFSET_MS = 8 * 3600_000;

function hexByte(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}

export function alarmAttachmentNumber(ident: AttachmentIdentification): string {
  let terminal = '';
  for (let i = 0; i < 7; i++) {
    const code = i < ident.terminalId.length ? ident.terminalId.charCodeAt(i) : 0;
    terminal += hexByte(code < 0x80 ? code : 0x3f);
  }
  let time = '000000000000';
  if (ident.time !== null) {
    // BCD digits read as hex are the decimal digits themselves.
    const d = new Date(ident.time + CHINA_OFFSET_MS);
    time = [d.getUTCFullYear() % 100, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()]
      .concat(d.getUTCSeconds())
      .map((n) => String(n).padStart(2, '0'))
      .join('');
  }
  return terminal + time + hexByte(ident.serial) + hexByte(ident.attachmentCount) + hexByte(ident.reserved);
}
