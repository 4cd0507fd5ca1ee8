/**
 * JT/T 808 frames written by hand from the standard (JT/T 808-2019, and the -2013/-2011 layouts it keeps), one
 * field per line with what the standard says it holds: flags, header (message id, body attributes, phone in BCD,
 * flow number, packet fields), body, and the check byte (XOR of the un-escaped header and body), with 0x7E and
 * 0x7D escaped where they occur. `standard-frames.test.ts` holds the codec to them in both directions; the fuzz
 * test mutates them. No frame here is copied from another implementation.
 */

export interface StandardFrame {
  name: string;
  /** The frame as on the wire, one field per entry, in hex. */
  wire: readonly string[];
}

/** The bytes of an annotated frame. */
export function wireBytes(frame: StandardFrame): Buffer {
  return Buffer.from(frame.wire.join('').replace(/\s+/g, ''), 'hex');
}

export const STANDARD_FRAMES: readonly StandardFrame[] = [
  {
    name: '0x0002 heartbeat, 2013',
    wire: [
      '7E', // flag
      '00 02', // message id 0x0002
      '00 00', // body attributes: body 0 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 01', // flow number 1
      '1C', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0100 register, 2013 layout',
    wire: [
      '7E', // flag
      '01 00', // message id 0x0100
      '00 2D', // body attributes: body 45 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 02', // flow number 2
      '00 29', // province 41 (Henan)
      '00 64', // city/county 100
      '56 49 47 49 4C', // maker id "VIGIL", BYTE[5]
      '56 54 2D 32 30 31 33', // terminal model "VT-2013", BYTE[20]:
      '00 00 00 00 00 00 00 00 00 00 00 00 00', //   ... padded with 0x00 to 20 bytes
      '54 30 30 30 30 30 31', // terminal id "T000001", BYTE[7]
      '02', // plate colour 2 (yellow)
      'D4 A5 41 31 32 33 34 35', // plate "豫A12345", GBK (豫 = D4 A5)
      '5B', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0100 register, 2011 layout',
    wire: [
      '7E', // flag
      '01 00', // message id 0x0100
      '00 21', // body attributes: body 33 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 03', // terminal phone 013912340003, BCD[6]
      '00 03', // flow number 3
      '00 29', // province 41 (Henan)
      '00 66', // city/county 102
      '56 49 47 49 4C', // maker id "VIGIL", BYTE[5]
      '56 54 2D 32 30 31 31', // terminal model (2011 layout: 8 bytes) "VT-2011", BYTE[8]:
      '00', //   ... padded with 0x00 to 8 bytes
      '54 30 30 30 30 30 32', // terminal id "T000002", BYTE[7]
      '01', // plate colour 1 (blue)
      'D4 A5 42 30 30 30 30 31', // plate "豫B00001", GBK
      '54', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0100 register, 2019 layout',
    wire: [
      '7E', // flag
      '01 00', // message id 0x0100
      '40 54', // body attributes: body 84 bytes, 2019 header (bit 14), not encrypted
      '01', // protocol version 1
      '00 00 00 00 01 39 12 34 00 04', // terminal phone 00000000013912340004, BCD[10]
      '00 04', // flow number 4
      '00 29', // province 41 (Henan)
      '00 64', // city/county 100
      '56 49 47 49 4C', // maker id "VIGIL", BYTE[11]:
      '00 00 00 00 00 00', //   ... padded with 0x00 to 11 bytes
      '56 54 2D 32 30 31 39', // terminal model "VT-2019", BYTE[30]:
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', //   ... padded with 0x00 to 30 bytes
      '54 32 30 31 39 30 30 30 30 30 34', // terminal id "T2019000004", BYTE[30]:
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', //   ... padded with 0x00 to 30 bytes
      '02', // plate colour 2 (yellow)
      'D4 A5 43 32 30 31 39 34', // plate "豫C20194", GBK
      '6B', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0102 authenticate, 2013',
    wire: [
      '7E', // flag
      '01 02', // message id 0x0102
      '00 0D', // body attributes: body 13 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 05', // flow number 5
      '56 49 47 49 4C 2D 41 55 54 48 2D 30 31', // auth code "VIGIL-AUTH-01": the whole body
      '43', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0102 authenticate, 2019',
    wire: [
      '7E', // flag
      '01 02', // message id 0x0102
      '40 2C', // body attributes: body 44 bytes, 2019 header (bit 14), not encrypted
      '01', // protocol version 1
      '00 00 00 00 01 39 12 34 00 04', // terminal phone 00000000013912340004, BCD[10]
      '00 06', // flow number 6
      '08', // auth code length 8
      '61 31 62 32 63 33 64 34', // auth code "a1b2c3d4"
      '38 36 30 30 30 30 30 30 30 30 30 30 30 30 34', // IMEI "860000000000004", BYTE[15]
      '56 32 2E 31 2E 30', // software version "V2.1.0", BYTE[20]:
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00', //   ... padded with 0x00 to 20 bytes
      '25', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0200 location with additional items, 2013',
    wire: [
      '7E', // flag
      '02 00', // message id 0x0200
      '00 30', // body attributes: body 48 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 07', // flow number 7
      '00 00 00 00', // alarm flags: none
      '00 00 00 03', // status: ACC on, positioned
      '02 12 59 88', // latitude 34.757000 degrees (1e-6 degree)
      '06 C6 63 E8', // longitude 113.665000 degrees
      '00 64', // altitude 100 m
      '02 58', // speed 60.0 km/h (0.1 km/h)
      '00 5A', // direction 90 degrees
      '26 05 01 08 30 00', // time 2026-05-01 08:30:00 GMT+8, BCD[6]
      '01 04 00 01 E2 40', // item 0x01 mileage, DWORD 0.1 km: 12345.6 km
      '02 02 01 90', // item 0x02 fuel, WORD 0.1 L: 40.0 L
      '03 02 02 58', // item 0x03 tachograph speed, WORD 0.1 km/h: 60.0 km/h
      '30 01 1F', // item 0x30 signal strength 31
      '31 01 0C', // item 0x31 GNSS satellites 12
      'A0', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0200 location with the emergency alarm, 2019',
    wire: [
      '7E', // flag
      '02 00', // message id 0x0200
      '40 1C', // body attributes: body 28 bytes, 2019 header (bit 14), not encrypted
      '01', // protocol version 1
      '00 00 00 00 01 39 12 34 00 04', // terminal phone 00000000013912340004, BCD[10]
      '00 08', // flow number 8
      '00 00 00 01', // alarm flags (bit 0: emergency)
      '00 00 00 03', // status: ACC on, positioned
      '01 F7 63 30', // latitude 32.990000 degrees (1e-6 degree)
      '06 B5 0A 80', // longitude 112.528000 degrees
      '00 96', // altitude 150 m
      '00 00', // speed 0.0 km/h (0.1 km/h)
      '00 00', // direction 0 degrees
      '26 05 01 08 30 05', // time 2026-05-01 08:30:05 GMT+8, BCD[6]
      '5A', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0200 location whose altitude and direction hold 0x7E and 0x7D (escaped), 2013',
    wire: [
      '7E', // flag
      '02 00', // message id 0x0200
      '00 1C', // body attributes: body 28 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 09', // flow number 9
      '00 00 00 00', // alarm flags: none
      '00 00 00 03', // status: ACC on, positioned
      '02 12 59 EC', // latitude 34.757100 degrees (1e-6 degree)
      '06 C6 64 4C', // longitude 113.665100 degrees
      '00 7D 02', // altitude 126 m (on the wire: 00 7E escaped)
      '01 5E', // speed 35.0 km/h (0.1 km/h)
      '00 7D 01', // direction 125 degrees (on the wire: 00 7D escaped)
      '26 05 01 08 30 10', // time 2026-05-01 08:30:10 GMT+8, BCD[6]
      '13', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0704 batch back-fill of two positions, 2013',
    wire: [
      '7E', // flag
      '07 04', // message id 0x0704
      '00 3F', // body attributes: body 63 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 0A', // flow number 10
      '00 02', // item count 2
      '01', // type 1: back-fill of positions stored during an outage (补传)
      '00 1C', // item 1 length 28
      '00 00 00 00', // item 1 alarm flags: none
      '00 00 00 03', // item 1 status: ACC on, positioned
      '02 12 3E 30', // item 1 latitude 34.750000 degrees (1e-6 degree)
      '06 C6 29 50', // item 1 longitude 113.650000 degrees
      '00 5F', // item 1 altitude 95 m
      '01 A4', // item 1 speed 42.0 km/h (0.1 km/h)
      '00 B4', // item 1 direction 180 degrees
      '26 05 01 07 00 00', // item 1 time 2026-05-01 07:00:00 GMT+8, BCD[6]
      '00 1C', // item 2 length 28
      '00 00 00 00', // item 2 alarm flags: none
      '00 00 00 03', // item 2 status: ACC on, positioned
      '02 12 42 18', // item 2 latitude 34.751000 degrees (1e-6 degree)
      '06 C6 2D 38', // item 2 longitude 113.651000 degrees
      '00 60', // item 2 altitude 96 m
      '01 AE', // item 2 speed 43.0 km/h (0.1 km/h)
      '00 B5', // item 2 direction 181 degrees
      '26 05 01 07 00 30', // item 2 time 2026-05-01 07:00:30 GMT+8, BCD[6]
      '15', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0001 terminal general answer, 2013',
    wire: [
      '7E', // flag
      '00 01', // message id 0x0001
      '00 05', // body attributes: body 5 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 0B', // flow number 11
      '00 05', // answered flow number 5
      '83 00', // answered message id 0x8300 (text)
      '00', // result 0: success
      '95', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0003 unregister, 2013',
    wire: [
      '7E', // flag
      '00 03', // message id 0x0003
      '00 00', // body attributes: body 0 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 0C', // flow number 12
      '13', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0800 multimedia event, 2013',
    wire: [
      '7E', // flag
      '08 00', // message id 0x0800
      '00 08', // body attributes: body 8 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 0D', // flow number 13
      '00 00 00 01', // media id 1
      '00', // media type 0: image
      '00', // format 0: JPEG
      '01', // event 1: timed capture
      '01', // channel 1
      '10', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0801 multimedia upload, packet 1 of 2, 2013',
    wire: [
      '7E', // flag
      '08 01', // message id 0x0801
      '20 28', // body attributes: body 40 bytes, 2011/2013 header, subpackaged (bit 13), not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 0E', // flow number 14
      '00 02', // packet count 2
      '00 01', // packet index 1
      '00 00 00 02', // media id 2
      '00', // media type 0: image
      '00', // format 0: JPEG
      '00', // event 0: platform command
      '01', // channel 1
      '00 00 00 00', // capture alarm flags: none
      '00 00 00 03', // capture status: ACC on, positioned
      '02 12 59 88', // capture latitude 34.757000 degrees (1e-6 degree)
      '06 C6 63 E8', // capture longitude 113.665000 degrees
      '00 64', // capture altitude 100 m
      '00 00', // capture speed 0.0 km/h (0.1 km/h)
      '00 00', // capture direction 0 degrees
      '26 05 01 08 30 20', // capture time 2026-05-01 08:30:20 GMT+8, BCD[6]
      'FF D8 FF E0', // first bytes of the JPEG (start of image, APP0)
      'FC', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0900 pass-through, 2013',
    wire: [
      '7E', // flag
      '09 00', // message id 0x0900
      '00 06', // body attributes: body 6 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 0F', // flow number 15
      '41', // pass-through type 0x41 (serial port 1)
      '41 54 2B 4F 4B', // data "AT+OK"
      '67', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0004 server time query, 2019',
    wire: [
      '7E', // flag
      '00 04', // message id 0x0004
      '40 00', // body attributes: body 0 bytes, 2019 header (bit 14), not encrypted
      '01', // protocol version 1
      '00 00 00 00 01 39 12 34 00 04', // terminal phone 00000000013912340004, BCD[10]
      '00 10', // flow number 16
      '4F', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0201 location query answer, 2013',
    wire: [
      '7E', // flag
      '02 01', // message id 0x0201
      '00 1E', // body attributes: body 30 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 02', // terminal phone 013912340002, BCD[6]
      '00 11', // flow number 17
      '00 11', // flow number 17 of the platform's 0x8201 it answers
      '00 00 00 00', // alarm flags: none
      '00 00 00 03', // status: ACC on, positioned
      '02 12 5A 50', // latitude 34.757200 degrees (1e-6 degree)
      '06 C6 64 B0', // longitude 113.665200 degrees
      '00 65', // altitude 101 m
      '00 00', // speed 0.0 km/h (0.1 km/h)
      '01 0E', // direction 270 degrees
      '26 05 01 08 30 30', // time 2026-05-01 08:30:30 GMT+8, BCD[6]
      '4C', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x9101 live video request (JT/T 1078), 2013',
    wire: [
      '7E', // flag
      '91 01', // message id 0x9101
      '00 11', // body attributes: body 17 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 21', // flow number 33
      '09', // length of the server address: 9 bytes
      '31 32 37 2E 30 2E 30 2E 31', // server address "127.0.0.1"
      '1A 9A', // TCP port 6810
      '00 00', // UDP port 0: not offered
      '01', // logical channel 1
      '01', // data type 1: video
      '01', // stream type 1: sub stream
      '1C', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x9102 live video control (JT/T 1078), 2013',
    wire: [
      '7E', // flag
      '91 02', // message id 0x9102
      '00 04', // body attributes: body 4 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 22', // flow number 34
      '01', // logical channel 1
      '00', // command 0: close the transmission
      '00', // close type 0: audio and video
      '00', // switch to stream 0 (main): not used by command 0
      'AB', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x9201 playback request (JT/T 1078), 2013',
    wire: [
      '7E', // flag
      '92 01', // message id 0x9201
      '00 20', // body attributes: body 32 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 23', // flow number 35
      '09', // length of the server address: 9 bytes
      '31 32 37 2E 30 2E 30 2E 31', // server address "127.0.0.1"
      '1A 9B', // TCP port 6811
      '00 00', // UDP port 0: not offered
      '02', // logical channel 2
      '02', // media type 2: video
      '01', // stream type 1: main stream
      '01', // storage 1: main storage
      '00', // playback mode 0: normal
      '00', // speed 0: none (normal playback)
      '26 05 01 08 30 00', // start 2026-05-01 08:30:00 GMT+8, BCD[6]
      '26 05 01 08 45 00', // end 2026-05-01 08:45:00 GMT+8, BCD[6]
      '59', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x9202 playback control (JT/T 1078), 2013',
    wire: [
      '7E', // flag
      '92 02', // message id 0x9202
      '00 09', // body attributes: body 9 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 24', // flow number 36
      '02', // logical channel 2
      '05', // control 5: seek
      '00', // speed 0: none
      '26 05 01 08 35 00', // seek to 2026-05-01 08:35:00 GMT+8, BCD[6]
      'BA', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x9205 resource list query (JT/T 1078), 2013',
    wire: [
      '7E', // flag
      '92 05', // message id 0x9205
      '00 18', // body attributes: body 24 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 25', // flow number 37
      '00', // logical channel 0: all channels
      '26 05 01 00 00 00', // start 2026-05-01 00:00:00 GMT+8, BCD[6]
      '26 05 01 23 59 59', // end 2026-05-01 23:59:59 GMT+8, BCD[6]
      '00 00 00 00', // alarm flags, bits 63-32 (video alarms): none
      '00 00 00 01', // alarm flags, bits 31-0 (as in 0x0200): bit 0, emergency
      '00', // media type 0: audio and video
      '00', // stream type 0: all
      '00', // storage 0: all
      '97', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x1205 resource list (JT/T 1078), two recordings, 2013',
    wire: [
      '7E', // flag
      '12 05', // message id 0x1205
      '00 3E', // body attributes: body 62 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 26', // flow number 38
      '00 25', // flow number 37 of the 0x9205 it answers
      '00 00 00 02', // 2 recordings
      '01', // 1: logical channel 1
      '26 05 01 08 00 00', //    start 2026-05-01 08:00:00 GMT+8
      '26 05 01 08 10 00', //    end 2026-05-01 08:10:00 GMT+8
      '00 00 00 00 00 00 00 00', //    alarm flags: none
      '00', //    media type 0: audio and video
      '01', //    stream type 1: main
      '01', //    storage 1: main
      '00 A0 00 00', //    file size 10,485,760 bytes
      '02', // 2: logical channel 2
      '26 05 01 08 10 00', //    start 2026-05-01 08:10:00 GMT+8
      '26 05 01 08 20 00', //    end 2026-05-01 08:20:00 GMT+8
      '00 00 00 01', //    alarm flags, bits 63-32: bit 32, video signal lost
      '00 00 00 02', //    alarm flags, bits 31-0: bit 1, overspeed
      '02', //    media type 2: video
      '02', //    stream type 2: sub
      '02', //    storage 2: disaster backup
      '7D 02 7D 01 00 01', //    file size 0x7E7D0001 = 2,122,121,217 bytes (0x7E, 0x7D escaped)
      'B7', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8103 set terminal parameters, 2013',
    wire: [
      '7E', // flag
      '81 03', // message id 0x8103
      '00 1C', // body attributes: body 28 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 30', // flow number 48
      '02', // 2 parameters
      '00 00 00 01', // parameter 0x0001: heartbeat interval, DWORD s
      '04', //   value length 4
      '00 00 00 1E', //   30 s
      '00 00 00 13', // parameter 0x0013: main server address, STRING
      '0D', //   value length 13
      '76 69 67 69 6C 2E 65 78 61 6D 70 6C 65', //   "vigil.example"
      '8D', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8106 query some terminal parameters, 2013',
    wire: [
      '7E', // flag
      '81 06', // message id 0x8106
      '00 09', // body attributes: body 9 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 31', // flow number 49
      '02', // 2 parameter ids
      '00 00 00 01', // 0x0001 heartbeat interval
      '00 00 00 29', // 0x0029 default reporting interval
      '8A', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0104 terminal parameters answer, 2013',
    wire: [
      '7E', // flag
      '01 04', // message id 0x0104
      '00 15', // body attributes: body 21 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 32', // flow number 50
      '00 31', // flow number 49 of the 0x8106 it answers
      '02', // 2 parameters
      '00 00 00 01', // parameter 0x0001: heartbeat interval
      '04', //   value length 4
      '00 00 00 1E', //   30 s
      '00 00 00 29', // parameter 0x0029: default reporting interval
      '04', //   value length 4
      '00 00 00 0A', //   10 s
      '32', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8105 terminal control: reset, 2013',
    wire: [
      '7E', // flag
      '81 05', // message id 0x8105
      '00 01', // body attributes: body 1 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 33', // flow number 51
      '04', // command 4: reset the terminal (no parameters)
      'AD', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8400 callback for monitoring, 2013',
    wire: [
      '7E', // flag
      '84 00', // message id 0x8400
      '00 0C', // body attributes: body 12 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 34', // flow number 52
      '01', // flag 1: monitoring (the terminal answers silently)
      '31 33 38 30 30 30 30 30 30 30 30', // phone "13800000000"
      '98', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8500 vehicle control: lock the doors, 2013',
    wire: [
      '7E', // flag
      '85 00', // message id 0x8500
      '00 01', // body attributes: body 1 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 35', // flow number 53
      '01', // control flag: bit 0 = 1, lock the doors
      'AF', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8500 vehicle control: lock the doors, 2019',
    wire: [
      '7E', // flag
      '85 00', // message id 0x8500
      '40 05', // body attributes: body 5 bytes, 2019 header (bit 14), not encrypted
      '01', // protocol version 1
      '00 00 00 00 01 39 12 34 00 04', // terminal phone 00000000013912340004, BCD[10]
      '00 36', // flow number 54
      '00 01', // 1 control
      '00 01', // control type 0x0001: doors
      '01', // 1: lock
      'EC', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0500 vehicle control answer, 2013',
    wire: [
      '7E', // flag
      '05 00', // message id 0x0500
      '00 1E', // body attributes: body 30 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 37', // flow number 55
      '00 35', // flow number 53 of the 0x8500 it answers
      '00 00 00 00', // alarm flags: none
      '00 00 00 03', // status: ACC on, positioned
      '02 12 5A 50', // latitude 34.757200 degrees (1e-6 degree)
      '06 C6 64 B0', // longitude 113.665200 degrees
      '00 65', // altitude 101 m
      '00 00', // speed 0.0 km/h (0.1 km/h)
      '01 0E', // direction 270 degrees
      '26 05 01 08 30 30', // time 2026-05-01 08:30:30 GMT+8, BCD[6]
      '4B', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8600 set a circular area with a speed limit, 2019',
    wire: [
      '7E', // flag
      '86 00', // message id 0x8600
      '40 1F', // body attributes: body 31 bytes, 2019 header (bit 14), not encrypted
      '01', // protocol version 1
      '00 00 00 00 01 39 12 34 00 04', // terminal phone 00000000013912340004, BCD[10]
      '00 38', // flow number 56
      '01', // setting 1: append
      '01', // 1 area
      '00 00 00 07', // area id 7
      '00 02', // attributes: bit 1, speed limit (no time window)
      '02 12 5A 50', // centre latitude 34.757200 degrees
      '06 C6 64 B0', // centre longitude 113.665200 degrees
      '00 00 01 F4', // radius 500 m
      '00 3C', // top speed 60 km/h
      '0A', // overspeed duration 10 s
      '00 32', // night top speed 50 km/h (2019)
      '00 04', // name length 4 (2019)
      'D6 A3 D6 DD', // name "郑州", GBK
      '7A', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8602 set a rectangular area for a time window, 2013',
    wire: [
      '7E', // flag
      '86 02', // message id 0x8602
      '00 24', // body attributes: body 36 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 39', // flow number 57
      '00', // setting 0: replace all
      '01', // 1 area
      '00 00 00 08', // area id 8
      '00 01', // attributes: bit 0, time window (no speed limit)
      '02 13 00 00', // top-left latitude 34.799616 degrees
      '06 C6 00 00', // top-left longitude 113.639424 degrees
      '02 12 00 00', // bottom-right latitude 34.734080 degrees
      '06 C7 00 00', // bottom-right longitude 113.704960 degrees
      '26 05 01 08 00 00', // start 2026-05-01 08:00:00 GMT+8
      '26 05 01 18 00 00', // end 2026-05-01 18:00:00 GMT+8
      '9E', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8604 set a polygonal area, 2013',
    wire: [
      '7E', // flag
      '86 04', // message id 0x8604
      '00 20', // body attributes: body 32 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 3A', // flow number 58
      '00 00 00 09', // area id 9
      '00 00', // attributes: none
      '00 03', // 3 vertices
      '02 12 00 00', // vertex 1 latitude 34.734080
      '06 C6 00 00', // vertex 1 longitude 113.639424
      '02 13 00 00', // vertex 2 latitude 34.799616
      '06 C6 00 00', // vertex 2 longitude 113.639424
      '02 13 00 00', // vertex 3 latitude 34.799616
      '06 C7 00 00', // vertex 3 longitude 113.704960
      '5C', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8601 delete two circular areas, 2013',
    wire: [
      '7E', // flag
      '86 01', // message id 0x8601
      '00 09', // body attributes: body 9 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 3B', // flow number 59
      '02', // 2 areas
      '00 00 00 07', // area id 7
      '00 00 00 0A', // area id 10
      'A5', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8606 set a route of two points, 2013',
    wire: [
      '7E', // flag
      '86 06', // message id 0x8606
      '00 33', // body attributes: body 51 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 3C', // flow number 60
      '00 00 00 03', // route id 3
      '00 00', // attributes: none (no time window)
      '00 02', // 2 inflection points
      '00 00 00 01', // point 1
      '00 00 00 01', //   segment 1
      '02 12 5A 50', //   latitude 34.757200
      '06 C6 64 B0', //   longitude 113.665200
      '14', //   segment width 20 m
      '03', //   segment attributes: bit 0 driving time, bit 1 speed limit
      '01 2C', //   too long 300 s
      '00 3C', //   too short 60 s
      '00 50', //   top speed 80 km/h
      '05', //   overspeed duration 5 s
      '00 00 00 02', // point 2
      '00 00 00 01', //   segment 1
      '02 13 00 00', //   latitude 34.799616
      '06 C6 00 00', //   longitude 113.639424
      '14', //   segment width 20 m
      '00', //   segment attributes: none
      '0A', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0702 driver identity, card read, 2013',
    wire: [
      '7E', // flag
      '07 02', // message id 0x0702
      '00 36', // body attributes: body 54 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 3D', // flow number 61
      '01', // status 1: IC card inserted
      '26 05 01 08 30 00', // time 2026-05-01 08:30:00 GMT+8
      '00', // IC read result 0: read
      '04', // name length 4
      'D5 C5 C8 FD', // name "张三", GBK
      '34 31 30 31 30 30 32 30 32 36 30 30 30 30 30 31 00 00 00 00', // certificate "4101002026000001", STRING[20] padded with 0x00
      '10', // issuing authority length 16
      'D6 A3 D6 DD CA D0 BD BB CD A8 D4 CB CA E4 BE D6', // authority "郑州市交通运输局", GBK
      '20 30 12 31', // expiry 2030-12-31, BCD[4] YYYYMMDD
      '55', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8802 stored media search, 2013',
    wire: [
      '7E', // flag
      '88 02', // message id 0x8802
      '00 0F', // body attributes: body 15 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 3E', // flow number 62
      '00', // media type 0: image
      '01', // channel 1
      '00', // event 0: platform command
      '26 05 01 08 00 00', // start 2026-05-01 08:00:00 GMT+8
      '26 05 01 09 00 00', // end 2026-05-01 09:00:00 GMT+8
      'A4', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x0802 stored media list, one image, 2013',
    wire: [
      '7E', // flag
      '08 02', // message id 0x0802
      '00 27', // body attributes: body 39 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 3F', // flow number 63
      '00 3E', // flow number 62 of the 0x8802 it answers
      '00 01', // 1 item
      '00 00 00 2A', // media id 42
      '00', // media type 0: image
      '01', // channel 1
      '00', // event 0: platform command
      '00 00 00 00', //   alarm flags: none
      '00 00 00 03', //   status: ACC on, positioned
      '02 12 5A 50', //   latitude 34.757200 degrees (1e-6 degree)
      '06 C6 64 B0', //   longitude 113.665200 degrees
      '00 65', //   altitude 101 m
      '00 00', //   speed 0.0 km/h (0.1 km/h)
      '01 0E', //   direction 270 degrees
      '26 05 01 08 30 30', //   time 2026-05-01 08:30:30 GMT+8, BCD[6]
      '54', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x8803 stored media upload, 2013',
    wire: [
      '7E', // flag
      '88 03', // message id 0x8803
      '00 10', // body attributes: body 16 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 40', // flow number 64
      '00', // media type 0: image
      '01', // channel 1
      '00', // event 0: platform command
      '26 05 01 08 00 00', // start 2026-05-01 08:00:00 GMT+8
      '26 05 01 09 00 00', // end 2026-05-01 09:00:00 GMT+8
      '00', // delete flag 0: keep on the terminal
      'C4', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x9208 alarm attachment upload (T/JSATL 12), 2013',
    wire: [
      '7E', // flag
      '92 08', // message id 0x9208
      '00 4D', // body attributes: body 77 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 41', // flow number 65
      '08', // attachment server address: 8 bytes
      '31 30 2E 30 2E 30 2E 38', // "10.0.0.8"
      '1D BC', // TCP port 7612
      '00 00', // UDP port 0: none
      '54 30 30 30 30 30 31', // alarm identification: terminal id "T000001", BYTE[7]
      '26 05 01 08 30 00', //   time 2026-05-01 08:30:00 GMT+8
      '01', //   serial 1
      '02', //   2 attachments
      '00', //   reserved
      '35 34 33 30 33 30 33 30 33 30 33 30 33 31 32 36', // alarm number, BYTE[32]: the identification in hex,
      '30 35 30 31 30 38 33 30 30 30 30 31 30 32 30 30', //   "54303030303031260501083000010200"
      '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // reserved BYTE[16]
      '73', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x1210 alarm attachment list (T/JSATL 12), 2013',
    wire: [
      '7E', // flag
      '12 10', // message id 0x1210
      '00 67', // body attributes: body 103 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 07', // flow number 7
      '54 30 30 30 30 30 31', // terminal id "T000001", BYTE[7]
      '54 30 30 30 30 30 31 26 05 01 08 30 00 01 02 00', // alarm identification as in the 0x9208 above
      '35 34 33 30 33 30 33 30 33 30 33 30 33 31 32 36', // alarm number "54303030303031260501083000010200",
      '30 35 30 31 30 38 33 30 30 30 30 31 30 32 30 30', //   as the platform gave it
      '00', // information type 0: normal
      '02', // 2 attachments
      '12', // name 1: 18 bytes
      '30 30 5F 36 35 5F 36 35 30 31 5F 30 5F 31 2E 6A 70 67', //   "00_65_6501_0_1.jpg"
      '00 00 9C 40', //   40,000 bytes
      '12', // name 2: 18 bytes
      '30 32 5F 36 35 5F 36 35 30 31 5F 30 5F 31 2E 6D 70 34', //   "02_65_6501_0_1.mp4"
      '00 01 86 A0', //   100,000 bytes
      'C3', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
  {
    name: '0x9212 attachment upload result (T/JSATL 12), two ranges to resend, 2013',
    wire: [
      '7E', // flag
      '92 12', // message id 0x9212
      '00 26', // body attributes: body 38 bytes, 2011/2013 header, not encrypted
      '01 39 12 34 00 01', // terminal phone 013912340001, BCD[6]
      '00 42', // flow number 66
      '12', // name: 18 bytes
      '30 32 5F 36 35 5F 36 35 30 31 5F 30 5F 31 2E 6D 70 34', //   "02_65_6501_0_1.mp4"
      '02', // file type 2: video
      '01', // result 1: send again
      '02', // 2 ranges
      '00 00 00 00', // range 1: offset 0
      '00 00 10 00', //   4,096 bytes
      '00 01 80 00', // range 2: offset 98,304
      '00 00 06 A0', //   1,696 bytes (to the end of 100,000)
      'DA', // check: XOR of the header and body bytes
      '7E', // flag
    ],
  },
];
