/**
 * 0x9208 on an active-safety alarm with attachments: when a position's 0x64-0x67 item says the terminal holds
 * files for the alarm (its identification's attachment count), the gateway asks it to upload them to the
 * attachment server, under the alarm number every part of Vigil derives from the identification
 * (schema/alarm-attachments.ts). A terminal repeats an alarm's item in later positions and in backfill, so each
 * alarm number is asked for once within the recent ones remembered.
 */
import { alarmAttachmentNumber } from '../../../schema/index.js';
import type { AlarmIdentification, LocationBody } from '../codec/index.js';
import type { Connection } from './connection.js';
import type { Outbox } from './outbox.js';

/** Where terminals upload: the attachment server, for the address of the connection they came in on. */
export interface AttachmentUploadTarget {
  addressFor(localAddress: string | undefined): { host: string; port: number };
}

/** Alarm numbers remembered as already requested (about 100 bytes each). */
const REQUESTED_REMEMBERED_MAX = 10_000;

export class AttachmentRequests {
  private target: AttachmentUploadTarget | undefined;
  private readonly requested = new Set<string>();

  constructor(private readonly out: Outbox) {}

  useTarget(target: AttachmentUploadTarget): void {
    this.target = target;
  }

  /** Cheap when there is nothing to do: most positions carry no active-safety item. */
  onLocation(c: Connection, phone: string, location: LocationBody): void {
    const x = location.extras;
    if (this.target === undefined || x === undefined) return;
    for (const item of [x.adas, x.dsm, x.tpms, x.blindSpot]) {
      const ident = item?.alarmIdentification;
      if (ident !== undefined && ident.attachmentCount > 0) this.request(c, phone, ident, this.target);
    }
  }

  private request(c: Connection, phone: string, ident: AlarmIdentification, target: AttachmentUploadTarget): void {
    const alarmNumber = alarmAttachmentNumber(ident);
    const key = `${phone}/${alarmNumber}`;
    if (this.requested.has(key)) return;
    if (this.requested.size >= REQUESTED_REMEMBERED_MAX) {
      // Sets iterate in insertion order: the oldest request is forgotten first.
      const oldest = this.requested.values().next();
      if (!oldest.done) this.requested.delete(oldest.value);
    }
    this.requested.add(key);
    const { host, port } = target.addressFor(c.socket.localAddress);
    this.out.send(c, phone, {
      msgId: 0x9208,
      body: { host, tcpPort: port, udpPort: 0, alarmIdentification: ident, alarmNumber },
    });
    this.out
      .counter('vigil_jt808_attachment_requests_total', 'Active-safety attachment uploads requested (0x9208)')
      .inc();
  }
}
