/**
 * The words of the command panel's terminal settings, Chinese first: setting parameters (0x8103), terminal
 * control (0x8105) with what each command does to the terminal, circular areas (0x8600/0x8601) and the stored
 * media search and upload (0x8802/0x8803). Beside command-messages.ts, which holds the panel's other words.
 */
import type { Lang } from '../i18n/locale.js';

export interface TerminalSettingsMessages {
  parametersSet: string;
  parameter: string;
  value: string;
  addParameter: string;
  removeParameter: string;
  setParameters: string;
  parametersConfirm: (plate: string, lines: string[]) => string;
  badParameter: (name: string) => string;
  control: string;
  controlCommands: Record<number, string>;
  controlParams: string;
  controlParamsHint: Record<number, string>;
  controlSend: string;
  controlConfirm: (plate: string, command: string) => string;
  areas: string;
  areaId: string;
  lat: string;
  lon: string;
  radius: string;
  areaSpeed: string;
  areaName: string;
  areaSet: string;
  areaDeleteIds: string;
  areaDelete: string;
  areaDeleteConfirm: (plate: string, ids: string) => string;
  badArea: string;
  media: string;
  mediaTypes: Record<'image' | 'audio' | 'video', string>;
  channel: string;
  channelAll: string;
  from: string;
  to: string;
  search: string;
  upload: string;
  uploadConfirm: (plate: string) => string;
  mediaTitle: string;
  mediaFields: { id: string; type: string; channel: string; event: string; time: string; place: string };
  noMedia: string;
  mediaFound: (n: number) => string;
  events: Record<number, string>;
}

const ZH: TerminalSettingsMessages = {
  parametersSet: '设置终端参数',
  parameter: '参数',
  value: '值',
  addParameter: '增加一项',
  removeParameter: '移除',
  setParameters: '下发参数',
  parametersConfirm: (plate, lines) =>
    `向 ${plate} 下发以下参数？\n${lines.join('\n')}\n终端将按新参数工作，将记入审计。`,
  badParameter: (name) => `“${name}”的值不合要求`,
  control: '终端控制',
  controlCommands: {
    1: '无线升级',
    2: '连接指定服务器',
    3: '终端关机',
    4: '终端复位',
    5: '恢复出厂设置',
    6: '关闭数据通信',
    7: '关闭所有无线通信',
  },
  controlParams: '参数',
  controlParamsHint: {
    1: 'URL;拨号点名称;用户名;密码;地址;TCP端口;UDP端口;制造商ID;硬件版本;固件版本;时限',
    2: '连接控制;监管平台鉴权码;拨号点名称;用户名;密码;地址;TCP端口;UDP端口;时限',
  },
  controlSend: '下发控制指令',
  controlConfirm: (plate, command) =>
    `确定向 ${plate} 下发“${command}”？终端将立即执行，可能中断定位上报，将记入审计。`,
  areas: '圆形区域（终端侧）',
  areaId: '区域 ID',
  lat: '纬度',
  lon: '经度',
  radius: '半径（米）',
  areaSpeed: '限速（km/h，可空）',
  areaName: '名称',
  areaSet: '下发区域',
  areaDeleteIds: '删除的区域 ID（逗号分隔，空为全部）',
  areaDelete: '删除区域',
  areaDeleteConfirm: (plate, ids) => `删除 ${plate} 终端上的圆形区域 ${ids}？`,
  badArea: '请填写有效的区域 ID、坐标与半径',
  media: '终端存储多媒体',
  mediaTypes: { image: '图像', audio: '音频', video: '视频' },
  channel: '通道',
  channelAll: '0 为全部',
  from: '起',
  to: '止',
  search: '检索',
  upload: '上传检索到的多媒体',
  uploadConfirm: (plate) => `让 ${plate} 上传符合条件的全部多媒体？占用车辆的无线流量。`,
  mediaTitle: '检索结果',
  mediaFields: { id: '多媒体 ID', type: '类型', channel: '通道', event: '事件', time: '时间', place: '位置' },
  noMedia: '终端没有符合条件的多媒体',
  mediaFound: (n) => `找到 ${n} 项`,
  events: { 0: '平台下发', 1: '定时动作', 2: '抢劫报警', 3: '碰撞侧翻报警', 4: '开门拍照', 5: '关门拍照' },
};

const EN: TerminalSettingsMessages = {
  parametersSet: 'Set terminal parameters',
  parameter: 'Parameter',
  value: 'Value',
  addParameter: 'Add one',
  removeParameter: 'Remove',
  setParameters: 'Send parameters',
  parametersConfirm: (plate, lines) =>
    `Send ${plate} these parameters?\n${lines.join('\n')}\nThe terminal works with them from now on; this is audited.`,
  badParameter: (name) => `The value of “${name}” is not valid`,
  control: 'Terminal control',
  controlCommands: {
    1: 'Wireless upgrade',
    2: 'Connect to another server',
    3: 'Power off',
    4: 'Reset',
    5: 'Factory reset',
    6: 'Close data link',
    7: 'Close all wireless links',
  },
  controlParams: 'Parameters',
  controlParamsHint: {
    1: 'URL;APN;user;password;address;TCP port;UDP port;maker id;hardware;firmware;time limit',
    2: 'control;auth code;APN;user;password;address;TCP port;UDP port;time limit',
  },
  controlSend: 'Send control command',
  controlConfirm: (plate, command) =>
    `Send ${plate} “${command}”? The terminal acts at once and may stop reporting positions; this is audited.`,
  areas: 'Circular areas (on the terminal)',
  areaId: 'Area id',
  lat: 'Latitude',
  lon: 'Longitude',
  radius: 'Radius (m)',
  areaSpeed: 'Limit (km/h, optional)',
  areaName: 'Name',
  areaSet: 'Send area',
  areaDeleteIds: 'Area ids to delete (comma-separated, empty: all)',
  areaDelete: 'Delete areas',
  areaDeleteConfirm: (plate, ids) => `Delete circular areas ${ids} on ${plate}'s terminal?`,
  badArea: 'Give a valid area id, position and radius',
  media: 'Media stored on the terminal',
  mediaTypes: { image: 'image', audio: 'audio', video: 'video' },
  channel: 'Channel',
  channelAll: '0: all',
  from: 'from',
  to: 'to',
  search: 'Search',
  upload: 'Upload what was found',
  uploadConfirm: (plate) => `Have ${plate} upload every matching item? It uses the vehicle's mobile data.`,
  mediaTitle: 'Found',
  mediaFields: { id: 'Media id', type: 'Type', channel: 'Channel', event: 'Event', time: 'Time', place: 'Place' },
  noMedia: 'The terminal holds nothing that matches',
  mediaFound: (n) => `${n} found`,
  events: {
    0: 'platform command',
    1: 'timed',
    2: 'robbery alarm',
    3: 'collision or rollover',
    4: 'door opened',
    5: 'door closed',
  },
};

export const TERMINAL_SETTINGS_MESSAGES: Readonly<Record<Lang, TerminalSettingsMessages>> = { zh: ZH, en: EN };

/** Parameters the panel sets, with how each is written (JT/T 808-2019 table 14). */
export const SETTABLE_PARAMETERS: readonly { id: number; kind: 'dword' | 'byte' | 'string' }[] = [
  { id: 0x0055, kind: 'dword' },
  { id: 0x0056, kind: 'dword' },
  { id: 0x0029, kind: 'dword' },
  { id: 0x0027, kind: 'dword' },
  { id: 0x0001, kind: 'dword' },
  { id: 0x0057, kind: 'dword' },
  { id: 0x0058, kind: 'dword' },
  { id: 0x0059, kind: 'dword' },
  { id: 0x005a, kind: 'dword' },
  { id: 0x0013, kind: 'string' },
  { id: 0x0018, kind: 'dword' },
  { id: 0x0083, kind: 'string' },
  { id: 0x0084, kind: 'byte' },
];
