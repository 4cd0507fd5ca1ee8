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

/** Why a login was refused, for Vigil's own metrics and log; the platform is told none of it. */
export type Jt809LoginRefusal = 'unknown_access_code' | 'wrong_user_id' | 'wrong_password' | 'throttled';

export type Jt809LoginOutcome =
  { ok: true; account: Jt809PlatformAccount } | { ok: false; refusal: Jt809LoginRefusal; retryAfterMs?: number };

export interface Jt809PlatformDirectory {
  /** The enabled platform with this access code, or null (its cipher keys decrypt its frames). */
  lookup(accessCode: number): Promise<Jt809PlatformAccount | null>;
  /**
   * Checks a 0x1001 login: throttled per access code and per peer address, and as slow for an unknown access code
   * or user id as for a wrong password.
   */
  login(accessCode: number, userId: number, password: string, peer: string): Promise<Jt809LoginOutcome>;
  /** Records a successful login (last-seen); never throws. */
  recordLogin(accessCode: number, peer: string): void;
}
