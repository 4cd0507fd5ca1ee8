/**
 * Multimedia from terminals: 0x0800 events become rows of `media_events`; 0x0801 uploads (usually
 * subpackaged, handed over whole) are written under the data dir and get a row with their size, path and
 * position. A 0x0800 is answered 0x8001, a whole upload 0x8800 with an empty resend list, each once durable;
 * an upload refused by a bound is answered 0x8001 result 1 (0x8800 has no way to say "refused").
 */
import type { MediaEventRow } from '../../../schema/index.js';
import { checkRecord, MEDIA_EVENTS } from '../../../schema/index.js';
import { TOPICS } from '../../../stream/index.js';
import type { Jt808Header, MultimediaData, MultimediaEvent } from '../codec/index.js';
import type { Connection } from './connection.js';
import type { MediaStore } from './media-store.js';
import { RESULT, type Outbox } from './outbox.js';

export class MediaUploads {
  constructor(
    private readonly store: MediaStore,
    private readonly out: Outbox,
  ) {}

  async onEvent(c: Connection, header: Jt808Header, event: MultimediaEvent, receivedAt: number): Promise<void> {
    await this.publish(mediaRow(header.phone, event, receivedAt, receivedAt, 0, 0, 0, ''));
    this.out.reply(c, header, RESULT.ok);
  }

  async onData(
    c: Connection,
    header: Jt808Header,
    media: MultimediaData,
    raw: Buffer,
    receivedAt: number,
  ): Promise<void> {
    const stored = await this.store.store(header.phone, media.mediaId, media.mediaFormat, media.data);
    if (!stored.ok) {
      await this.out.rejectRawDurably(c, raw, stored.reason, stored.detail, header.phone);
      this.out.reply(c, header, RESULT.fail);
      return;
    }
    const location = media.location;
    await this.publish(
      mediaRow(
        header.phone,
        media,
        location?.time ?? receivedAt,
        receivedAt,
        location?.lat ?? 0,
        location?.lon ?? 0,
        media.data.length,
        stored.relativePath,
      ),
    );
    this.out.counter('vigil_jt808_media_bytes_total', 'Media bytes written to disk').inc(undefined, media.data.length);
    this.out.send(c, header.phone, { msgId: 0x8800, body: { mediaId: media.mediaId, packetIds: [] } });
  }

  private async publish(row: MediaEventRow): Promise<void> {
    const problem = checkRecord(MEDIA_EVENTS.columns, row);
    if (problem) throw new Error(`media event of ${row.terminal_id} does not fit media_events: ${problem.detail}`);
    await this.out.producer.send(TOPICS.media, [{ key: row.terminal_id, value: row }]);
    this.out.counter('vigil_jt808_media_events_total', 'Multimedia events and uploads stored').inc();
  }
}

function mediaRow(
  phone: string,
  media: MultimediaEvent,
  ts: number,
  receivedAt: number,
  lat: number,
  lon: number,
  bytes: number,
  relativePath: string,
): MediaEventRow {
  return {
    terminal_id: phone,
    media_id: media.mediaId,
    media_type: media.mediaType,
    format: media.mediaFormat,
    event_code: media.eventCode,
    channel: media.channelId,
    ts,
    lat,
    lon,
    bytes,
    path: relativePath,
    received_at: receivedAt,
  };
}
