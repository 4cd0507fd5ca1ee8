/**
 * The rule engine's state per tracked vehicle stays within 1 KB (issue #13 goal 3), measured the way
 * bench/state-memory.ts measures it at 100,000 vehicles, at 20,000 here: every vehicle registered, reporting every
 * 30 s for 30 minutes so every position rule holds state for it, the heap's growth after full collections divided
 * by the vehicles. The figure is about 860 B and repeats within ±10 B run to run (the traffic is deterministic and
 * the process does nothing else), so the bound leaves room for noise but not for a rule that keeps another object per
 * vehicle (a slot per rule per vehicle cost 180 B, a coach's week of hourly slots 190 B on average).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..');
const BYTES_PER_VEHICLE_MAX = 1_024;

describe('rule engine memory', () => {
  it('keeps at most 1 KB of heap per tracked vehicle', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        'bench/state-memory.ts',
        '--vehicles',
        '20000',
        '--minutes',
        '30',
        '--engine-only',
      ],
      { cwd: REPO, timeout: 400_000 },
    );
    const figures = JSON.parse(stdout) as { vehicles: number; engine_heap_bytes_per_vehicle: number };
    expect(figures.vehicles).toBe(20_000);
    expect(figures.engine_heap_bytes_per_vehicle).toBeGreaterThan(0);
    expect(figures.engine_heap_bytes_per_vehicle).toBeLessThanOrEqual(BYTES_PER_VEHICLE_MAX);
  }, 420_000);
});
