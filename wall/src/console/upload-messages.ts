/** The upload page's words (数据上传), zh-CN first, English second. */
import type { Lang } from '../i18n/locale.js';

export interface UploadMessages {
  tab: string;
  title: string;
  kind: string;
  kinds: Record<string, string>;
  file: string;
  upload: string;
  uploading: string;
  template: string;
  columns: (required: string, optional: string) => string;
  chooseFile: string;
  hint: (bytesMax: string, rowsMax: number) => string;
  scopeStaff: (unit: string) => string;
  scopeEnterprise: (enterprise: string) => string;
  result: string;
  applied: (id: number) => string;
  repeated: (id: number, at: string, by: string) => string;
  records: string;
  accepted: string;
  duplicates: string;
  rejected: string;
  errorsTitle: string;
  noErrors: string;
  row: string;
  field: string;
  reason: string;
  detail: string;
  values: string;
  downloadReport: string;
  history: string;
  noHistory: string;
  at: string;
  fileName: string;
  by: string;
  unit: string;
  counts: string;
  countsText: (records: number, accepted: number, rejected: number) => string;
  reasons: Record<string, string>;
  missingField: (field: string) => string;
  badField: (field: string) => string;
  refusals: Record<string, string>;
}

export const UPLOAD_MESSAGES: Record<Lang, UploadMessages> = {
  zh: {
    tab: '数据上传',
    title: '上传数据文件',
    kind: '数据类型',
    kinds: {
      anpr: '卡口过车',
      wim: '治超称重',
      gantry: 'ETC 门架通行',
      device_status: '设备状态',
      registry: '车辆 / 企业 / 驾驶员档案',
      toll: '收费站通行交易',
      traffic_count: '交调站流量',
      rail_flow: '铁路站客流',
      ais: '船舶 AIS',
      gtfs_static: '公交线路站点 GTFS',
      gtfs_rt: '公交实时 GTFS-RT',
      taxi_position: '出租车 / 网约车定位',
      taxi_order: '出租车 / 网约车订单',
      taxi_permit: '运输证 / 驾驶员证',
      market_registration: '市场监管企业登记',
    },
    file: '文件（CSV 或 XLSX）',
    upload: '上传',
    uploading: '上传中…',
    template: '下载模板',
    columns: (required, optional) => `必填列：${required}；可选列：${optional}`,
    chooseFile: '请先选择文件',
    hint: (bytesMax, rowsMax) =>
      `第一行为字段名（与接入文档一致），每行一条记录；文件不超过 ${bytesMax}、${rowsMax} 行。同一文件重复上传不会重复写入。`,
    scopeStaff: (unit) => `记录归属本单位：${unit}；超出本单位范围的行将被拒收。`,
    scopeEnterprise: (enterprise) => `记录归属本企业：${enterprise}；只接收本企业车辆和驾驶员的记录。`,
    result: '上传结果',
    applied: (id) => `已写入（上传编号 ${id}）`,
    repeated: (id, at, by) => `该文件此前已上传（编号 ${id}，${at}，${by}），本次未重复写入，以下为当时的结果`,
    records: '记录',
    accepted: '接收',
    duplicates: '其中重复',
    rejected: '拒收',
    errorsTitle: '拒收的行',
    noErrors: '全部接收，没有拒收的行',
    row: '行号',
    field: '字段',
    reason: '原因',
    detail: '说明',
    values: '原始内容',
    downloadReport: '下载错误报告（CSV）',
    history: '上传记录',
    noHistory: '尚无上传记录',
    at: '时间',
    fileName: '文件',
    by: '上传人',
    unit: '单位',
    counts: '记录 / 接收 / 拒收',
    countsText: (records, accepted, rejected) => `${records} / ${accepted} / ${rejected}`,
    reasons: {
      org_out_of_scope: '超出本单位范围',
      vehicle_out_of_scope: '非本企业车辆',
      enterprise_out_of_scope: '非本企业',
      driver_out_of_scope: '非本企业驾驶员',
      registry_row_out_of_scope: '档案属于其他单位',
      time_in_future: '时间晚于当前',
      too_old_for_retention: '时间早于保存期限',
      bad_csv_row: '行格式错误',
      unknown_type: '类型无效',
    },
    missingField: (field) => `缺少 ${field}`,
    badField: (field) => `${field} 无效`,
    refusals: {
      file_too_large: '文件过大，请拆分后上传',
      too_many_records: '行数超过上限，请拆分后上传',
      bad_xlsx: '无法读取该 XLSX 文件',
      bad_encoding: 'CSV 文件不是 UTF-8 编码：请另存为“CSV UTF-8”，或直接上传 XLSX',
      bad_csv_header: '第一行须为每列写明字段名，且不得重复',
      empty_file: '文件为空',
      upload_in_progress: '该文件正在写入，请稍后查看上传记录',
    },
  },
  en: {
    tab: 'Uploads',
    title: 'Upload a data file',
    kind: 'Kind',
    kinds: {
      anpr: 'Plate reads',
      wim: 'Weigh-in-motion',
      gantry: 'ETC gantry passes',
      device_status: 'Equipment status',
      registry: 'Vehicles / enterprises / drivers',
      toll: 'Toll transactions',
      traffic_count: 'Traffic counts',
      rail_flow: 'Rail passenger flows',
      ais: 'AIS (vessels)',
      gtfs_static: 'GTFS static (bus routes and stops)',
      gtfs_rt: 'GTFS-Realtime (buses)',
      taxi_position: 'Taxi / ride-hailing positions',
      taxi_order: 'Taxi / ride-hailing orders',
      taxi_permit: 'Vehicle and driver permits',
      market_registration: 'Market-supervision registrations',
    },
    file: 'File (CSV or XLSX)',
    upload: 'Upload',
    uploading: 'Uploading…',
    template: 'Template',
    columns: (required, optional) => `Required columns: ${required}; optional: ${optional}`,
    chooseFile: 'Choose a file first',
    hint: (bytesMax, rowsMax) =>
      `The first row names the fields (as in the source's documentation), one record per row; at most ${bytesMax} and ${rowsMax} rows. The same file uploaded again is not applied twice.`,
    scopeStaff: (unit) => `Records belong to your unit: ${unit}; rows outside it are refused.`,
    scopeEnterprise: (enterprise) =>
      `Records belong to your enterprise: ${enterprise}; only rows of its own vehicles and drivers are taken.`,
    result: 'Result',
    applied: (id) => `Applied (upload ${id})`,
    repeated: (id, at, by) =>
      `This file was uploaded before (upload ${id}, ${at}, by ${by}): nothing was applied now; this is that upload's result`,
    records: 'Records',
    accepted: 'Accepted',
    duplicates: 'of which repeats',
    rejected: 'Refused',
    errorsTitle: 'Refused rows',
    noErrors: 'Every row was accepted',
    row: 'Row',
    field: 'Field',
    reason: 'Reason',
    detail: 'Detail',
    values: 'Original values',
    downloadReport: 'Download the error report (CSV)',
    history: 'History',
    noHistory: 'No uploads yet',
    at: 'Time',
    fileName: 'File',
    by: 'By',
    unit: 'Unit',
    counts: 'Records / accepted / refused',
    countsText: (records, accepted, rejected) => `${records} / ${accepted} / ${rejected}`,
    reasons: {
      org_out_of_scope: 'outside your unit',
      vehicle_out_of_scope: 'not a vehicle of your enterprise',
      enterprise_out_of_scope: 'not your enterprise',
      driver_out_of_scope: 'not a driver of your enterprise',
      registry_row_out_of_scope: 'belongs to another unit',
      time_in_future: 'time in the future',
      too_old_for_retention: 'older than kept',
      bad_csv_row: 'malformed row',
      unknown_type: 'unknown type',
    },
    missingField: (field) => `${field} missing`,
    badField: (field) => `${field} invalid`,
    refusals: {
      file_too_large: 'The file is too large: split it and upload the parts',
      too_many_records: 'Too many rows: split the file and upload the parts',
      bad_xlsx: 'The XLSX file cannot be read',
      bad_encoding: 'The CSV file is not UTF-8: save it as "CSV UTF-8", or upload the XLSX itself',
      bad_csv_header: 'The first row must name every column once',
      empty_file: 'The file is empty',
      upload_in_progress: 'This file is being applied; see the history shortly',
    },
  },
};

/** A row's refusal in words: the page's own names, else "x missing" / "x invalid", else the code itself. */
export function reasonText(m: UploadMessages, reason: string): string {
  const named = m.reasons[reason];
  if (named !== undefined) return named;
  const missing = /^missing_(.+)$/.exec(reason);
  if (missing) return m.missingField(missing[1]);
  const bad = /^bad_(.+)$/.exec(reason);
  if (bad) return m.badField(bad[1]);
  return reason;
}
