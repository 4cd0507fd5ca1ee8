/**
 * What the gateway needs to know about terminals, implemented elsewhere (the command centre keeps it in
 * PostgreSQL): registration hands out an auth code that survives restarts, authentication checks it.
 */
export interface TerminalRegistration {
  phone: string;
  plate: string;
  plateColor: number;
  maker: string;
  model: string;
  deviceId: string;
  version: number;
}

/** JT/T 808 register reply results. */
export const REGISTER_RESULT = {
  ok: 0,
  vehicleTaken: 1,
  vehicleUnknown: 2,
  terminalTaken: 3,
  terminalUnknown: 4,
} as const;

export interface TerminalDirectory {
  register(registration: TerminalRegistration): Promise<{ result: number; authCode?: string }>;
  /** The terminal's plate when the code is right, else null. */
  authenticate(phone: string, authCode: string): Promise<{ plate: string } | null>;
  unregister(phone: string): Promise<void>;
}
