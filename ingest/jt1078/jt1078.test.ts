/**
 * The JT/T 1078 media pieces against bytes written by hand from the standard (table 19) and from ITU-T H.264:
 * the packet layout for video, audio and pass-through with 6- and 10-byte SIMs, the reader's resynchronisation
 * after garbage and across chunk boundaries, frame assembly and its drops, Annex B splitting, SPS sizes (with
 * frame cropping and the high profiles' extra fields), the fMP4 boxes' sizes and offsets, and the audio path:
 * the HiSilicon header, the audio message's bytes, and which viewers get which audio.
 */
import { describe, expect, it } from 'vitest';
import { FrameAssembler } from './frame-assembler.js';
import { initSegment, mediaSegment } from './fmp4.js';
import { avcCodecString, avcDecoderConfiguration, parseSps, splitAnnexB } from './h264.js';
import { adtsFrames, AUDIO_MESSAGE_HEADER_BYTES, audioMessage, stripHisiliconHeader } from './audio.js';
import { DATA_TYPE, encodeRtpPacket, parseRtpPacket, PAYLOAD_TYPE, SUBPACKAGE, type RtpPacket } from './rtp-packet.js';
import { VideoStream, type MediaViewer } from './video-stream.js';
import { ReorderWindow } from './udp-reorder.js';
import { checkMediaServerOptions, MEDIA_SERVER_DEFAULTS, type MediaServerOptions } from './options.js';
import { RtpReader } from './rtp-reader.js';

const hex = (lines: readonly string[]): Buffer => Buffer.from(lines.join('').replace(/\s+/g, ''), 'hex');

/** A video packet, the first of an I frame, on channel 1 of SIM 013912341078. */
const VIDEO_FIRST = hex([
  '30 31 63 64', // frame flag "01cd"
  '81', // V = 2, P = 0, X = 0, CC = 1
  '62', // M = 0 (not the last packet of the frame), PT = 98 (H.264)
  '00 07', // packet sequence 7
  '01 39 12 34 10 78', // SIM 013912341078, BCD[6]
  '01', // logical channel 1
  '01', // data type 0 (I frame), subpackage 1 (first)
  '00 00 01 9D 46 3E 96 00', // timestamp 1,775,000,000,000 ms
  '00 00', // 0 ms since the last I frame
  '00 28', // 40 ms since the last frame
  '00 05', // payload 5 bytes
  '00 00 00 01 67', // payload: a start code and an SPS header byte
]);

/** An audio packet (G.711A, atomic): no frame intervals. */
const AUDIO = hex([
  '30 31 63 64', // frame flag
  '81', // V = 2, CC = 1
  '86', // M = 1, PT = 6 (G.711A)
  '01 00', // sequence 256
  '01 39 12 34 10 78', // SIM
  '02', // channel 2
  '30', // data type 3 (audio), atomic
  '00 00 01 9D 46 3E 96 14', // timestamp +20 ms
  '00 02', // payload 2 bytes
  'D5 D5', // two A-law samples
]);

/** A pass-through packet: neither timestamp nor intervals. */
const PASS_THROUGH = hex([
  '30 31 63 64', // frame flag
  '81',
  '80', // M = 1, PT = 0
  '00 01', // sequence 1
  '01 39 12 34 10 78', // SIM
  '01', // channel 1
  '40', // data type 4 (pass-through), atomic
  '00 03', // payload 3 bytes
  '41 42 43', // "ABC"
]);

/** The same video packet from a terminal with a 10-byte SIM (JT/T 808-2019 numbering). */
const VIDEO_SIM10 = hex([
  '30 31 63 64 81 E2 00 08', // flag, V/CC, M = 1 PT = 98, sequence 8
  '00 00 00 00 01 39 12 34 10 78', // SIM 00000000013912341078, BCD[10]
  '01 12', // channel 1, data type 1 (P frame), subpackage 2 (last)
  '00 00 01 9D 46 3E 96 28', // timestamp +40 ms
  '00 28 00 28', // 40 ms since the I frame, 40 ms since the last frame
  '00 02 AB CD', // payload 2 bytes
]);

describe('JT/T 1078 stream packets (table 19)', () => {
  it('reads video, audio and pass-through packets field by field, and writes the same bytes back', () => {
    const video = parseRtpPacket(VIDEO_FIRST, 0, 6, 950);
    if (video.status !== 'packet') throw new Error(video.status);
    expect(video.bytes).toBe(VIDEO_FIRST.length);
    const want: RtpPacket = {
      marker: false,
      payloadType: 98,
      sequence: 7,
      sim: '013912341078',
      channel: 1,
      dataType: DATA_TYPE.iFrame,
      subpackage: SUBPACKAGE.first,
      timestampMs: 1_775_000_000_000,
      lastIFrameIntervalMs: 0,
      lastFrameIntervalMs: 40,
      payload: Buffer.from('0000000167', 'hex'),
    };
    expect(video.packet).toEqual(want);
    expect(encodeRtpPacket(want).equals(VIDEO_FIRST)).toBe(true);

    const audio = parseRtpPacket(AUDIO, 0, 6, 950);
    if (audio.status !== 'packet') throw new Error(audio.status);
    expect(audio.packet).toMatchObject({ marker: true, payloadType: 6, sequence: 256, channel: 2, dataType: 3 });
    expect(audio.packet.timestampMs).toBe(1_775_000_000_020);
    expect(encodeRtpPacket(audio.packet).equals(AUDIO)).toBe(true);

    const pass = parseRtpPacket(PASS_THROUGH, 0, 6, 950);
    if (pass.status !== 'packet') throw new Error(pass.status);
    expect(pass.packet).toMatchObject({ dataType: 4, timestampMs: 0, payload: Buffer.from('ABC') });
    expect(encodeRtpPacket(pass.packet).equals(PASS_THROUGH)).toBe(true);

    const wide = parseRtpPacket(VIDEO_SIM10, 0, 10, 950);
    if (wide.status !== 'packet') throw new Error(wide.status);
    expect(wide.packet).toMatchObject({ sim: '00000000013912341078', subpackage: 2, lastIFrameIntervalMs: 40 });
    expect(encodeRtpPacket(wide.packet, 10).equals(VIDEO_SIM10)).toBe(true);
  });

  it('names what is wrong with a bad packet, and waits for the rest of a short one', () => {
    expect(parseRtpPacket(VIDEO_FIRST.subarray(0, 20), 0, 6, 950)).toEqual({ status: 'need_more' });
    const badFlag = Buffer.from(VIDEO_FIRST);
    badFlag[0] = 0x31;
    expect(parseRtpPacket(badFlag, 0, 6, 950)).toMatchObject({ status: 'reject', reason: 'bad_flag' });
    const badVersion = Buffer.from(VIDEO_FIRST);
    badVersion[4] = 0x41;
    expect(parseRtpPacket(badVersion, 0, 6, 950)).toMatchObject({ status: 'reject', reason: 'bad_rtp_version' });
    const badType = Buffer.from(VIDEO_FIRST);
    badType[15] = 0x51;
    expect(parseRtpPacket(badType, 0, 6, 950)).toMatchObject({ status: 'reject', reason: 'bad_data_type' });
    const badSim = Buffer.from(VIDEO_FIRST);
    badSim[9] = 0x3a;
    expect(parseRtpPacket(badSim, 0, 6, 950)).toMatchObject({ status: 'reject', reason: 'bad_sim' });
    expect(parseRtpPacket(VIDEO_FIRST, 0, 6, 4)).toMatchObject({
      status: 'reject',
      reason: 'payload_too_large',
      detail: 'payload of 5 bytes is greater than max allowed 4',
    });
  });
});

describe('RtpReader', () => {
  const reader = (known = '13912341078') =>
    new RtpReader({ payloadBytesMax: 950, bufferedBytesMax: 4096 }, (sim6, sim10) =>
      sim6?.replace(/^0+/, '') === known ? 6 : sim10?.replace(/^0+/, '') === known ? 10 : undefined,
    );

  it('reads packets cut at every byte boundary', () => {
    const stream = Buffer.concat([VIDEO_FIRST, AUDIO, PASS_THROUGH]);
    for (let cut = 1; cut < stream.length; cut++) {
      const r = reader();
      const items = [...r.push(stream.subarray(0, cut)), ...r.push(stream.subarray(cut))];
      expect(items.map((i) => i.reject ?? i.packet.sequence)).toEqual([7, 256, 1]);
      expect(r.bufferedBytes).toBe(0);
    }
  });

  it('passes over garbage to the next frame flag, and learns a 10-byte SIM from the first packet', () => {
    const r = reader();
    const items = [...r.push(Buffer.concat([Buffer.from('noise'), VIDEO_FIRST, Buffer.from('xx'), AUDIO]))];
    expect(items.map((i) => i.reject ?? i.packet.sequence)).toEqual(['garbage', 7, 'garbage', 256]);
    const wide = reader();
    expect([...wide.push(VIDEO_SIM10)].map((i) => i.reject ?? i.packet.sim)).toEqual(['00000000013912341078']);
    expect(wide.simBytes).toBe(10);
  });

  it('refuses a stream whose SIM names nothing requested, and bounds what it holds', () => {
    expect([...reader('13900000000').push(VIDEO_FIRST)].map((i) => i.reject)).toEqual(['unknown_sim']);
    const r = new RtpReader({ payloadBytesMax: 60_000, bufferedBytesMax: 100 }, () => 6);
    const huge = Buffer.from(VIDEO_FIRST);
    huge.writeUInt16BE(50_000, 28);
    // A length of 50,000 bytes: the reader waits for them, but holds no more than its bound.
    expect([...r.push(huge)]).toEqual([]);
    expect([...r.push(Buffer.alloc(80))].map((i) => i.reject)).toEqual(['buffer_overflow']);
    expect(r.bufferedBytes).toBe(0);
  });
});

describe('FrameAssembler', () => {
  const packet = (sequence: number, subpackage: number, payload: string): RtpPacket => ({
    marker: subpackage === SUBPACKAGE.last || subpackage === SUBPACKAGE.atomic,
    payloadType: 98,
    sequence,
    sim: '013912341078',
    channel: 1,
    dataType: DATA_TYPE.pFrame,
    subpackage,
    timestampMs: 1_000 + sequence,
    lastIFrameIntervalMs: 0,
    lastFrameIntervalMs: 40,
    payload: Buffer.from(payload),
  });

  it('joins first, middle and last packets, passes atomic ones, and drops a frame with a gap', () => {
    const a = new FrameAssembler(1024);
    expect(a.push(packet(1, SUBPACKAGE.first, 'ab'))).toEqual({});
    expect(a.push(packet(2, SUBPACKAGE.middle, 'cd'))).toEqual({});
    expect(a.push(packet(3, SUBPACKAGE.last, 'ef')).frame).toMatchObject({
      data: Buffer.from('abcdef'),
      timestampMs: 1_001,
    });
    expect(a.push(packet(4, SUBPACKAGE.atomic, 'gh')).frame?.data).toEqual(Buffer.from('gh'));
    a.push(packet(5, SUBPACKAGE.first, 'ij'));
    expect(a.push(packet(7, SUBPACKAGE.middle, 'kl')).drop?.reason).toBe('sequence_gap');
    // The rest of the broken frame is passed over quietly; the next frame is whole again.
    expect(a.push(packet(8, SUBPACKAGE.last, 'mn'))).toEqual({});
    expect(a.push(packet(9, SUBPACKAGE.atomic, 'op')).frame?.data).toEqual(Buffer.from('op'));
    expect(a.push(packet(10, SUBPACKAGE.middle, 'qr')).drop?.reason).toBe('orphan_packet');
  });

  it('takes audio packets between the packets of a frame, numbered in one sequence or apart', () => {
    // One sequence for both media: video 1, audio 2 and 3, video 4 (the audio went through another assembler).
    const shared = new FrameAssembler(1024);
    shared.push(packet(1, SUBPACKAGE.first, 'ab'));
    shared.passedOver();
    shared.passedOver();
    expect(shared.push(packet(4, SUBPACKAGE.last, 'cd')).frame?.data).toEqual(Buffer.from('abcd'));
    // Each medium numbered apart: video 7 and 8 with audio between.
    const apart = new FrameAssembler(1024);
    apart.push(packet(7, SUBPACKAGE.first, 'ab'));
    apart.passedOver();
    expect(apart.push(packet(8, SUBPACKAGE.last, 'cd')).frame?.data).toEqual(Buffer.from('abcd'));
    // A step that neither explains is a gap: a video packet was lost.
    const lost = new FrameAssembler(1024);
    lost.push(packet(1, SUBPACKAGE.first, 'ab'));
    lost.passedOver();
    expect(lost.push(packet(5, SUBPACKAGE.last, 'cd')).drop?.reason).toBe('sequence_gap');
  });

  it('drops a frame beyond its bound', () => {
    const a = new FrameAssembler(3);
    a.push(packet(1, SUBPACKAGE.first, 'ab'));
    expect(a.push(packet(2, SUBPACKAGE.last, 'cd')).drop?.reason).toBe('frame_too_large');
  });
});

describe('ReorderWindow (UDP)', () => {
  const p = (sequence: number): RtpPacket => ({
    marker: true,
    payloadType: 98,
    sequence,
    sim: '013912341078',
    channel: 1,
    dataType: DATA_TYPE.pFrame,
    subpackage: SUBPACKAGE.atomic,
    timestampMs: 0,
    lastIFrameIntervalMs: 0,
    lastFrameIntervalMs: 40,
    payload: Buffer.alloc(0),
  });
  const order = (r: { packets: RtpPacket[] }) => r.packets.map((x) => x.sequence);

  it('puts a swapped pair back in order, across the 16-bit wrap', () => {
    const w = new ReorderWindow(4);
    expect(order(w.push(p(65534)))).toEqual([65534]);
    expect(order(w.push(p(0)))).toEqual([]);
    expect(order(w.push(p(65535)))).toEqual([65535, 0]);
    expect(order(w.push(p(1)))).toEqual([1]);
  });

  it('gives a missing packet up once the window is full, and drops it if it comes after all', () => {
    const w = new ReorderWindow(3);
    w.push(p(10));
    expect(order(w.push(p(12)))).toEqual([]);
    expect(order(w.push(p(13)))).toEqual([]);
    expect(order(w.push(p(14)))).toEqual([]);
    const full = w.push(p(15));
    expect(order(full)).toEqual([12, 13, 14, 15]);
    expect(full.lost).toBe(1);
    expect(w.push(p(11))).toMatchObject({ packets: [], late: true });
    expect(w.push(p(15))).toMatchObject({ packets: [], late: true });
  });

  it('starts again from a packet far from the expected number, losing nothing held', () => {
    const w = new ReorderWindow(4);
    w.push(p(100));
    w.push(p(102));
    expect(order(w.push(p(5)))).toEqual([102, 5]);
    expect(order(w.push(p(6)))).toEqual([6]);
    expect(order(w.push(p(9000)))).toEqual([9000]);
    expect(w.heldCount).toBe(0);
  });
});

describe('media server options', () => {
  it('fail at start naming the key, the value and the bound', () => {
    const check = (o: Partial<MediaServerOptions>) => () => checkMediaServerOptions({ ...MEDIA_SERVER_DEFAULTS, ...o });
    expect(check({ liveUdpPort: 70_000 })).toThrow('option liveUdpPort value 70000 is outside 0..65535');
    expect(check({ liveUdpPort: 6810, playbackUdpPort: 6810 })).toThrow(
      'liveUdpPort and playbackUdpPort are both 6810',
    );
    expect(check({ udpReorderPackets: 0 })).toThrow('option udpReorderPackets value 0 is less than min allowed 1');
    expect(check({ udpReorderPackets: 5000 })).toThrow('udpReorderPackets value 5000 is greater than max allowed 1024');
    expect(check({ frameBytesMax: 16 << 20 })).toThrow(`frameBytesMax value ${16 << 20} is greater than max allowed`);
    // The same numbers as TCP are allowed: another protocol.
    expect(check({ livePort: 6810, liveUdpPort: 6810, playbackPort: 6811, playbackUdpPort: 6811 })).not.toThrow();
  });
});

describe('audio for the viewers', () => {
  const g711 = Buffer.alloc(160, 0xd5);

  it('strips the HiSilicon header only when its length (16-bit words) matches what follows', () => {
    const withHeader = Buffer.concat([hex(['00 01 50 00']), g711]); // 0x50 words = 160 bytes
    expect(stripHisiliconHeader(withHeader)).toEqual(g711);
    // The same four bytes with a length that does not match: audio that happens to begin with them, kept whole.
    const wrongLength = Buffer.concat([hex(['00 01 51 00']), g711]);
    expect(stripHisiliconHeader(wrongLength)).toEqual(wrongLength);
    const notHeader = Buffer.concat([hex(['00 02 50 00']), g711]);
    expect(stripHisiliconHeader(notHeader)).toEqual(notHeader);
    expect(stripHisiliconHeader(hex(['00 01 00 00']))).toEqual(hex(['00 01 00 00']));
    expect(stripHisiliconHeader(g711)).toEqual(g711);
  });

  it('reads ADTS frames: rate and channels of the first, whole frames only', () => {
    // MPEG-4 AAC LC, no CRC, 16 kHz (index 8), mono, 9 bytes; then 44.1 kHz (index 4) stereo, 8 bytes.
    const first = hex(['FF F1 60 40 01 3F FC', '21 00']);
    const second = hex(['FF F1 50 80 01 1F FC', '21']);
    expect(adtsFrames(first)).toEqual({ sampleRate: 16000, channels: 1 });
    expect(adtsFrames(second)).toEqual({ sampleRate: 44100, channels: 2 });
    expect(adtsFrames(Buffer.concat([first, second]))).toEqual({ sampleRate: 16000, channels: 1 });
    expect(adtsFrames(first.subarray(0, 8))).toEqual({ refused: 'frame of 9 bytes at 0' });
    expect(adtsFrames(Buffer.concat([first, hex(['FF F1'])]))).toEqual({ refused: '2 bytes after the last frame' });
    expect(adtsFrames(hex(['FF FB 60 40 01 3F FC', '21 00']))).toEqual({ refused: 'no ADTS syncword at 0' });
    expect(adtsFrames(hex(['FF F1 7C 40 01 3F FC', '21 00']))).toEqual({ refused: 'sampling frequency index 15' });
    expect(adtsFrames(Buffer.alloc(0))).toEqual({ refused: 'no frame' });
  });

  it('frames an audio message: kind 0x01, payload type, 64-bit timestamp, the audio', () => {
    const message = audioMessage(PAYLOAD_TYPE.g711u, 1_775_000_000_123, hex(['FF 7F 00']));
    expect(message).toEqual(hex(['01', '07', '00 00 01 9D 46 3E 96 7B', 'FF 7F 00']));
    expect(message.length).toBe(AUDIO_MESSAGE_HEADER_BYTES + 3);
  });

  it('sends G.711 to the viewers who take audio, announces other codings as not playable, and bounds queues', () => {
    const dropped: string[] = [];
    const sent: string[] = [];
    const stream = new VideoStream('s1', 'live', '013912341078', 1, () => 0, 1 << 20, 1_000, {
      dropped: (reason) => dropped.push(reason),
      shown: () => undefined,
      audioSent: (codec) => sent.push(codec),
    });
    const viewer = (audio: boolean) => {
      const got: (Buffer | string)[] = [];
      let buffered = 0;
      const v: MediaViewer = {
        audio,
        send: (data) => got.push(data),
        bufferedBytes: () => buffered,
        close: () => undefined,
      };
      return { v, got, setBuffered: (n: number) => (buffered = n) };
    };
    const listener = viewer(true);
    const deaf = viewer(false);
    stream.addViewer(listener.v);
    stream.addViewer(deaf.v);
    const audioFrame = (payloadType: number, data: Buffer) => ({
      dataType: DATA_TYPE.audio,
      payloadType,
      timestampMs: 5_000,
      data,
    });
    stream.onFrame(audioFrame(PAYLOAD_TYPE.g711a, Buffer.concat([hex(['00 01 02 00']), hex(['D5 D5 55 55'])])));
    const texts = (got: (Buffer | string)[]) =>
      got.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m) as Record<string, unknown>);
    expect(texts(listener.got).find((t) => t.type === 'audio')).toEqual({
      type: 'audio',
      stream_id: 's1',
      payload_type: 6,
      codec: 'G.711A',
      playable: true,
      sample_rate: 8000,
      channels: 1,
    });
    expect(listener.got.filter(Buffer.isBuffer)).toEqual([audioMessage(6, 5_000, hex(['D5 D5 55 55']))]);
    // A viewer that did not ask for audio gets neither the text nor the bytes.
    expect(deaf.got.filter((m) => m.includes('"audio"') || Buffer.isBuffer(m))).toEqual([]);
    // A viewer over its byte bound misses audio packets (counted) until its queue drains.
    listener.setBuffered(1_001);
    stream.onFrame(audioFrame(PAYLOAD_TYPE.g711a, g711));
    expect(listener.got.filter(Buffer.isBuffer)).toHaveLength(1);
    expect(dropped).toEqual(['audio_viewer_behind']);
    // G.729 is announced as not playable, its bytes are counted, not sent; a viewer who joins is told at once.
    listener.setBuffered(0);
    stream.onFrame(audioFrame(5, g711));
    expect(texts(listener.got).at(-1)).toMatchObject({ type: 'audio', codec: 'G.729', playable: false });
    expect(listener.got.filter(Buffer.isBuffer)).toHaveLength(1);
    expect(dropped).toEqual(['audio_viewer_behind', 'audio_not_played']);
    const late = viewer(true);
    stream.addViewer(late.v);
    expect(texts(late.got)).toContainEqual(expect.objectContaining({ type: 'audio', payload_type: 5 }));
    expect(sent).toEqual(['G.711A', 'G.711A']);
    // G.726 is played by the console: announced as playable, its bytes sent as they came.
    stream.onFrame(audioFrame(PAYLOAD_TYPE.g726, g711));
    expect(texts(listener.got).at(-1)).toMatchObject({ type: 'audio', codec: 'G.726', playable: true });
    expect(listener.got.filter(Buffer.isBuffer).at(-1)?.subarray(AUDIO_MESSAGE_HEADER_BYTES)).toEqual(g711);
    expect(sent).toEqual(['G.711A', 'G.711A', 'G.726']);
    // AAC must come as whole ADTS frames: raw AAC is refused by name, not announced, not sent.
    const announced = texts(listener.got).length;
    stream.onFrame(audioFrame(PAYLOAD_TYPE.aac, g711));
    expect(dropped.at(-1)).toBe('audio_not_adts');
    expect(texts(listener.got)).toHaveLength(announced);
    // One ADTS frame by hand: MPEG-4, no CRC, AAC LC, 16 kHz (index 8), mono, 7 + 2 bytes.
    const adts = hex(['FF F1 60 40 01 3F FC', '21 00']);
    stream.onFrame(audioFrame(PAYLOAD_TYPE.aac, adts));
    expect(texts(listener.got).at(-1)).toMatchObject({ codec: 'AAC', playable: true, sample_rate: 16000, channels: 1 });
    expect(listener.got.filter(Buffer.isBuffer).at(-1)?.subarray(AUDIO_MESSAGE_HEADER_BYTES)).toEqual(adts);
  });
});

describe('H.264 for MP4', () => {
  it('cuts NAL units at 3- and 4-byte start codes', () => {
    const units = splitAnnexB(hex(['00 00 00 01 67 42', '00 00 01 68 CE', '00 00 00 01 65 88 84 00']));
    // A zero at the end belongs to no unit (it is trailing_zero_8bits, or the first byte of a 4-byte start code).
    expect(units.map((u) => u.toString('hex'))).toEqual(['6742', '68ce', '658884']);
  });

  // SPS NAL units x264 wrote for these sizes and profiles (ffmpeg's testsrc2, one frame each).
  const SPS: [string, string, { width: number; height: number; profileIdc: number }][] = [
    [
      'baseline 1920×1080: 1088 coded lines cropped by 8',
      '6742c028d900780227e5c044000003000400000300c83c60c920',
      { width: 1920, height: 1080, profileIdc: 66 },
    ],
    [
      'high 1280×720',
      '6764001facd9405005bb011000000300100000030320f1831960',
      { width: 1280, height: 720, profileIdc: 100 },
    ],
    [
      'main 352×288 (CIF)',
      '674d400deca0b04b6022000003000200000300641e28532c',
      { width: 352, height: 288, profileIdc: 77 },
    ],
    [
      'high 4:2:2 176×144: chroma format and bit depths in the SPS',
      '677a000bbcd942c4ec0440000003004000000c83c50a6580',
      { width: 176, height: 144, profileIdc: 122 },
    ],
  ];
  for (const [name, sps, want] of SPS)
    it(`reads the picture size of an SPS: ${name}`, () => {
      expect(parseSps(Buffer.from(sps, 'hex'))).toMatchObject(want);
    });

  it('makes the codec string and the avcC record from the SPS and PPS', () => {
    const sps = Buffer.from('6764001facd9405005bb011000000300100000030320f1831960', 'hex');
    const pps = Buffer.from('68ebe3cb22c0', 'hex');
    expect(avcCodecString(parseSps(sps)!)).toBe('avc1.64001f');
    const avcC = avcDecoderConfiguration(sps, pps);
    expect(avcC.subarray(0, 8).toString('hex')).toBe(`0164001fffe1${sps.length.toString(16).padStart(4, '0')}`);
    expect(avcC.length).toBe(11 + sps.length + pps.length);
    expect(parseSps(Buffer.from('68ebe3', 'hex'))).toBeNull();
    expect(parseSps(Buffer.from('6764', 'hex'))).toBeNull();
  });
});

describe('fragmented MP4', () => {
  /** Box types and sizes of a buffer's top level, and of each box's children for container boxes. */
  function boxes(buf: Buffer, at = 0, end = buf.length): string[] {
    const out: string[] = [];
    while (at < end) {
      const size = buf.readUInt32BE(at);
      const type = buf.toString('latin1', at + 4, at + 8);
      out.push(`${type}:${size}`);
      if (['moov', 'trak', 'mdia', 'minf', 'stbl', 'mvex', 'moof', 'traf', 'dinf'].includes(type))
        out.push(...boxes(buf, at + 8, at + size).map((b) => `${type}/${b}`));
      at += size;
    }
    return out;
  }

  it('writes an init segment whose boxes nest and add up', () => {
    const init = initSegment({ width: 640, height: 360, avcC: Buffer.alloc(30) });
    const list = boxes(init);
    expect(list.filter((b) => !b.includes('/')).map((b) => b.split(':')[0])).toEqual(['ftyp', 'moov']);
    expect(list).toEqual(expect.arrayContaining(['moov/trak/mdia/minf/stbl/stsd:140', 'moov/mvex/trex:32']));
  });

  it('writes one sample per media segment with its data offset pointing into mdat', () => {
    const data = Buffer.from('0000000465888400', 'hex');
    const segment = mediaSegment(3, { decodeTime: 120, duration: 40, key: true, data });
    const moofSize = segment.readUInt32BE(0);
    expect(segment.toString('latin1', moofSize + 4, moofSize + 8)).toBe('mdat');
    const trun = segment.indexOf('trun', 0, 'latin1');
    const dataOffset = segment.readUInt32BE(trun + 12);
    expect(segment.subarray(dataOffset, dataOffset + data.length).equals(data)).toBe(true);
    expect(segment.readUInt32BE(trun + 16)).toBe(40); // duration
    expect(segment.readUInt32BE(trun + 20)).toBe(data.length);
    expect(segment.readUInt32BE(trun + 24)).toBe(0x02000000); // a sync sample
    const tfdt = segment.indexOf('tfdt', 0, 'latin1');
    expect(segment.readBigUInt64BE(tfdt + 8)).toBe(120n);
    const mfhd = segment.indexOf('mfhd', 0, 'latin1');
    expect(segment.readUInt32BE(mfhd + 8)).toBe(3);
  });
});
