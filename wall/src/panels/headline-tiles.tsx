/**
 * The numbers the room looks at first: vehicles online, today's handling rate, today's alarms, open alarms (with the
 * critical ones), open and overdue work orders. Alarm counts come from the live feed (they move within a second);
 * handling, work orders and vehicles from the command-centre summary polled every 15 s. "Online" is the map's own
 * definition (`vehicles_in_area_online`: latest fix in the wall's area, at most 10 minutes old), so the tile counts
 * the bright marks on the map; the registration-based online rate (上线率) is the note's second figure. Before the
 * first summary the online tile shows the feed's own count of the same and the others a dash.
 */
import type { CentreSummary } from '../../../schema/summary.js';
import type { Messages } from '../i18n/messages.js';
import { formatCount } from './number-format.js';

/** Below this handling rate the tile turns amber: a share of today's alarms is waiting for a duty officer. */
const HANDLING_RATE_WARN_BELOW = 0.8;

export interface HeadlineTilesProps {
  messages: Messages;
  /** The feed's own vehicle counts (online and on the map), shown until the summary arrives. */
  vehiclesOnline: number;
  vehiclesOnMap: number;
  alarmsToday: number;
  openAlarms: number;
  criticalNow: number;
  summary: CentreSummary | null;
}

interface TileProps {
  testId: string;
  label: string;
  /** The figure, for tests and for people inspecting the page; null while unknown. */
  value: number | null;
  display: string;
  /** Lines under the figure, each kept whole. */
  note?: string | readonly string[];
  tone: 'calm' | 'warn' | 'alert';
}

function Tile({ testId, label, value, display, note, tone }: TileProps) {
  const lines = note === undefined ? [] : typeof note === 'string' ? [note] : note;
  return (
    <div className={`tile tile-${tone}`} data-testid={testId} data-value={value ?? ''}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{display}</div>
      {lines.map((line) => (
        <div className="tile-note" key={line}>
          {line}
        </div>
      ))}
    </div>
  );
}

/** A 0…1 ratio as a whole percentage; a dash when there is nothing to divide. */
export function formatRate(rate: number | null): string {
  return rate === null ? '–' : `${Math.round(rate * 100)}%`;
}

function countOrDash(value: number | undefined): string {
  return value === undefined ? '–' : formatCount(value);
}

export function HeadlineTiles({
  messages,
  vehiclesOnline,
  vehiclesOnMap,
  alarmsToday,
  openAlarms,
  criticalNow,
  summary,
}: HeadlineTilesProps) {
  const totals = summary?.totals;
  const online = totals?.vehicles_in_area_online ?? vehiclesOnline;
  const onMap = totals?.vehicles_in_area ?? vehiclesOnMap;
  const rate = totals?.handling_rate ?? null;
  const overdue = totals?.work_orders_overdue;
  return (
    <div className="tiles">
      <Tile
        testId="tile-online"
        label={messages.tileOnline}
        value={online}
        display={formatCount(online)}
        note={[
          messages.tileOnMap(formatCount(onMap)),
          messages.tileRegisteredOnline(
            totals === undefined ? '–' : formatCount(totals.vehicles_monitored),
            formatRate(totals?.online_rate ?? null),
          ),
        ]}
        tone="calm"
      />
      <Tile
        testId="tile-handling-rate"
        label={messages.tileHandlingRate}
        value={rate}
        display={formatRate(rate)}
        note={
          totals === undefined
            ? undefined
            : messages.tileHandlingOf(formatCount(totals.alarms_handled), formatCount(totals.alarms_received))
        }
        tone={rate !== null && rate < HANDLING_RATE_WARN_BELOW ? 'warn' : 'calm'}
      />
      <Tile
        testId="tile-alarms-today"
        label={messages.tileAlarmsToday}
        value={alarmsToday}
        display={formatCount(alarmsToday)}
        tone="calm"
      />
      <Tile
        testId="tile-open-alarms"
        label={messages.tileOpenAlarms}
        value={openAlarms}
        display={formatCount(openAlarms)}
        note={messages.tileCriticalOf(formatCount(criticalNow))}
        tone={criticalNow > 0 ? 'alert' : openAlarms > 0 ? 'warn' : 'calm'}
      />
      <Tile
        testId="tile-orders-open"
        label={messages.tileOrdersOpen}
        value={totals?.work_orders_open ?? null}
        display={countOrDash(totals?.work_orders_open)}
        tone="calm"
      />
      <Tile
        testId="tile-orders-overdue"
        label={messages.tileOrdersOverdue}
        value={overdue ?? null}
        display={countOrDash(overdue)}
        note={messages.tileOrdersOverdueNote}
        tone={overdue !== undefined && overdue > 0 ? 'alert' : 'calm'}
      />
    </div>
  );
}
