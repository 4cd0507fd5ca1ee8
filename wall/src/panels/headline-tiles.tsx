/** The four numbers the room looks at first. */
import type { Messages } from '../i18n/messages.js';
import { formatCount } from './number-format.js';

export interface HeadlineTilesProps {
  messages: Messages;
  vehiclesOnline: number;
  vehiclesKnown: number;
  alarmsToday: number;
  openAlarms: number;
  criticalNow: number;
}

interface TileProps {
  testId: string;
  label: string;
  value: number;
  note?: string;
  tone: 'calm' | 'warn' | 'alert';
}

function Tile({ testId, label, value, note, tone }: TileProps) {
  return (
    <div className={`tile tile-${tone}`} data-testid={testId} data-value={value}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{formatCount(value)}</div>
      {note === undefined ? null : <div className="tile-note">{note}</div>}
    </div>
  );
}

/** Online rate as a whole percentage; a dash before any vehicle is known. */
export function onlineRate(online: number, known: number): string {
  return known === 0 ? '–' : `${Math.round((online / known) * 100)}%`;
}

export function HeadlineTiles({ messages, vehiclesOnline, vehiclesKnown, alarmsToday, openAlarms, criticalNow }: HeadlineTilesProps) {
  return (
    <div className="tiles">
      <Tile testId="tile-online" label={messages.tileOnline} value={vehiclesOnline} note={messages.tileOnlineOf(formatCount(vehiclesKnown), onlineRate(vehiclesOnline, vehiclesKnown))} tone="calm" />
      <Tile testId="tile-alarms-today" label={messages.tileAlarmsToday} value={alarmsToday} tone="calm" />
      <Tile testId="tile-open-alarms" label={messages.tileOpenAlarms} value={openAlarms} tone={openAlarms > 0 ? 'warn' : 'calm'} />
      <Tile testId="tile-critical" label={messages.tileCriticalNow} value={criticalNow} tone={criticalNow > 0 ? 'alert' : 'calm'} />
    </div>
  );
}
