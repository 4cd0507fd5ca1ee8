/**
 * What the JT/T 809 server needs to know about lower platforms, implemented by the command centre (accounts in
 * PostgreSQL, managed by a province admin).
 */
import type { Jt809CipherKeys } from './cipher.js';

export interface Jt809PlatformAccount {
  /** The platform's access code (接入码), MSG_GNSSCENTERID in every header. */
  accessCode: number;
  userId: number;
  name: string;
  /** Org unit supervising the platform; alarms of unknown vehicles are routed there. */
  orgCode: string;
  /** Body cipher keys, null when the platform sends in clear. */
  cipher: Jt809CipherKeys | null;
}

export interface Jt809PlatformDirectory {
  /** The enabled platform with this access code, or null. */
  lookup(accessCode: number): Promise<Jt809PlatformAccount | null>;
  checkPassword(accessCode: number, password: string): Promise<boolean>;
  /** Records a successful login (last-seen); never throws. */
  recordLogin(accessCode: number, peer: string): void;
}
