/**
 * A refusal from the server as a sentence a duty officer understands, in the console's language, with times in
 * China time and states by their names — never a raw code with a UTC timestamp. Codes this table does not know
 * keep their code in the sentence so a support call can still name it.
 */
import { ApiError } from './console-api.js';
import { named, type ConsoleMessages } from './console-messages.js';
import { chinaDateTime } from './console-time.js';

export function errorSentence(error: unknown, m: ConsoleMessages): string {
  if (!(error instanceof ApiError)) return m.errors.other(error instanceof Error ? error.message : String(error));
  const e = m.errors;
  const extra = error.extra;
  switch (error.reason) {
    case 'network':
      return e.network;
    case 'unauthenticated':
      return e.unauthenticated;
    case 'invalid_credentials':
    case 'bad_credentials':
      return e.badCredentials;
    case 'login_throttled':
    case 'throttled':
    case 'too_many_requests':
      return e.throttled;
    case 'forbidden':
      return e.forbidden;
    case 'out_of_scope':
      return e.outOfScope;
    case 'not_found':
      return e.notFound;
    case 'held_by_other': {
      const who = typeof extra.held_by === 'string' ? extra.held_by : '?';
      const at = typeof extra.held_since === 'number' ? chinaDateTime(extra.held_since) : '';
      return e.heldByOther(who, at);
    }
    case 'bad_state':
      return e.badState(typeof extra.state === 'string' ? named(m.stateNames, extra.state) : '?');
    case 'reason_required':
      return e.reasonRequired;
    case 'text_required':
      return e.textRequired;
    case 'already_claimed':
      return e.alreadyClaimed;
    case 'not_overdue':
      return e.notOverdue(typeof extra.deadline_at === 'number' ? chinaDateTime(extra.deadline_at) : '');
    case 'attachment_too_large':
      return e.attachmentTooLarge;
    case 'too_many_attachments':
      return e.tooManyAttachments;
    case 'body_too_large':
      return e.bodyTooLarge;
    case 'unknown_department':
      return e.unknownDepartment;
    case 'unknown_org_unit':
      return e.unknownOrgUnit;
    case 'unknown_enterprise':
      return e.unknownEnterprise;
    case 'no_change':
      return e.noChange;
    case 'terminal_offline':
      return e.terminalOffline;
    case 'terminal_timeout':
    case 'terminal_disconnected':
      return e.terminalTimeout;
    case 'terminal_not_found':
      return e.terminalNotFound;
    case 'downlink_busy':
      return e.downlinkBusy;
    case 'video_streams_full':
    case 'video_bandwidth_full':
    case 'viewers_full':
      return e.videoFull;
    case 'terminal_refused':
      return e.terminalRefused;
    case 'channel_busy':
      return e.channelBusy;
    case 'window_too_long':
      return e.windowTooLong;
    case 'bad_field':
    case 'unknown_field':
      return e.badField(typeof extra.field === 'string' ? extra.field : error.detail);
    default:
      return error.status >= 500 ? e.server(error.status) : e.other(error.reason);
  }
}
