/**
 * How eagerly V8 optimizes PGlite's WebAssembly (PostgreSQL compiled to wasm), set once before the first store opens.
 *
 * V8 compiles a wasm function with its baseline compiler (Liftoff) when it is first called, and recompiles it with its
 * optimizing compiler (TurboFan, on background threads) once it has run through its tiering budget
 * (`--wasm-tiering-budget`, 1.8 M by default, roughly bytes of wasm code executed). That default is sized for pages
 * in a browser. PostgreSQL's start-up — loading the catalog, planning and running the first query of each kind, the
 * node's seeding — spends it in hundreds of functions that seldom run again, and optimizing them was 1–1.6 CPU-s of
 * every node start (`perf`: two thirds of the samples of V8's worker threads), more than PGlite's own work.
 *
 * A budget a hundred times larger leaves that one-off code to Liftoff. What stays busy (the executor, the index and
 * heap paths of a store under load) crosses it within moments and is optimized as before: a PGlite running 40,000
 * statements spent the same CPU within the noise (bench/README.md, "Node start"). Only how fast the compiled code
 * is changes, never what it computes. V8 reads the budget when a wasm instance is made, so it must be set before
 * PGlite's; a flag the operator gave node (`node --wasm-tiering-budget=N`) is left as it is.
 */
import v8 from 'node:v8';

/** V8's default budget times one hundred (bench/README.md, "Node start": 10 times saved about a third as much). */
export const PGLITE_WASM_TIERING_BUDGET = 180_000_000;

const FLAG = '--wasm-tiering-budget';

let set = false;

/** Sets the budget for the whole process, once; later calls do nothing. */
export function tuneWasmTiering(execArgv: readonly string[] = process.execArgv): void {
  if (set) return;
  set = true;
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`))) return;
  v8.setFlagsFromString(`${FLAG}=${PGLITE_WASM_TIERING_BUDGET}`);
}
