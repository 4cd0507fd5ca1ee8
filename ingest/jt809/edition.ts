/**
 * Which edition of JT/T 809 a lower platform speaks, recognized from its 0x1001 login. The header's version bytes
 * are not relied on: they are a version number (major, minor, patch: 0x01 0x02 0x0F is 1.2.15) that platforms do
 * not all set to name their edition. The login's layout cannot lie: a 2011 login is a 22-byte header and a
 * 46-byte body (72 bytes with length and CRC), a 2019 login a 30-byte header (the UTC time added) and a 50-byte
 * body (the access code repeated after the password), 84 bytes. No other length is a login of either edition.
 */
import type { CommonHeader, Jt809Edition, Parsed } from './frame.js';
import { MSG } from './messages.js';

const LOGIN_FRAME_BYTES: Record<number, Jt809Edition> = { 72: 2011, 84: 2019 };

/** The edition of a login frame, or `unknown_edition` naming its length. */
export function editionOfLogin(common: CommonHeader): Parsed<Jt809Edition> {
  const edition = LOGIN_FRAME_BYTES[common.frameBytes];
  if (edition !== undefined) return { ok: true, value: edition };
  return {
    ok: false,
    reason: 'unknown_edition',
    detail: `0x1001 login of ${common.frameBytes} bytes (version ${common.version.join('.')}): a 2011 login has 72, a 2019 login 84`,
  };
}

/**
 * The edition a frame is read in on a server link: the link's once a login fixed it; before that a login
 * names its own, and anything else (a keep-alive ahead of the login) is read as 2011, the edition every
 * platform spoke before 2019.
 */
export function editionChooser(linkEdition: Jt809Edition | undefined) {
  return (common: CommonHeader): Parsed<Jt809Edition> => {
    if (common.msgId === MSG.loginRequest) return editionOfLogin(common);
    return { ok: true, value: linkEdition ?? 2011 };
  };
}
