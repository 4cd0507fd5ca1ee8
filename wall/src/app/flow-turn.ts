/**
 * How long each flow panel keeps its place over the live alarm list before the next takes it (`&turn-s=`, seconds;
 * default 15). A wall read from across a room needs long enough to read a panel; a wall nobody stands before for
 * long may want the turns shorter. A value out of bounds is a configuration error the wall shows.
 */
export const FLOW_TURN_S = { default: 15, min: 5, max: 300 } as const;

export function flowTurnMsFromSearch(search: string): number {
  const value = new URLSearchParams(search).get('turn-s');
  if (value === null || value.trim() === '') return FLOW_TURN_S.default * 1000;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < FLOW_TURN_S.min || seconds > FLOW_TURN_S.max)
    throw new Error(`turn-s=${value}: a whole number of seconds from ${FLOW_TURN_S.min} to ${FLOW_TURN_S.max}`);
  return seconds * 1000;
}
