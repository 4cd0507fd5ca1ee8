/**
 * Where chromium spends a frame's time: records a trace of every chromium process over CDP for a while and sums
 * the self time (an event's duration minus that of the events nested in it) per process, thread and event name.
 * Used by `bench/wall-feed.ts --trace-s N` to split a wall update into the page's script, maplibre's and deck.gl's
 * WebGL work (the GPU process, SwiftShader when there is no GPU), canvas read-back and compositing.
 */
import type { CDPSession } from 'playwright-core';

const TRACE_CATEGORIES = [
  'toplevel',
  'blink',
  'cc',
  'gpu',
  'viz',
  'v8.execute',
  'gpu.service',
  'disabled-by-default-gpu.service',
  'disabled-by-default-gpu.decoder',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
].join(',');
/** Lines printed per thread and threads printed. */
const EVENTS_SHOWN_PER_THREAD = 8;
const THREADS_SHOWN = 8;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/** Self time in µs per "process/thread" and event name, from complete ('X') and begin/end ('B'/'E') events. */
function selfTimes(events: readonly TraceEvent[]): Map<string, Map<string, number>> {
  const processNames = new Map<number, string>();
  const threadNames = new Map<string, string>();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'process_name') processNames.set(e.pid, e.args?.name ?? String(e.pid));
    if (e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? String(e.tid));
  }
  const spansByThread = new Map<string, { name: string; start: number; end: number }[]>();
  const open = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    let spans = spansByThread.get(key);
    if (spans === undefined) spansByThread.set(key, (spans = []));
    if (e.ph === 'X' && e.dur !== undefined) spans.push({ name: e.name, start: e.ts, end: e.ts + e.dur });
    else if (e.ph === 'B') open.set(key, [...(open.get(key) ?? []), e]);
    else if (e.ph === 'E') {
      const begun = open.get(key)?.pop();
      if (begun !== undefined) spans.push({ name: begun.name, start: begun.ts, end: e.ts });
    }
  }
  const out = new Map<string, Map<string, number>>();
  for (const [key, spans] of spansByThread) {
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    const self = new Map<string, number>();
    const stack: { name: string; end: number; childUs: number; durUs: number }[] = [];
    const close = (until: number) => {
      while (stack.length > 0 && stack[stack.length - 1].end <= until) {
        const done = stack.pop()!;
        self.set(done.name, (self.get(done.name) ?? 0) + Math.max(0, done.durUs - done.childUs));
        if (stack.length > 0) stack[stack.length - 1].childUs += done.durUs;
      }
    };
    for (const span of spans) {
      close(span.start);
      stack.push({ name: span.name, end: span.end, childUs: 0, durUs: span.end - span.start });
    }
    close(Number.POSITIVE_INFINITY);
    const pid = Number(key.split(':')[0]);
    out.set(`${processNames.get(pid) ?? pid}/${threadNames.get(key) ?? key}`, self);
  }
  return out;
}

/** Traces for `seconds` and returns a printable summary in ms of self time per second. */
export async function traceSummary(cdp: CDPSession, seconds: number): Promise<string> {
  const events: TraceEvent[] = [];
  // CDP declares trace events as string maps; they are JSON objects with numbers, read as TraceEvent.
  cdp.on('Tracing.dataCollected', (payload) => {
    events.push(...(payload.value as unknown as TraceEvent[]));
  });
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: TRACE_CATEGORIES, transferMode: 'ReportEvents' });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await cdp.send('Tracing.end');
  await complete;
  const threads = [...selfTimes(events)]
    .map(([thread, self]) => ({ thread, self, totalUs: [...self.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.totalUs - a.totalUs)
    .slice(0, THREADS_SHOWN);
  const lines = [`  chromium trace, ${seconds} s, ${events.length} events; self time in ms per second:`];
  for (const { thread, self, totalUs } of threads) {
    lines.push(`    ${thread}: ${(totalUs / 1000 / seconds).toFixed(1)} ms/s`);
    for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, EVENTS_SHOWN_PER_THREAD)) {
      lines.push(`      ${(us / 1000 / seconds).toFixed(1).padStart(7)}  ${name}`);
    }
  }
  return lines.join('\n');
}
