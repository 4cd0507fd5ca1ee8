/**
 * Drives one simulated terminal over real JT/T 808 through a short overspeed episode ending now, at `at` (central
 * Zhengzhou unless given): a normal fix a minute ago, two fixes over the limit in the last two seconds, a normal
 * fix now. Every frame must be acknowledged. The episode starts a couple of seconds ago, so it is the newest on a wall's list whatever else
 * the node is raising.
 */
import { expect } from 'vitest';
import { locationBody } from '../../cli/demo/location.js';
import { SimulatedTerminal } from '../../cli/demo/simulated-terminal.js';

export async function driveOverspeedEpisode(
  jt808Port: number,
  phone: string,
  plate: string,
  at: { lon: number; lat: number } = { lon: 113.66, lat: 34.75 },
): Promise<void> {
  const terminal = new SimulatedTerminal({ phone, plate, plateColor: 2, version: 2013 });
  await terminal.connect('127.0.0.1', jt808Port);
  try {
    await terminal.logIn();
    const now = Date.now();
    const fixes = [
      { speedKmh: 60, time: now - 60_000 },
      { speedKmh: 131.2, time: now - 2_000 },
      { speedKmh: 133.5, time: now - 1_000 },
      { speedKmh: 64, time: now },
    ];
    for (const [i, { speedKmh, time }] of fixes.entries()) {
      const reply = await terminal.request({
        msgId: 0x0200,
        body: locationBody({ lat: at.lat + i * 0.001, lon: at.lon, speedKmh, directionDeg: 90, time }, 2013),
      });
      expect(reply.msgId).toBe(0x8001);
    }
  } finally {
    terminal.close();
  }
}
