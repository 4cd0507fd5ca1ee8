/**
 * What remembering completed subpackaged messages costs the JT/T 808 gateway (see
 * ingest/jt808/gateway/completed-messages.ts): CPU per message completed, CPU per late packet recognised, and
 * heap per message remembered. Run: node --expose-gc --import tsx bench/jt808-completed-messages.ts [seconds]
 *
 * Workload: messages of 8 packets of 500 bytes (a back-fill of ~130 positions), the usual subpackaged message.
 * Baseline, measured in the same run in alternating rounds: reassembling the message alone (Reassembler.push of
 * its 8 packets); the variant also remembers it (a CRC-32 per packet). Rates are per CPU second of this process
 * (process.cpuUsage), which holds on a machine loaded by other work.
 */
import { Reassembler, type Jt808Frame } from '../ingest/jt808/codec/index.js';
import { CompletedMessages } from '../ingest/jt808/gateway/completed-messages.js';

const PACKETS = 8;
const PACKET_BYTES = 500;
const TERMINALS = 1_000;
const seconds = Number(process.argv[2] ?? 3);

function packetsOf(phone: string, firstSerial: number): Jt808Frame[] {
  return Array.from({ length: PACKETS }, (_, i) => {
    const body = Buffer.alloc(PACKET_BYTES, (firstSerial + i) & 0xff);
    return {
      header: {
        msgId: 0x0704,
        version: 2013,
        protocolVersion: 0,
        phone,
        serial: (firstSerial + i) & 0xffff,
        encryption: 0,
        bodyLength: PACKET_BYTES,
        packet: { total: PACKETS, index: i + 1 },
      },
      body,
    } as Jt808Frame;
  });
}

const phones = Array.from({ length: TERMINALS }, (_, i) => `0139${String(i).padStart(8, '0')}`);
const messages = phones.map((phone, i) => packetsOf(phone, i * 16));
const reassembler = new Reassembler({
  packetsPerMessageMax: 8_192,
  bytesPerMessageMax: 4 << 20,
  pendingMessagesMax: 4,
  timeoutMs: 30_000,
});
const completed = new CompletedMessages(
  { perTerminalMax: 8, messagesTotalMax: 100_000, packetsTotalMax: 1_000_000, ageMsMax: 600_000 },
  Date.now,
);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1_000;
}

/** Completes messages for `ms` of CPU; returns messages per CPU second. */
function reassemble(remember: boolean, ms: number): number {
  const start = cpuMs();
  let done = 0;
  while (cpuMs() - start < ms) {
    for (let m = 0; m < 100; m++) {
      const packets = messages[(done + m) % TERMINALS];
      for (const p of packets) {
        const result = reassembler.push(p);
        if (result.status === 'complete' && remember)
          completed.remember(p.header.phone, `1796:${packets[0].header.serial}:${PACKETS}`, result.parts ?? []);
      }
    }
    done += 100;
  }
  return done / ((cpuMs() - start) / 1_000);
}

/** Recognises late packets for `ms` of CPU; returns packets per CPU second. */
function recognise(ms: number): number {
  const start = cpuMs();
  let done = 0;
  let found = 0;
  while (cpuMs() - start < ms) {
    for (let m = 0; m < 100; m++) {
      const packets = messages[(done + m) % TERMINALS];
      const p = packets[PACKETS - 1];
      if (completed.find(p.header.phone, `1796:${packets[0].header.serial}:${PACKETS}`, PACKETS, p.body)) found++;
    }
    done += 100;
  }
  if (found !== done) throw new Error(`recognised ${found} of ${done} late packets`);
  return done / ((cpuMs() - start) / 1_000);
}

const rounds = 6;
const base: number[] = [];
const withMemory: number[] = [];
for (let r = 0; r < rounds; r++) {
  base.push(reassemble(false, (seconds * 1_000) / (rounds * 3)));
  withMemory.push(reassemble(true, (seconds * 1_000) / (rounds * 3)));
}
const late = recognise((seconds * 1_000) / 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number): string => `${(n / 1_000).toFixed(1)} k`;

// Heap per remembered message: a fresh memory filled to its per-terminal bound for every terminal.
const gc = (globalThis as { gc?: () => void }).gc;
let perMessage = 'n/a (run with --expose-gc)';
if (gc) {
  const fresh = new CompletedMessages(
    { perTerminalMax: 8, messagesTotalMax: 100_000, packetsTotalMax: 1_000_000, ageMsMax: 600_000 },
    Date.now,
  );
  const parts = messages[0].map((p) => p.body);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let t = 0; t < 10_000; t++)
    for (let m = 0; m < 8; m++) fresh.remember(`0139${String(t).padStart(8, '0')}`, `1796:${m * 8}:${PACKETS}`, parts);
  gc();
  perMessage = `${((process.memoryUsage().heapUsed - before) / fresh.size).toFixed(0)} B (${fresh.size} messages of ${PACKETS} packets)`;
}

console.log(
  `messages of ${PACKETS} x ${PACKET_BYTES} B completed per CPU second: reassembly alone ${fmt(median(base))} (${base.map(fmt).join(', ')}), with the memory ${fmt(median(withMemory))} (${withMemory.map(fmt).join(', ')}); ratio ${(median(withMemory) / median(base)).toFixed(2)}`,
);
console.log(`late packets recognised per CPU second: ${fmt(late)}`);
console.log(`heap per remembered message: ${perMessage}`);
