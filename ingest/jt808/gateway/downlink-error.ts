/** Why a downlink command got no answer; the API turns each reason into its HTTP status. */
export type DownlinkFailure = 'terminal_offline' | 'terminal_timeout' | 'terminal_disconnected' | 'downlink_busy';

export class DownlinkError extends Error {
  constructor(
    readonly reason: DownlinkFailure,
    detail: string,
  ) {
    super(detail);
  }
}
