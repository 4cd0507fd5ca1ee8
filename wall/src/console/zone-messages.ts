/**
 * The zone editor's words (区域与通道), Chinese first: shapes, kinds, how to draw, the version history, and the
 * server's named geometry problems as sentences (stream/rules/zone-geometry.ts gives each problem a `code`).
 */
import type { Lang } from '../i18n/locale.js';

export type ZoneProblemCode =
  | 'shape_missing'
  | 'shape_ambiguous'
  | 'shape_invalid'
  | 'position_invalid'
  | 'position_outside_province'
  | 'ring_too_few_points'
  | 'ring_too_many_points'
  | 'ring_degenerate'
  | 'ring_self_intersecting'
  | 'path_too_few_points'
  | 'path_too_many_points'
  | 'radius_out_of_range'
  | 'width_out_of_range'
  | 'hours_invalid'
  | 'unknown_key';

export interface ZoneMessages {
  tab: string;
  title: string;
  readOnly: string;
  zones: string;
  noZones: string;
  shapes: Record<'polygon' | 'circle' | 'corridor', string>;
  kinds: Record<'speed_limit' | 'restricted' | 'relay_point' | 'no_parking' | 'route' | 'area', string>;
  parkingMinutes: string;
  parkingMinutesHint: string;
  vehicles: string;
  vehiclesHint: string;
  direction: string;
  directions: Record<'entry' | 'exit' | 'both', string>;
  needVehicles: string;
  routeNeedsCorridor: string;
  minutesUnit: string;
  draw: string;
  drawHint: Record<'polygon' | 'circle' | 'corridor', string>;
  undoPoint: string;
  pointsCount: (n: number) => string;
  cancelDraw: string;
  redraw: string;
  name: string;
  kind: string;
  speedLimit: string;
  hours: string;
  hoursFrom: string;
  hoursTo: string;
  allDay: string;
  radius: string;
  width: string;
  apply: string;
  newZone: string;
  edit: string;
  remove: string;
  removed: (name: string) => string;
  unsaved: (count: number) => string;
  save: string;
  saveTitle: string;
  comment: string;
  commentPlaceholder: string;
  saved: (version: number) => string;
  refused: string;
  history: string;
  historyLine: (version: number, who: string, time: string, zones: number) => string;
  inForce: (version: number, who: string, time: string) => string;
  needName: string;
  needShape: string;
  summary: Record<'polygon' | 'circle' | 'corridor', (n: number) => string>;
  problems: Record<ZoneProblemCode, string>;
  problemAt: (zone: string, text: string) => string;
}

const ZH: ZoneMessages = {
  tab: '区域与通道',
  title: '限速区域、禁行区域与路线通道',
  readOnly: '只有省级管理员可以修改规则配置；此处仅供查看。',
  zones: '已配置区域',
  noZones: '尚未配置区域',
  shapes: { polygon: '多边形', circle: '圆形', corridor: '路线通道' },
  kinds: {
    speed_limit: '限速区域',
    restricted: '禁行区域',
    relay_point: '接驳点',
    no_parking: '禁停路段',
    route: '线路走廊',
    area: '进出监控区域',
  },
  parkingMinutes: '允许停留（分钟）',
  parkingMinutesHint: '留空则按超时停车规则的默认值',
  vehicles: '指定车辆（车牌，逗号或空格分隔）',
  vehiclesHint: '偏离该走廊的指定车辆将报偏离路线',
  direction: '报警方向',
  directions: { entry: '驶入', exit: '驶出', both: '驶入与驶出' },
  needVehicles: '线路走廊须至少指定一辆车',
  routeNeedsCorridor: '线路走廊须以“路线通道”形状绘制',
  minutesUnit: '分钟',
  draw: '绘制',
  drawHint: {
    polygon: '在地图上依次点击各顶点，至少 3 个；拖动顶点可调整位置；完成后填写名称并点“应用”。',
    circle: '先点击圆心，再点击圆周上一点确定半径（也可直接输入半径）。',
    corridor: '沿路线依次点击各点，至少 2 个，拖动可调整；填写通道宽度（米）。',
  },
  undoPoint: '撤销上一点',
  pointsCount: (n) => `已点 ${n} 个点`,
  cancelDraw: '取消绘制',
  redraw: '重新绘制形状',
  name: '名称',
  kind: '类型',
  speedLimit: '限速（km/h）',
  hours: '生效时段（北京时间）',
  hoursFrom: '自',
  hoursTo: '至',
  allDay: '全天',
  radius: '半径（米）',
  width: '通道宽度（米）',
  apply: '应用',
  newZone: '新建区域',
  edit: '编辑',
  remove: '删除',
  removed: (name) => `已删除“${name}”（保存后生效）`,
  unsaved: (n) => `${n} 处修改尚未保存`,
  save: '保存为新版本',
  saveTitle: '保存规则配置新版本',
  comment: '修改说明',
  commentPlaceholder: '例如：依据市交警支队通知新增学校路段限速',
  saved: (v) => `已保存为第 ${v} 版，规则引擎已立即启用`,
  refused: '服务器拒绝了此配置：',
  history: '版本记录',
  historyLine: (v, who, time, zones) => `第 ${v} 版 · ${who} · ${time} · ${zones} 个区域`,
  inForce: (v, who, time) => `当前生效：第 ${v} 版（${who}，${time}）`,
  needName: '请填写区域名称',
  needShape: '请先在地图上绘制形状',
  summary: {
    polygon: (n) => `多边形 · ${n} 个顶点`,
    circle: (m) => `圆形 · 半径 ${m} 米`,
    corridor: (m) => `路线通道 · 宽 ${m} 米`,
  },
  problems: {
    shape_missing: '没有形状',
    shape_ambiguous: '只能有一种形状',
    shape_invalid: '形状数据有误',
    position_invalid: '坐标有误',
    position_outside_province: '有点位于本省范围之外',
    ring_too_few_points: '多边形至少需要 3 个不同顶点',
    ring_too_many_points: '多边形顶点过多（最多 2000 个）',
    ring_degenerate: '多边形各顶点在一条直线上，没有面积',
    ring_self_intersecting: '多边形的边相互交叉，请按顺序点击顶点',
    path_too_few_points: '路线通道至少需要 2 个点',
    path_too_many_points: '路线通道的点过多（最多 2000 个）',
    radius_out_of_range: '半径须在 50 至 50000 米之间',
    width_out_of_range: '通道宽度须在 10 至 5000 米之间',
    hours_invalid: '生效时段有误（起止不能相同）',
    unknown_key: '含有未知字段',
  },
  problemAt: (zone, text) => `“${zone}”：${text}`,
};

const EN: ZoneMessages = {
  tab: 'Zones',
  title: 'Speed-limit zones, restricted areas and route corridors',
  readOnly: 'Only a province administrator may change the rules configuration; read only here.',
  zones: 'Zones',
  noZones: 'No zones configured',
  shapes: { polygon: 'Polygon', circle: 'Circle', corridor: 'Route corridor' },
  kinds: {
    speed_limit: 'Speed limit',
    restricted: 'Restricted area',
    relay_point: 'Relay point',
    no_parking: 'No parking',
    route: 'Route corridor',
    area: 'Watched area',
  },
  parkingMinutes: 'Minutes allowed standing',
  parkingMinutesHint: 'empty: the overtime-parking rule’s default',
  vehicles: 'Assigned vehicles (plates, separated by commas or spaces)',
  vehiclesHint: 'an assigned vehicle leaving the corridor raises route deviation',
  direction: 'Alarm on',
  directions: { entry: 'entering', exit: 'leaving', both: 'entering and leaving' },
  needVehicles: 'A route corridor needs at least one assigned vehicle',
  routeNeedsCorridor: 'Draw a route corridor with the corridor shape',
  minutesUnit: 'min',
  draw: 'Draw',
  drawHint: {
    polygon: 'Click each vertex on the map, at least 3 (drag one to move it); then name it and press Apply.',
    circle: 'Click the centre, then a point on the circle for the radius (or type the radius).',
    corridor: 'Click the points along the route, at least 2 (drag one to move it); give the width in metres.',
  },
  undoPoint: 'Undo last point',
  pointsCount: (n) => `${n} point${n === 1 ? '' : 's'} placed`,
  cancelDraw: 'Cancel drawing',
  redraw: 'Redraw the shape',
  name: 'Name',
  kind: 'Kind',
  speedLimit: 'Limit (km/h)',
  hours: 'In force (China time)',
  hoursFrom: 'from',
  hoursTo: 'to',
  allDay: 'all day',
  radius: 'Radius (m)',
  width: 'Corridor width (m)',
  apply: 'Apply',
  newZone: 'New zone',
  edit: 'Edit',
  remove: 'Delete',
  removed: (name) => `Deleted “${name}” (takes effect when saved)`,
  unsaved: (n) => `${n} unsaved change${n === 1 ? '' : 's'}`,
  save: 'Save as a new version',
  saveTitle: 'Save a new rules configuration version',
  comment: 'Why it changed',
  commentPlaceholder: 'e.g. school road speed limit, city traffic police notice',
  saved: (v) => `Saved as version ${v}; the rules engine applies it now`,
  refused: 'The server refused this configuration:',
  history: 'Versions',
  historyLine: (v, who, time, zones) => `Version ${v} · ${who} · ${time} · ${zones} zone${zones === 1 ? '' : 's'}`,
  inForce: (v, who, time) => `In force: version ${v} (${who}, ${time})`,
  needName: 'Give the zone a name',
  needShape: 'Draw the shape on the map first',
  summary: {
    polygon: (n) => `Polygon · ${n} vertices`,
    circle: (m) => `Circle · radius ${m} m`,
    corridor: (m) => `Corridor · ${m} m wide`,
  },
  problems: {
    shape_missing: 'has no shape',
    shape_ambiguous: 'may have only one shape',
    shape_invalid: 'has malformed shape data',
    position_invalid: 'has a malformed position',
    position_outside_province: 'has a point outside the province',
    ring_too_few_points: 'a polygon needs at least 3 distinct vertices',
    ring_too_many_points: 'a polygon has at most 2000 vertices',
    ring_degenerate: 'the polygon’s vertices are on one line: it has no area',
    ring_self_intersecting: 'the polygon’s edges cross; click the vertices in order',
    path_too_few_points: 'a corridor needs at least 2 points',
    path_too_many_points: 'a corridor has at most 2000 points',
    radius_out_of_range: 'the radius must be 50 to 50,000 m',
    width_out_of_range: 'the corridor width must be 10 to 5,000 m',
    hours_invalid: 'the hours are wrong (start and end may not be equal)',
    unknown_key: 'has an unknown field',
  },
  problemAt: (zone, text) => `“${zone}”: ${text}`,
};

export const ZONE_MESSAGES: Record<Lang, ZoneMessages> = { zh: ZH, en: EN };
