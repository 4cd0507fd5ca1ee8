/**
 * Every string the wall shows (and the console page title), in both languages. Kept in one table so a missing
 * translation is a type error rather than a blank tile on a wall nobody is standing next to.
 */
import type { Lang } from './locale.js';

export interface Messages {
  /** The province's title, before the wall knows its own unit (and the page title). */
  title: string;
  /** The title of a unit's wall, from its name. */
  centreTitle: (unitName: string) => string;
  subtitle: string;
  weekdays: readonly string[];
  tileOnline: string;
  tileOnMap: (onMap: string) => string;
  tileRegisteredOnline: (registered: string, ratePercent: string) => string;
  tileAlarmsToday: string;
  tileOpenAlarms: string;
  tileCriticalNow: string;
  tileCriticalOf: (critical: string) => string;
  tileHandlingRate: string;
  tileHandlingOf: (handled: string, received: string) => string;
  tileOrdersOpen: string;
  tileOrdersOverdue: string;
  tileOrdersOverdueNote: string;
  rankingTitle: Readonly<Record<'province' | 'city' | 'county', string>>;
  /** Marks a 省直管县 in a ranking; `view` when the wall only views it (the province commands it). */
  rankingDirect: string;
  rankingView: string;
  trendTitle: string;
  trendDaysNote: string;
  /** Names the green bars inside the days' bars: the alarms handled so far. */
  trendHandledNote: string;
  trendWeek: (received: string, perDay: string, before: string) => string;
  trendMonth: (received: string, rate: string) => string;
  trendLastMonth: (received: string, rate: string) => string;
  trendChange: (percent: string) => string;
  legendOnMap: (onMap: string, online: string) => string;
  rankingRate: string;
  rankingNoAlarms: (units: string) => string;
  rankingNoAlarmsDepartments: (departments: string) => string;
  rankingMore: (units: string) => string;
  rankingEmpty: string;
  summaryAsOf: (clock: string) => string;
  summaryStale: (clock: string) => string;
  chartByRule: string;
  chartByHour: string;
  chartByHourUnit: string;
  alarmList: string;
  alarmListEmpty: string;
  alarmClosed: string;
  alarmLate: string;
  legend: string;
  legendAlarming: string;
  legendHeat: string;
  /** Vessels on the map (AIS), with how many are shown. */
  legendVessels: (count: string) => string;
  /** City buses on the map (GTFS-Realtime), with how many are shown; the entry shows only when there are some. */
  legendBuses: (count: string) => string;
  /** Taxis and ride-hailing cars on the map (`taxi_position`), with how many; shown only when there are some. */
  legendTaxis: (count: string) => string;
  /** Bus routes with their buses, average delay and bunched pairs (panels/bus-route-list.tsx). */
  busRoutesTitle: string;
  busCount: (count: string) => string;
  /** A route's average delay in minutes (negative: early); `onTime` under half a minute either way. */
  busDelay: (minutes: string, early: boolean) => string;
  busOnTime: string;
  busNoDelay: string;
  busBunched: (pairs: string) => string;
  roadFlowTitle: string;
  /** The latest counted interval's start and length, beside the road and rail panels' titles. */
  intervalAside: (start: string, minutes: number) => string;
  roadFlowEmpty: string;
  vehiclesPerHour: string;
  heavyShare: (percent: string) => string;
  hubFlowTitle: string;
  hubFlowEmpty: string;
  hubArrivals: string;
  hubDepartures: string;
  tollStationsTitle: string;
  tollWindowAside: (minutes: number) => string;
  tollEntries: string;
  tollExits: string;
  tollOverweight: (count: string) => string;
  vehicleClasses: Readonly<Record<string, string>>;
  severities: Readonly<Record<string, string>>;
  connection: Readonly<Record<'connecting' | 'live' | 'reconnecting' | 'unauthorized', string>>;
  staleSince: (clock: string) => string;
  waitingForData: string;
  waitingForMap: string;
  criticalCallout: string;
  unauthorizedTitle: string;
  unauthorizedBody: string;
  consoleTitle: string;
  crashedTitle: string;
  crashedBody: string;
}

const ZH: Messages = {
  title: '道路运输监管指挥中心',
  centreTitle: (unitName) => `${unitName}道路运输监管指挥中心`,
  subtitle: '实时监控大屏',
  weekdays: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  tileOnline: '在线车辆',
  tileOnMap: (onMap) => `图上 ${onMap} 辆`,
  tileRegisteredOnline: (registered, rate) => `注册 ${registered} · 上线率 ${rate}`,
  tileAlarmsToday: '今日报警',
  tileOpenAlarms: '未结束报警',
  tileCriticalNow: '严重报警',
  tileCriticalOf: (critical) => `其中严重 ${critical}`,
  tileHandlingRate: '今日处置率',
  tileHandlingOf: (handled, received) => `已处置 ${handled} / 接警 ${received}`,
  tileOrdersOpen: '在办工单',
  tileOrdersOverdue: '超期工单',
  tileOrdersOverdueNote: '超过办结时限未办结',
  rankingTitle: { province: '各市及省直管县处置率排名', city: '各县（区）处置率排名', county: '各科室处置率' },
  rankingDirect: '省直管',
  rankingView: '省直管·只读',
  trendTitle: '近30日报警趋势',
  trendDaysNote: '起/日',
  trendHandledNote: '绿：已处置',
  trendWeek: (received, perDay, before) => `近7日 ${received} 起 · 日均 ${perDay}（前7日 ${before}）`,
  trendMonth: (received, rate) => `本月 ${received} 起 · 处置率 ${rate}`,
  trendLastMonth: (received, rate) => `上月同期 ${received} 起 · ${rate}`,
  trendChange: (percent) => `较上月同期 ${percent}`,
  legendOnMap: (onMap, online) => `图上 ${onMap} 辆 · 在线 ${online}`,
  rankingRate: '处置率',
  rankingNoAlarms: (units) => `${units} 个单位今日无报警`,
  rankingNoAlarmsDepartments: (departments) => `${departments} 个科室今日无报警`,
  rankingMore: (units) => `另有 ${units} 个单位未列出`,
  rankingEmpty: '正在获取统计数据…',
  summaryAsOf: (clock) => `更新于 ${clock}`,
  summaryStale: (clock) => `统计停止更新 · ${clock}`,
  chartByRule: '今日报警分类',
  chartByHour: '今日报警趋势',
  chartByHourUnit: '起/小时',
  alarmList: '实时报警',
  alarmListEmpty: '暂无报警',
  alarmClosed: '已结束',
  alarmLate: '补传',
  legend: '图例',
  legendAlarming: '报警中',
  legendHeat: '今日报警热力',
  legendVessels: (count) => `船舶 ${count}`,
  legendBuses: (count) => `公交 ${count}`,
  legendTaxis: (count) => `出租/网约车 ${count}`,
  busRoutesTitle: '公交线路',
  busCount: (count) => `${count} 辆`,
  busDelay: (minutes, early) => (early ? `早 ${minutes} 分` : `晚点 ${minutes} 分`),
  busOnTime: '准点',
  busNoDelay: '无预测',
  busBunched: (pairs) => `串车 ${pairs}`,
  roadFlowTitle: '路段流量',
  intervalAside: (start, minutes) => `${start} 起 ${minutes} 分钟`,
  roadFlowEmpty: '暂无交调站数据',
  vehiclesPerHour: '辆/时',
  heavyShare: (percent) => `重车 ${percent}`,
  hubFlowTitle: '枢纽客流',
  hubFlowEmpty: '暂无铁路客流数据',
  hubArrivals: '到达',
  hubDepartures: '发送',
  tollStationsTitle: '收费站通行',
  tollWindowAside: (minutes) => `近 ${minutes} 分钟`,
  tollEntries: '入口',
  tollExits: '出口',
  tollOverweight: (count) => `超限 ${count}`,
  vehicleClasses: {
    coach: '客运班车',
    dangerous_goods: '危险货物',
    heavy_truck: '重型货车',
    tractor: '牵引车',
    bus: '公交车',
    taxi: '出租车',
    other: '其他',
  },
  severities: { info: '提示', warning: '警告', critical: '严重' },
  connection: { connecting: '正在连接', live: '实时', reconnecting: '重新连接中', unauthorized: '未授权' },
  staleSince: (clock) => `数据已停止更新 · 最后数据 ${clock}`,
  waitingForData: '正在等待实时数据…',
  waitingForMap: '正在加载地图…',
  criticalCallout: '严重报警',
  unauthorizedTitle: '大屏访问令牌无效',
  unauthorizedBody: '令牌缺失、错误或已过期。请使用服务器打印的大屏地址（/wall?token=…）重新打开本页面。',
  consoleTitle: '值班工作台',
  crashedTitle: '大屏发生错误',
  crashedBody: '页面将在 30 秒后自动重新加载。',
};

const EN: Messages = {
  title: 'Road Transport Supervision Centre',
  centreTitle: (unitName) => `${unitName} Road Transport Supervision Centre`,
  subtitle: 'Live video wall',
  weekdays: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  tileOnline: 'Vehicles online',
  tileOnMap: (onMap) => `${onMap} on the map`,
  tileRegisteredOnline: (registered, rate) => `${rate} of ${registered} registered online`,
  tileAlarmsToday: 'Alarms today',
  tileOpenAlarms: 'Open alarms',
  tileCriticalNow: 'Critical now',
  tileCriticalOf: (critical) => `${critical} critical`,
  tileHandlingRate: 'Handled today',
  tileHandlingOf: (handled, received) => `${handled} of ${received} alarms handled`,
  tileOrdersOpen: 'Open work orders',
  tileOrdersOverdue: 'Overdue work orders',
  tileOrdersOverdueNote: 'past their deadline, not closed',
  rankingTitle: {
    province: 'Cities and directly administered counties by handling rate',
    city: 'Counties by handling rate',
    county: 'Departments by handling rate',
  },
  rankingDirect: 'direct',
  rankingView: 'direct · view',
  trendTitle: 'Alarms, last 30 days',
  trendDaysNote: 'per day',
  trendHandledNote: 'green: handled',
  trendWeek: (received, perDay, before) => `Last 7 days ${received} · ${perDay}/day (7 days before: ${before})`,
  trendMonth: (received, rate) => `This month ${received} · ${rate} handled`,
  trendLastMonth: (received, rate) => `Same days last month ${received} · ${rate}`,
  trendChange: (percent) => `${percent} on last month`,
  legendOnMap: (onMap, online) => `${onMap} vehicles on the map · ${online} online`,
  rankingRate: 'handled',
  rankingNoAlarms: (units) => `${units} units without alarms today`,
  rankingNoAlarmsDepartments: (departments) => `${departments} departments without alarms today`,
  rankingMore: (units) => `${units} more units not shown`,
  rankingEmpty: 'Loading figures…',
  summaryAsOf: (clock) => `as of ${clock}`,
  summaryStale: (clock) => `figures stale since ${clock}`,
  chartByRule: 'Alarms today by rule',
  chartByHour: 'Alarms today by hour',
  chartByHourUnit: 'per hour',
  alarmList: 'Live alarms',
  alarmListEmpty: 'No alarms',
  alarmClosed: 'closed',
  alarmLate: 'late',
  legend: 'Legend',
  legendAlarming: 'Alarming',
  legendHeat: "Today's alarm density",
  legendVessels: (count) => `Vessels ${count}`,
  legendBuses: (count) => `Buses ${count}`,
  legendTaxis: (count) => `Taxis ${count}`,
  busRoutesTitle: 'Bus routes',
  busCount: (count) => `${count} buses`,
  busDelay: (minutes, early) => (early ? `${minutes} min early` : `${minutes} min late`),
  busOnTime: 'on time',
  busNoDelay: 'no predictions',
  busBunched: (pairs) => `bunched ${pairs}`,
  roadFlowTitle: 'Road flow',
  intervalAside: (start, minutes) => `${minutes} min from ${start}`,
  roadFlowEmpty: 'No survey station data',
  vehiclesPerHour: 'veh/h',
  heavyShare: (percent) => `heavy ${percent}`,
  hubFlowTitle: 'Rail hubs',
  hubFlowEmpty: 'No rail passenger data',
  hubArrivals: 'in',
  hubDepartures: 'out',
  tollStationsTitle: 'Toll stations',
  tollWindowAside: (minutes) => `last ${minutes} min`,
  tollEntries: 'in',
  tollExits: 'out',
  tollOverweight: (count) => `overweight ${count}`,
  vehicleClasses: {
    coach: 'Coach',
    dangerous_goods: 'Dangerous goods',
    heavy_truck: 'Heavy truck',
    tractor: 'Tractor',
    bus: 'Bus',
    taxi: 'Taxi',
    other: 'Other',
  },
  severities: { info: 'Info', warning: 'Warning', critical: 'Critical' },
  connection: { connecting: 'Connecting', live: 'Live', reconnecting: 'Reconnecting', unauthorized: 'Unauthorized' },
  staleSince: (clock) => `Data is stale since ${clock}`,
  waitingForData: 'Waiting for live data…',
  waitingForMap: 'Loading the map…',
  criticalCallout: 'Critical alarm',
  unauthorizedTitle: 'Wall access token rejected',
  unauthorizedBody:
    'The token is missing, wrong or expired. Open this page again with the wall address the server printed (/wall?token=…).',
  consoleTitle: 'Duty console',
  crashedTitle: 'The wall hit an error',
  crashedBody: 'The page reloads by itself in 30 seconds.',
};

export const MESSAGES: Readonly<Record<Lang, Messages>> = { zh: ZH, en: EN };
