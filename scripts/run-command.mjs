/**
 * Runs one command for the scripts that run several (`run-together.mjs`, `test-phases.mjs`), resolving to its exit
 * code and duration. With `held`, its output is kept and printed whole when it ends, under its label, its status and
 * its duration, so that commands run side by side do not interleave their lines and an error reads as it would alone.
 */
import { spawn } from 'node:child_process';

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ held?: boolean, env?: Record<string, string>, label?: string }} [options]
 * @returns {Promise<{ code: number, seconds: number }>}
 */
export function runCommand(command, args, { held = false, env = {}, label = `${command} ${args.join(' ')}` } = {}) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: held ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env },
    });
    const chunks = [];
    child.stdout?.on('data', (d) => chunks.push(d));
    child.stderr?.on('data', (d) => chunks.push(d));
    let ended = false;
    const end = (code) => {
      if (ended) return;
      ended = true;
      const seconds = (Date.now() - started) / 1000;
      if (held) {
        const status = code === 0 ? 'ok' : `failed (exit ${code})`;
        process.stdout.write(`\n── ${label}: ${status} in ${seconds.toFixed(1)} s\n${Buffer.concat(chunks)}`);
      }
      resolve({ code, seconds });
    };
    child.on('error', (error) => {
      chunks.push(Buffer.from(`${command}: ${error.message}\n`));
      end(127);
    });
    child.on('close', (code, signal) => end(code ?? (signal ? 128 : 1)));
  });
}

/** `npm` or `npx` as this platform names the executable. */
export const npmBin = (name) => (process.platform === 'win32' ? `${name}.cmd` : name);
