/**
 * The video wall of the kiosk token's own unit: its map in the middle, numbers and charts on the left, its ranking
 * and the live alarm list on the right. Sizes follow the wall's layout (`?layout=`, app/wall-layout.ts); on a splice
 * wall the panels' sections break at the seams between screens and the title keeps off a seam.
 */
import { useCallback, useEffect, useMemo, useState, type CSSProperties, type ReactNode } from 'react';
import { FeedState } from '../feed/feed-state.js';
import type { Lang } from '../i18n/locale.js';
import { MESSAGES } from '../i18n/messages.js';
import { divisionNames } from '../map/division-geometry.js';
import { ProvinceMap } from '../map/province-map.js';
import { detectRenderBudget } from '../map/render-budget.js';
import { hiddenOverlaysFromSearch } from '../map/overlay-choice.js';
import { flowTurnMsFromSearch } from './flow-turn.js';
import { AlarmList } from '../panels/alarm-list.js';
import { ConnectionBadge } from '../panels/connection-badge.js';
import { CriticalCallout } from '../panels/critical-callout.js';
import { FullScreenMessage } from '../panels/full-screen-message.js';
import { HandlingRanking, rankingLevel, rankingRows } from '../panels/handling-ranking.js';
import { HeadlineTiles } from '../panels/headline-tiles.js';
import { HubFlowList } from '../panels/hub-flow-list.js';
import { RoadFlowList } from '../panels/road-flow-list.js';
import { TollStationList } from '../panels/toll-station-list.js';
import { formatCount } from '../panels/number-format.js';
import { TrendPanel } from '../panels/trend-panel.js';
import { PanelSection } from '../panels/panel-section.js';
import { RuleBarChart } from '../panels/rule-bar-chart.js';
import { StaleBanner } from '../panels/stale-banner.js';
import { VehicleLegend } from '../panels/vehicle-legend.js';
import { WallClock } from '../panels/wall-clock.js';
import { SummaryAside } from '../panels/summary-aside.js';
import { shanghaiClock } from '../i18n/shanghai-time.js';
import type { FlowMarks } from '../map/wall-layers.js';
import { BusRouteList } from '../panels/bus-route-list.js';
import { useCentreSummary } from '../summary/use-centre-summary.js';
import { scopeOf } from '../map/wall-scope.js';
import { installTestHooks } from './test-hooks.js';
import {
  useCentreFlows,
  useCentreTrends,
  useFeedConnection,
  useProvinceGeo,
  usePanelSummary,
  useWallOrgCode,
  useWallScale,
} from './wall-hooks.js';
import { layoutCssVariables, layoutFromSearch, wallSizes, type WallLayout, type WallSizes } from './wall-layout.js';

/** Fonts a Chinese kiosk is likely to have, first the open ones Debian/Kylin/UOS ship; deck.gl labels use them too. */
export const WALL_FONT_FAMILY =
  '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif';
/** A lost WebGL context does not come back by itself on many drivers; reloading is the dependable cure. */
const CONTEXT_LOST_RELOAD_MS = 5_000;
const NO_PLACES: ReadonlyMap<string, string> = new Map();

/** Rules in the by-rule chart: the most frequent, as many as fit at a readable size. */
const RULE_ROWS_MAX = 6;
/**
 * Survey stations and rail hubs shown, the busiest first: few enough that on a 2×2 wall the live list under them
 * keeps room for three alarms, and that on a 3×3 wall both fit the top screen's slot.
 */
const ROAD_ROWS_MAX = 3;
const HUB_ROWS_MAX = 2;
/** Bus routes shown: the few most bunched or late, where a supervisor would look first. */
const BUS_ROWS_MAX = 3;
/** Two rows, as many as the bus panel's turn leaves room for beside the live list. */
const TOLL_ROWS_MAX = 2;
/*
 * On a wall of one or two screen rows the flow panels share one place over the live alarm list, taking turns
 * (`&turn-s=`, flow-turn.ts) — the road and rail panels together, the buses, the tolls: stacked, they left the list,
 * the panel a duty officer watches most, a single alarm of room. On three screen rows the road and rail panels have a
 * slot of their own and only the buses and tolls take turns.
 */
/** Height of a ranking row and of the ranking's title, design pixels, with the primary text size. */
const RANKING_ROW_EXTRA_PX = 12;
const RANKING_CHROME_PX = 150;
/** The header's height and the margin kept on both sides of a horizontal seam, design pixels. */
const HEADER_PX = 150;
const PANEL_TOP_PX = 166;
const PANEL_BOTTOM_PX = 36;
const SEAM_MARGIN_PX = 22;
const DESIGN_HEIGHT = 2_160;

export interface WallAppProps {
  lang: Lang;
  token: string;
}

/** Heights of the panels' slots, one per screen row, design pixels. */
function slotHeights(layout: WallLayout): number[] {
  const seams = Array.from({ length: layout.rows - 1 }, (_, i) => ((i + 1) * DESIGN_HEIGHT) / layout.rows);
  const edges = [
    PANEL_TOP_PX,
    ...seams.flatMap((y) => [y - SEAM_MARGIN_PX, y + SEAM_MARGIN_PX]),
    DESIGN_HEIGHT - PANEL_BOTTOM_PX,
  ];
  const heights: number[] = [];
  for (let i = 0; i < edges.length; i += 2) heights.push(edges[i + 1] - edges[i]);
  return heights;
}

/**
 * A side panel as one slot per screen row: on a splice wall no section straddles a horizontal seam. Sections are
 * given in reading order and dealt to the slots as `split` says (how many go into each slot but the last).
 */
function Panel({
  side,
  layout,
  split,
  children,
}: {
  side: 'left' | 'right';
  layout: WallLayout;
  split: number[];
  children: ReactNode[];
}) {
  const heights = slotHeights(layout);
  const slots: ReactNode[][] = heights.map(() => []);
  // The first index of each slot but the first: the running sums of `split`.
  const starts = split.map((_, i) => split.slice(0, i + 1).reduce((a, b) => a + b, 0));
  children.forEach((child, index) => {
    const slot = starts.filter((start) => index >= start).length;
    slots[Math.min(slot, slots.length - 1)].push(child);
  });
  return (
    <aside
      className={`panel panel-${side}`}
      style={{ gridTemplateRows: heights.map((h) => `calc(var(--u) * ${h})`).join(' ') } as CSSProperties}
    >
      {slots.map((slot, index) => (
        <div className="panel-slot" key={index}>
          {slot}
        </div>
      ))}
    </aside>
  );
}

export function WallApp({ lang, token }: WallAppProps) {
  const messages = MESSAGES[lang];
  // A layout the wall does not know is a configuration error: the crash screen says so rather than guess.
  const [layout] = useState(() => layoutFromSearch(window.location.search));
  const [hidden] = useState(() => hiddenOverlaysFromSearch(window.location.search));
  const [state] = useState(() => new FeedState(Date.now()));
  const { geo, unauthorized: geoRefused } = useProvinceGeo(token);
  const orgCode = useWallOrgCode(token);
  const connection = useFeedConnection(state, token);
  const summary = usePanelSummary(state);
  const centre = useCentreSummary(token);
  const trends = useCentreTrends(token);
  const flows = useCentreFlows(token);
  const [marks] = useState<FlowMarks>(() => ({ version: 0, vessels: [], buses: [], taxis: [] }));
  const [flowTurnMs] = useState(() => flowTurnMsFromSearch(window.location.search));
  const [flowTurn, setFlowTurn] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFlowTurn((turn) => turn + 1), flowTurnMs);
    return () => clearInterval(timer);
  }, [flowTurnMs]);
  useEffect(() => {
    if (flows === null) return;
    // A layer the wall's address hides is not drawn at all (map/overlay-choice.ts).
    marks.vessels = hidden.has('vessels') ? [] : flows.vessels;
    marks.buses = hidden.has('buses') ? [] : flows.buses;
    marks.taxis = hidden.has('taxis') ? [] : flows.taxis;
    marks.version += 1;
  }, [flows, marks, hidden]);
  const scale = useWallScale();
  const sizes: WallSizes = useMemo(() => wallSizes(layout), [layout]);
  const [budget] = useState(() => detectRenderBudget(window.location.search));
  const places = useMemo(() => (geo === null ? NO_PLACES : divisionNames(geo)), [geo]);
  const scope = useMemo(() => (geo === null || orgCode === null ? null : scopeOf(geo, orgCode)), [geo, orgCode]);
  const onContextLost = useCallback(() => {
    setTimeout(() => window.location.reload(), CONTEXT_LOST_RELOAD_MS);
  }, []);
  useEffect(() => installTestHooks(state, budget), [state, budget]);
  useEffect(() => {
    if (scope !== null) document.title = `Vigil · ${messages.centreTitle(scope.name)}`;
  }, [scope, messages]);

  if (geoRefused || connection === 'unauthorized') {
    return (
      <FullScreenMessage
        testId="unauthorized"
        title={messages.unauthorizedTitle}
        body={messages.unauthorizedBody}
        tone="error"
      />
    );
  }
  const heights = slotHeights(layout);
  // The ranking's slot: the first on one screen row or two, the middle one on three.
  const rankingSlot = layout.rows >= 3 ? heights[1] : heights[0];
  const rowsPerColumn = Math.max(
    1,
    Math.floor((rankingSlot - RANKING_CHROME_PX) / (sizes.primaryPx + RANKING_ROW_EXTRA_PX)),
  );
  const title = scope === null ? '' : messages.centreTitle(scope.name);
  const cssVariables = layoutCssVariables(sizes) as CSSProperties;
  /** The latest interval of a panel's busiest row, as its aside ("05:05 起 5 分钟"). */
  const intervalAsideOf = (latest: { interval_start: number; interval_minutes: number } | undefined) =>
    latest === undefined
      ? undefined
      : messages.intervalAside(shanghaiClock(latest.interval_start).slice(0, 5), latest.interval_minutes);
  const flowSections = [
    <PanelSection
      key="roads"
      title={messages.roadFlowTitle}
      aside={intervalAsideOf(flows?.roads[0])}
      className="panel-flows"
    >
      <RoadFlowList roads={flows?.roads ?? []} rowsMax={ROAD_ROWS_MAX} messages={messages} />
    </PanelSection>,
    <PanelSection
      key="hubs"
      title={messages.hubFlowTitle}
      aside={intervalAsideOf(flows?.hubs[0])}
      className="panel-flows"
    >
      <HubFlowList hubs={flows?.hubs ?? []} rowsMax={HUB_ROWS_MAX} messages={messages} />
    </PanelSection>,
  ];
  const rankingSection = (
    <PanelSection
      key="ranking"
      title={messages.rankingTitle[centre.summary === null ? 'province' : rankingLevel(centre.summary)]}
      aside={<SummaryAside view={centre} messages={messages} />}
      className="panel-ranking"
    >
      {centre.summary === null ? (
        <div className="alarm-empty">{messages.rankingEmpty}</div>
      ) : (
        <HandlingRanking
          rows={rankingRows(centre.summary, messages)}
          departments={rankingLevel(centre.summary) === 'county'}
          rowsPerColumn={rowsPerColumn}
          messages={messages}
        />
      )}
    </PanelSection>
  );
  const alarmSection = (
    <PanelSection
      key="alarms"
      title={messages.alarmList}
      aside={`${messages.tileOpenAlarms} ${formatCount(summary.openAlarms)}`}
      className="panel-grow panel-clip"
    >
      <AlarmList alarms={summary.newestAlarms} lang={lang} messages={messages} places={places} />
    </PanelSection>
  );
  // Only a scope whose operator sends GTFS-Realtime has buses; the others keep their layout. The panel's aside is
  // the bus layer's legend: the dot as on the map, and how many buses it shows.
  const busSections =
    flows === null || (flows.buses.length === 0 && flows.bus_routes.length === 0)
      ? []
      : [
          <PanelSection
            key="buses"
            title={messages.busRoutesTitle}
            aside={
              hidden.has('buses') ? undefined : (
                <span className="legend-item" data-testid="legend-buses" data-count={flows.buses.length}>
                  <span className="legend-dot legend-bus" />
                  {messages.legendBuses(formatCount(flows.buses.length))}
                </span>
              )
            }
            className="panel-flows"
          >
            <BusRouteList routes={flows.bus_routes} rowsMax={BUS_ROWS_MAX} messages={messages} />
          </PanelSection>,
        ];
  // Likewise only a scope with toll stations reporting has the toll panel.
  const tollSections =
    flows === null || flows.tolls.length === 0
      ? []
      : [
          <PanelSection
            key="tolls"
            title={messages.tollStationsTitle}
            aside={messages.tollWindowAside(flows.toll_window_minutes)}
            className="panel-flows"
          >
            <TollStationList stations={flows.tolls} rowsMax={TOLL_ROWS_MAX} messages={messages} />
          </PanelSection>,
        ];
  // On three screen rows the road and rail panels take the top slot, the ranking the middle, the buses or tolls (in
  // turns when a scope has both) and the live list the bottom; on one or two the ranking comes first and every flow
  // panel takes its turn in one place over the live list.
  // The road and rail panels take a turn only with a row to show; with nothing else to show they stay, saying so.
  const countedFlows = flows !== null && (flows.roads.length > 0 || flows.hubs.length > 0) ? [flowSections] : [];
  const turns =
    layout.rows >= 3
      ? [busSections, tollSections].filter((sections) => sections.length > 0)
      : [...countedFlows, busSections, tollSections].filter((sections) => sections.length > 0);
  const turnSections = turns.length > 0 ? turns[flowTurn % turns.length] : layout.rows >= 3 ? [] : flowSections;
  const rightSections =
    layout.rows >= 3
      ? [...flowSections, rankingSection, ...turnSections, alarmSection]
      : [rankingSection, ...turnSections, alarmSection];
  return (
    <div
      className={`wall wall-layout-${layout.id}${layout.columns % 2 === 0 ? ' wall-seam-centre' : ''}${budget.animate ? '' : ' wall-still'}`}
      style={cssVariables}
      data-layout={layout.id}
      data-text-primary-px={sizes.primaryPx}
      data-text-secondary-px={sizes.secondaryPx}
    >
      {geo === null || scope === null ? (
        <div className="wall-map wall-map-loading" data-testid="map">
          {messages.waitingForMap}
        </div>
      ) : (
        <ProvinceMap
          geo={geo}
          state={state}
          scale={scale}
          fontFamily={WALL_FONT_FAMILY}
          budget={budget}
          scope={scope}
          sizes={sizes}
          onContextLost={onContextLost}
          marks={marks}
        />
      )}
      <header className="wall-header" style={{ height: `calc(var(--u) * ${HEADER_PX})` }}>
        <WallClock now={summary.now} messages={messages} />
        <div className="wall-title" data-testid="wall-title" data-org-code={scope?.orgCode ?? ''}>
          <span className="title-main">{title}</span>
          <span className="title-sub">{messages.subtitle}</span>
        </div>
        <ConnectionBadge state={connection} stale={summary.stale} messages={messages} />
      </header>
      <StaleBanner lastMessageAt={summary.lastMessageAt} stale={summary.stale} messages={messages} />
      <CriticalCallout critical={summary.critical} lang={lang} messages={messages} places={places} />
      <Panel side="left" layout={layout} split={layout.rows >= 3 ? [1, 1] : layout.rows === 2 ? [1] : []}>
        <HeadlineTiles
          key="tiles"
          messages={messages}
          vehiclesOnline={summary.vehiclesOnline}
          vehiclesOnMap={summary.vehiclesOnMap}
          alarmsToday={summary.alarmsToday}
          openAlarms={summary.openAlarms}
          criticalNow={summary.criticalNow}
          summary={centre.summary}
        />
        <PanelSection key="trend" title={messages.trendTitle}>
          <TrendPanel trends={trends} messages={messages} />
        </PanelSection>
        <PanelSection key="rules" title={messages.chartByRule} className="panel-grow">
          <RuleBarChart counts={summary.byRule} lang={lang} rowsMax={RULE_ROWS_MAX} />
        </PanelSection>
      </Panel>
      <Panel side="right" layout={layout} split={layout.rows >= 3 ? [2, 1] : layout.rows === 2 ? [1] : []}>
        {rightSections}
      </Panel>
      {/* One column under the map: the legend wraps within the map's width and the count stays above it. */}
      <div className="map-foot">
        <div
          className="legend-count"
          data-testid="map-count"
          data-on-map={summary.vehiclesOnMap}
          data-online={summary.vehiclesOnline}
        >
          {messages.legendOnMap(formatCount(summary.vehiclesOnMap), formatCount(summary.vehiclesOnline))}
        </div>
        <VehicleLegend
          messages={messages}
          showHeat={budget.heat}
          vessels={flows === null || hidden.has('vessels') ? null : flows.vessels.length}
          taxis={flows === null || hidden.has('taxis') ? 0 : flows.taxis.length}
        />
      </div>
    </div>
  );
}
