/** The traffic commands of `vigil`: one module each, registered here for `cli/main.ts`. */
import { BENCH_SUMMARY, benchCommand } from './bench.js';
import { GENERATE_SUMMARY, generateCommand } from './generate.js';
import { REPLAY_SUMMARY, replayCommand } from './replay.js';
import { ROADS_SUMMARY, roadsCommand } from './roads.js';

export interface TrafficCommand {
  summary: string;
  run: (argv: string[]) => Promise<void>;
}

export const TRAFFIC_COMMANDS: Record<string, TrafficCommand> = {
  generate: { summary: GENERATE_SUMMARY, run: generateCommand },
  replay: { summary: REPLAY_SUMMARY, run: replayCommand },
  bench: { summary: BENCH_SUMMARY, run: benchCommand },
  roads: { summary: ROADS_SUMMARY, run: roadsCommand },
};
