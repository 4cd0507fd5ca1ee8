/**
 * Fragmented MP4 (ISO/IEC 14496-12) for Media Source Extensions: an initialization segment (ftyp + moov with one
 * H.264 video track, no samples, and mvex) and one media segment (moof + mdat) per frame, so that a frame leaves
 * the server as soon as it is whole. Written here rather than with a muxing library because the maintained one
 * (mediabunny) closes a fragment only at the next key frame, which would hold every frame back by up to a whole
 * group of pictures (2–4 s at the I-frame intervals terminals use); see docs/video.md.
 */

/** Track timescale: terminals stamp frames in milliseconds. */
export const TIMESCALE = 1000;
const TRACK_ID = 1;

function box(type: string, ...payload: Buffer[]): Buffer {
  let size = 8;
  for (const p of payload) size += p.length;
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...payload], size);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, ...payload);
}

function u32s(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, i * 4));
  return out;
}

/** The unity transformation matrix of mvhd and tkhd (16.16 and 2.30 fixed point). */
const MATRIX = u32s(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000);

export interface VideoTrack {
  width: number;
  height: number;
  /** The avcC payload (AVCDecoderConfigurationRecord). */
  avcC: Buffer;
}

export function initSegment(track: VideoTrack): Buffer {
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), u32s(0x200), Buffer.from('isomiso6avc1mp41', 'latin1'));
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32s(0, 0, TIMESCALE, 0), // creation, modification, timescale, duration (unknown: live)
    u32s(0x00010000), // rate 1.0
    Buffer.from([0x01, 0x00, 0, 0]), // volume 1.0, reserved
    u32s(0, 0), // reserved
    MATRIX,
    Buffer.alloc(24), // pre_defined
    u32s(TRACK_ID + 1), // next_track_ID
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    0x000003, // enabled, in movie
    u32s(0, 0, TRACK_ID, 0, 0), // creation, modification, track_ID, reserved, duration
    u32s(0, 0), // reserved
    Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]), // layer, alternate_group, volume (0 for video), reserved
    MATRIX,
    u32s(track.width * 0x10000, track.height * 0x10000),
  );
  const mdhd = fullBox(
    'mdhd',
    0,
    0,
    u32s(0, 0, TIMESCALE, 0),
    Buffer.from([0x55, 0xc4, 0, 0]), // language "und", pre_defined
  );
  const hdlr = fullBox('hdlr', 0, 0, u32s(0), Buffer.from('vide', 'latin1'), u32s(0, 0, 0), Buffer.from('Vigil\0'));
  const vmhd = fullBox('vmhd', 0, 1, Buffer.alloc(8));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32s(1), fullBox('url ', 0, 1)));
  const avc1 = box(
    'avc1',
    Buffer.alloc(6), // reserved
    Buffer.from([0, 1]), // data_reference_index
    Buffer.alloc(16), // pre_defined, reserved
    Buffer.from([track.width >> 8, track.width & 0xff, track.height >> 8, track.height & 0xff]),
    u32s(0x00480000, 0x00480000, 0), // 72 dpi, 72 dpi, reserved
    Buffer.from([0, 1]), // frame_count
    Buffer.alloc(32), // compressorname
    Buffer.from([0x00, 0x18, 0xff, 0xff]), // depth 24, pre_defined -1
    box('avcC', track.avcC),
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32s(1), avc1),
    fullBox('stts', 0, 0, u32s(0)),
    fullBox('stsc', 0, 0, u32s(0)),
    fullBox('stsz', 0, 0, u32s(0, 0)),
    fullBox('stco', 0, 0, u32s(0)),
  );
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', vmhd, dinf, stbl)));
  // trex: default sample description 1, no other defaults (each fragment says its own).
  const mvex = box('mvex', fullBox('trex', 0, 0, u32s(TRACK_ID, 1, 0, 0, 0)));
  return Buffer.concat([ftyp, box('moov', mvhd, trak, mvex)]);
}

/** sample_flags of a sync sample (depends on nothing) and of any other (depends on others, not sync). */
const SYNC_SAMPLE_FLAGS = 0x02000000;
const NON_SYNC_SAMPLE_FLAGS = 0x01010000;

export interface Sample {
  /** Decode time in TIMESCALE units from the stream's start. */
  decodeTime: number;
  duration: number;
  key: boolean;
  /** Length-prefixed NAL units. */
  data: Buffer;
}

/** moof + mdat holding one sample. `sequence` counts fragments from 1. */
export function mediaSegment(sequence: number, sample: Sample): Buffer {
  const mfhd = fullBox('mfhd', 0, 0, u32s(sequence));
  const tfhd = fullBox('tfhd', 0, 0x020000, u32s(TRACK_ID)); // default-base-is-moof
  const decodeTime = Buffer.alloc(8);
  decodeTime.writeBigUInt64BE(BigInt(Math.max(0, Math.round(sample.decodeTime))));
  const tfdt = fullBox('tfdt', 1, 0, decodeTime);
  // data-offset, sample-duration, sample-size, sample-flags present; one sample. The data offset counts from the
  // start of moof to the sample's first byte in mdat, so it is known once the sizes of the boxes are.
  const trunBytes = 12 + 5 * 4;
  const moofBytes = 8 + mfhd.length + 8 + tfhd.length + tfdt.length + trunBytes;
  const flags = sample.key ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS;
  const trun = fullBox('trun', 0, 0x000701, u32s(1, moofBytes + 8, sample.duration, sample.data.length, flags));
  const moof = box('moof', mfhd, box('traf', tfhd, tfdt, trun));
  return Buffer.concat([moof, box('mdat', sample.data)]);
}
