/**
 * What `vigil start` with some flags refuses, found in this process: `readStartConfig` (cli/start-config.ts) is the
 * code a start runs before it opens anything, and a ConfigError from it makes the command exit 2 printing
 * `vigil: ` and its message. tests/start-flag-refusals.test.ts holds real `vigil start` processes to exactly that,
 * so the other tests check their flags' refusals here instead of paying for a process each.
 */
import { ConfigError } from '../../cli/flags.js';
import { readStartConfig } from '../../cli/start-config.js';

/** The exit status and stderr of `vigil start --data-dir <dataDir> --http-port 0 <extra>`, which must be refused. */
export function refusedStart(dataDir: string, extra: string[]): { status: number; stderr: string } {
  try {
    readStartConfig(['--data-dir', dataDir, '--http-port', '0', ...extra], process.env);
  } catch (error) {
    if (error instanceof ConfigError) return { status: 2, stderr: `vigil: ${error.message}\n` };
    throw error;
  }
  throw new Error(`vigil start ${extra.join(' ')} was accepted`);
}
