/**
 * Preloaded into processes under test (with --expose-gc): SIGUSR2 runs a full garbage collection, so a
 * memory figure compares live data, not how much garbage happened to be waiting for the collector.
 */
const collect = (globalThis as { gc?: () => void }).gc;
if (collect) process.on('SIGUSR2', () => collect());
