/**
 * The generator's messages on the real wire: `fixtures/` knows only schema types, so the JT/T 808 encoding is
 * the codec's, plugged in here. Derived fields (signed degrees, alarm names, status flags) are filled from
 * the raw ones exactly as a decoder would.
 */
import {
  deriveLocation,
  encodeMessage,
  encodePosition,
  encodeVoyage,
  toSentences,
  type Jt808Message,
  type LocationBody,
} from '../../ingest/index.js';
import type {
  EncodeAisMessage,
  EncodeTerminalMessage,
  GeneratedLocation,
  TerminalMessage,
  WireVersion,
} from '../../fixtures/generator/index.js';

/** Alarm names and status flags by (version, alarm bits, status bits): generated traffic uses only a few. */
const DERIVED = new Map<string, Pick<LocationBody, 'alarms' | 'status'>>();
const DERIVED_ENTRIES_MAX = 4096;

function derived(loc: GeneratedLocation, version: WireVersion): Pick<LocationBody, 'alarms' | 'status'> {
  const key = `${version}:${loc.alarmBits}:${loc.statusBits}`;
  let entry = DERIVED.get(key);
  if (!entry) {
    const { alarms, status } = deriveLocation(loc, version);
    entry = { alarms, status };
    if (DERIVED.size < DERIVED_ENTRIES_MAX) DERIVED.set(key, entry);
  }
  return entry;
}

function locationBody(loc: GeneratedLocation, version: WireVersion): LocationBody {
  const { alarms, status } = derived(loc, version);
  // Runs for every generated position: the fields written out rather than spread (spreading the location and
  // the derived pair cost more than the rest of turning a position into a row), in the order the spreads gave.
  // Henan is north and east: the hemisphere bits are never set, so the signed degrees are the raw ones.
  return {
    alarmBits: loc.alarmBits,
    statusBits: loc.statusBits,
    latRaw: loc.latRaw,
    lonRaw: loc.lonRaw,
    altitudeM: loc.altitudeM,
    speedKmh: loc.speedKmh,
    directionDeg: loc.directionDeg,
    time: loc.time,
    extras: { ...loc.extras, others: [] },
    lat: loc.latRaw / 1e6,
    lon: loc.lonRaw / 1e6,
    alarms,
    status,
  };
}

export function toJt808(message: TerminalMessage, version: WireVersion): Jt808Message {
  switch (message.msgId) {
    case 0x0002:
      return { msgId: 0x0002, body: {} };
    case 0x0200:
      return { msgId: 0x0200, body: locationBody(message.body, version) };
    case 0x0702:
      return { msgId: 0x0702, body: { ...message.body } };
    case 0x0704:
      return {
        msgId: 0x0704,
        body: {
          type: message.body.type,
          count: message.body.items.length,
          items: message.body.items.map((i) => locationBody(i, version)),
          errors: [],
        },
      };
  }
}

export const encodeTerminalMessage: EncodeTerminalMessage = (message, header) =>
  encodeMessage(toJt808(message, header.version), header);

/** The generator's AIS messages as `!AIVDM` sentences, by the ingestion's own encoder (as the demo's ships). */
export const encodeAisMessage: EncodeAisMessage = (message, sequenceId) =>
  message.type === 5
    ? toSentences(encodeVoyage(message), sequenceId)
    : toSentences(encodePosition(message), sequenceId);
