/** The machine a benchmark ran on, from `os`: figures are only comparable on the same one. */
import os from 'node:os';

export interface MachineDescription {
  hostname: string;
  platform: string;
  release: string;
  arch: string;
  cpu_model: string;
  cpus: number;
  memory_gb: number;
  load_average_1m: number;
  node: string;
}

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    load_average_1m: Math.round(os.loadavg()[0] * 100) / 100,
    node: process.version,
  };
}
