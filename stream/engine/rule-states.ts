/**
 * The rule states of one subject (a vehicle's lane, a driver, a plate, a device), kept sparse: pairs
 * `[ruleIndex, state, ruleIndex, state, …]` in ascending rule index, for the rules holding state only. Of the thirty
 * rules a vehicle is evaluated by, three or four hold state for it at a time; a slot per rule cost 8 bytes each for
 * nothing, about 180 bytes per tracked vehicle (issue #13: state per vehicle is what bounds how many one node follows).
 *
 * An array is never grown in place (V8 would give it spare capacity): a state that comes or goes makes an
 * exact-sized copy, which is rare (a rule's state is created once and then changed, or dropped at an episode's
 * end); a state replaced by another is written in place.
 */
export type RuleStates = unknown[];

/** No rule holds state: shared by every subject until one does (never written, see `withState`). */
export const NO_STATES: RuleStates = Object.freeze([]) as unknown as RuleStates;

/** The state of rule `index`, undefined when it holds none. */
export function stateOf(states: RuleStates, index: number): unknown {
  for (let j = 0; j < states.length; j += 2) if (states[j] === index) return states[j + 1];
  return undefined;
}

/** The position in `states` of rule `index`'s pair, or of the first pair of a later rule (where it would go). */
export function pairAt(states: RuleStates, index: number, from = 0): number {
  let j = from;
  while (j < states.length && (states[j] as number) < index) j += 2;
  return j;
}

/**
 * `states` with rule `index`'s state set to `state`, or removed when `state` is undefined: the same array when a
 * state is only replaced, a new one when a pair comes or goes. `at` is `pairAt(states, index)` when known.
 */
export function withState(states: RuleStates, index: number, state: unknown, at = pairAt(states, index)): RuleStates {
  const held = at < states.length && states[at] === index;
  if (held && state !== undefined) {
    states[at + 1] = state;
    return states;
  }
  if (!held && state === undefined) return states;
  const length = held ? states.length - 2 : states.length + 2;
  if (length === 0) return NO_STATES;
  // `new Array(n)` reserves exactly n slots; a literal grown by push would reserve more.
  const out = new Array<unknown>(length);
  for (let j = 0; j < at; j++) out[j] = states[j];
  if (held) for (let j = at + 2; j < states.length; j++) out[j - 2] = states[j];
  else {
    out[at] = index;
    out[at + 1] = state;
    for (let j = at; j < states.length; j++) out[j + 2] = states[j];
  }
  return out;
}

/** Sparse states from `[index, state]` entries in ascending index (undefined states left out). */
export function packStates(entries: readonly (readonly [number, unknown])[]): RuleStates {
  let count = 0;
  for (const [, state] of entries) if (state !== undefined) count++;
  if (count === 0) return NO_STATES;
  const out = new Array<unknown>(count * 2);
  let j = 0;
  for (const [index, state] of entries) {
    if (state === undefined) continue;
    out[j++] = index;
    out[j++] = state;
  }
  return out;
}

/** Calls `f` with each rule index holding state and its state, in ascending index. */
export function forEachState(states: RuleStates, f: (index: number, state: unknown) => void): void {
  for (let j = 0; j < states.length; j += 2) f(states[j] as number, states[j + 1]);
}

/** `states` without the rules `drop` says to drop. */
export function withoutStates(states: RuleStates, drop: (index: number) => boolean): RuleStates {
  const kept: [number, unknown][] = [];
  let dropped = false;
  forEachState(states, (index, state) => {
    if (drop(index)) dropped = true;
    else kept.push([index, state]);
  });
  return dropped ? packStates(kept) : states;
}
