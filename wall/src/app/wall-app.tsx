/** The video wall: the map in the middle, numbers and charts on the left, the live alarm list on the right. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { FeedState } from '../feed/feed-state.js';
import type { Lang } from '../i18n/locale.js';
import { MESSAGES } from '../i18n/messages.js';
import { shanghaiHour } from '../i18n/shanghai-time.js';
import { divisionNames } from '../map/division-geometry.js';
import { HenanMap } from '../map/henan-map.js';
import { detectRenderBudget } from '../map/render-budget.js';
import { AlarmList } from '../panels/alarm-list.js';
import { ConnectionBadge } from '../panels/connection-badge.js';
import { CriticalCallout } from '../panels/critical-callout.js';
import { FullScreenMessage } from '../panels/full-screen-message.js';
import { HandlingRanking, rankingLevel } from '../panels/handling-ranking.js';
import { HeadlineTiles } from '../panels/headline-tiles.js';
import { HourlyTrend } from '../panels/hourly-trend.js';
import { formatCount } from '../panels/number-format.js';
import { PanelSection } from '../panels/panel-section.js';
import { RuleBarChart } from '../panels/rule-bar-chart.js';
import { StaleBanner } from '../panels/stale-banner.js';
import { VehicleLegend } from '../panels/vehicle-legend.js';
import { WallClock } from '../panels/wall-clock.js';
import { SummaryAside } from '../panels/summary-aside.js';
import { useCentreSummary } from '../summary/use-centre-summary.js';
import { installTestHooks } from './test-hooks.js';
import { useFeedConnection, useHenanGeo, usePanelSummary, useWallScale } from './wall-hooks.js';

/** Fonts a Chinese kiosk is likely to have, first the open ones Debian/Kylin/UOS ship; deck.gl labels use them too. */
export const WALL_FONT_FAMILY =
  '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif';
/** A lost WebGL context does not come back by itself on many drivers; reloading is the dependable cure. */
const CONTEXT_LOST_RELOAD_MS = 5_000;
const NO_PLACES: ReadonlyMap<string, string> = new Map();

export interface WallAppProps {
  lang: Lang;
  token: string;
}

export function WallApp({ lang, token }: WallAppProps) {
  const messages = MESSAGES[lang];
  const [state] = useState(() => new FeedState(Date.now()));
  const { geo, unauthorized: geoRefused } = useHenanGeo(token);
  const connection = useFeedConnection(state, token);
  const summary = usePanelSummary(state);
  const centre = useCentreSummary(token);
  const scale = useWallScale();
  const [budget] = useState(() => detectRenderBudget(window.location.search));
  const places = useMemo(() => (geo === null ? NO_PLACES : divisionNames(geo)), [geo]);
  const onContextLost = useCallback(() => {
    setTimeout(() => window.location.reload(), CONTEXT_LOST_RELOAD_MS);
  }, []);
  useEffect(() => installTestHooks(state, budget), [state, budget]);

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
  return (
    <div className="wall">
      {geo === null ? (
        <div className="wall-map wall-map-loading" data-testid="map">
          {messages.waitingForMap}
        </div>
      ) : (
        <HenanMap
          geo={geo}
          state={state}
          scale={scale}
          fontFamily={WALL_FONT_FAMILY}
          budget={budget}
          onContextLost={onContextLost}
        />
      )}
      <header className="wall-header">
        <WallClock now={summary.now} messages={messages} />
        <div className="wall-title">
          <span className="title-main">{messages.title}</span>
          <span className="title-sub">{messages.subtitle}</span>
        </div>
        <ConnectionBadge state={connection} stale={summary.stale} messages={messages} />
      </header>
      <StaleBanner lastMessageAt={summary.lastMessageAt} stale={summary.stale} messages={messages} />
      <CriticalCallout critical={summary.critical} lang={lang} messages={messages} places={places} />
      <aside className="panel panel-left">
        <HeadlineTiles
          messages={messages}
          vehiclesOnline={summary.vehiclesOnline}
          vehiclesKnown={summary.vehiclesKnown}
          alarmsToday={summary.alarmsToday}
          openAlarms={summary.openAlarms}
          criticalNow={summary.criticalNow}
          summary={centre.summary}
        />
        <PanelSection title={messages.chartByRule}>
          <RuleBarChart counts={summary.byRule} lang={lang} />
        </PanelSection>
        <PanelSection title={messages.chartByHour} className="panel-grow">
          <HourlyTrend
            byHour={summary.byHour}
            currentHour={shanghaiHour(summary.now)}
            unit={messages.chartByHourUnit}
          />
        </PanelSection>
      </aside>
      <aside className="panel panel-right">
        <PanelSection
          title={
            centre.summary === null
              ? messages.rankingTitle.province
              : messages.rankingTitle[rankingLevel(centre.summary.scope.org_code, centre.summary.units)]
          }
          aside={<SummaryAside view={centre} messages={messages} />}
          className="panel-ranking"
        >
          {centre.summary === null ? (
            <div className="alarm-empty">{messages.rankingEmpty}</div>
          ) : (
            <HandlingRanking units={centre.summary.units} messages={messages} />
          )}
        </PanelSection>
        <PanelSection
          title={messages.alarmList}
          aside={`${messages.tileOpenAlarms} ${formatCount(summary.openAlarms)}`}
          className="panel-grow panel-clip"
        >
          <AlarmList alarms={summary.newestAlarms} lang={lang} messages={messages} places={places} />
        </PanelSection>
      </aside>
      <VehicleLegend messages={messages} showHeat={budget.heat} />
    </div>
  );
}
