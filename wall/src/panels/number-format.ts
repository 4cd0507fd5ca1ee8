/** Thousands separators help a count be read from across the room; both languages use the comma on this wall. */
import { format } from 'd3';

export const formatCount: (value: number) => string = format(',d');
