/**
 * A textual flame summary of a V8 `.cpuprofile` (what `node --cpu-prof` writes): the functions with the most self
 * time, each with its share of the thread's busy time (idle samples left out), so a profile can be kept in
 * bench/README.md as text. Files are named without lines: code run through tsx is profiled in its transformed form.
 */
export interface ProfileLine {
  self_percent: number;
  function: string;
  /** The file, shortened to the repository's path or the package's name. */
  where: string;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC on Linux, shared by every process). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A span on the monotonic clock, in microseconds (`process.hrtime.bigint() / 1000n` in any process). */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

function shortUrl(url: string): string {
  if (url === '') return '';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const repo = /\/(bench|cli|ingest|stream|store|schema|center|rules|feed|wall|api)\//.exec(url);
  return repo ? url.slice(repo.index + 1) : url.replace(/^file:\/\//, '');
}

/**
 * With `windows`, only the samples taken inside them count (e.g. the load, without start-up and registration,
 * which otherwise fill the profile with module compilation and PostgreSQL).
 */
export function summarizeCpuProfile(json: string, top: number, windows?: readonly ProfileWindow[]): ProfileLine[] {
  const profile = JSON.parse(json) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (windows && !windows.some((w) => at >= w.fromUs && at <= w.toUs)) continue;
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const f = node.callFrame;
    const where = shortUrl(f.url);
    const key = `${f.functionName || '(anonymous)'}\u0000${where}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    total += delta;
  }
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => {
      const [fn, where] = key.split('\u0000');
      return { self_percent: Math.round((us / Math.max(1, total)) * 1000) / 10, function: fn, where };
    });
}
