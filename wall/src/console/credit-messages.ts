/** The credit page's words (信用), zh-CN first, English second. */
import type { Lang } from '../i18n/locale.js';

export interface CreditMessages {
  tab: string;
  title: string;
  day: string;
  latest: string;
  show: string;
  loading: string;
  notComputed: string;
  dayText: (day: string, from: string) => string;
  gradeCount: (grade: string, n: number) => string;
  allGrades: string;
  rank: string;
  enterprise: string;
  unit: string;
  score: string;
  grade: string;
  previous: string;
  fell: string;
  vehicles: string;
  violationPoints: string;
  orders: string;
  deductions: string;
  ordersText: (late: number, due: number) => string;
  deductionsText: (violations: number, handling: number) => string;
  noEnterprises: string;
  history: (name: string) => string;
  historyHint: string;
  close: string;
  modelVersion: (version: number) => string;
  drivers: string;
  driverName: string;
  certificate: string;
  points: string;
  cycle: string;
  violations: string;
  threshold: string;
  reached: (threshold: number) => string;
  thresholds: (list: string) => string;
  noDrivers: string;
  /** Market supervision's registration (market_registrations) beside the grade: column, states, detail. */
  registration: string;
  registrationStates: Record<string, string>;
  registrationNone: string;
  /** The revocation or cancellation date beside a red badge. */
  registrationOn: (date: string) => string;
  registrationTitle: string;
  registrationStatus: string;
  registrationDate: string;
  registrationAuthority: string;
  registrationSource: string;
  registrationSourceText: (source: string, placeName: (code: string) => string) => string;
  registrationListed: string;
  transportLicence: string;
  registrationWarning: (state: string) => string;
}

export const CREDIT_MESSAGES: Record<Lang, CreditMessages> = {
  zh: {
    tab: '信用',
    title: '企业信用等级',
    day: '评价日',
    latest: '最近一次',
    show: '查询',
    loading: '加载中…',
    notComputed: '尚未计算信用（每日凌晨计算前一日）',
    dayText: (day, from) => `评价日 ${day}（北京时间），统计 ${from} 至 ${day} 的违规与处置`,
    gradeCount: (grade, n) => `${grade} 级 ${n} 家`,
    allGrades: '全部等级',
    rank: '序号',
    enterprise: '企业',
    unit: '所属单位',
    score: '信用分',
    grade: '等级',
    previous: '前次',
    fell: '下降',
    vehicles: '车辆数',
    violationPoints: '违规扣分基数',
    orders: '逾期工单',
    deductions: '扣分（违规 / 处置）',
    ordersText: (late, due) => `${late} / ${due}`,
    deductionsText: (violations, handling) => `${violations.toFixed(2)} / ${handling.toFixed(2)}`,
    noEnterprises: '范围内没有已评价的企业',
    history: (name) => `${name} 信用历史`,
    historyHint: '点击企业查看每日信用历史',
    close: '关闭',
    modelVersion: (version) => `信用模型版本 ${version === 0 ? '默认' : version}`,
    drivers: '驾驶员记分（12个月周期）',
    driverName: '驾驶员',
    certificate: '从业资格证号',
    points: '累计记分',
    cycle: '周期起始',
    violations: '违规',
    threshold: '预警',
    reached: (threshold) => `已达 ${threshold} 分`,
    thresholds: (list) => `预警分值：${list}`,
    noDrivers: '范围内没有被记分的驾驶员',
    registration: '市场监管登记',
    registrationStates: { active: '存续', revoked: '吊销', cancelled: '注销', moved_out: '迁出', other: '其他' },
    registrationNone: '未报送',
    registrationOn: (date) => `${date} 起`,
    registrationTitle: '市场监管登记（企业登记）',
    registrationStatus: '登记状态',
    registrationDate: '吊销/注销日期',
    registrationAuthority: '登记机关',
    registrationSource: '来源',
    registrationSourceText: (source, placeName) =>
      source.startsWith('key:')
        ? `接口（数据源密钥 #${source.slice(4)}）`
        : source.startsWith('upload:')
          ? `上传（${placeName(source.slice(7))}）`
          : source,
    registrationListed: '登记所列许可证',
    transportLicence: '道路运输经营许可证',
    registrationWarning: (state) => `该企业营业执照已${state}，其车辆仍在营运的应依法查处`,
  },
  en: {
    tab: 'Credit',
    title: 'Enterprise credit grades',
    day: 'Day',
    latest: 'latest',
    show: 'Show',
    loading: 'Loading…',
    notComputed: 'Credit not computed yet (each day is graded after midnight)',
    dayText: (day, from) => `Graded on ${day} (China time), violations and handling from ${from} to ${day}`,
    gradeCount: (grade, n) => `${grade}: ${n}`,
    allGrades: 'all grades',
    rank: '#',
    enterprise: 'Enterprise',
    unit: 'Unit',
    score: 'Score',
    grade: 'Grade',
    previous: 'Before',
    fell: 'fell',
    vehicles: 'Vehicles',
    violationPoints: 'Violation points',
    orders: 'Late orders',
    deductions: 'Deducted (violations / handling)',
    ordersText: (late, due) => `${late} / ${due}`,
    deductionsText: (violations, handling) => `${violations.toFixed(2)} / ${handling.toFixed(2)}`,
    noEnterprises: 'No graded enterprise in scope',
    history: (name) => `Credit history of ${name}`,
    historyHint: 'Click an enterprise for its daily history',
    close: 'Close',
    modelVersion: (version) => `credit model version ${version === 0 ? 'default' : version}`,
    drivers: "Drivers' points (12-month cycle)",
    driverName: 'Driver',
    certificate: 'Certificate',
    points: 'Points',
    cycle: 'Cycle from',
    violations: 'Violations',
    threshold: 'Warning',
    reached: (threshold) => `reached ${threshold}`,
    thresholds: (list) => `warning at: ${list}`,
    noDrivers: 'No driver with points in scope',
    registration: 'Registration',
    registrationStates: {
      active: 'active',
      revoked: 'revoked',
      cancelled: 'cancelled',
      moved_out: 'moved out',
      other: 'other',
    },
    registrationNone: 'not reported',
    registrationOn: (date) => `since ${date}`,
    registrationTitle: 'Market supervision registration',
    registrationStatus: 'Status',
    registrationDate: 'Revoked / cancelled on',
    registrationAuthority: 'Registration authority',
    registrationSource: 'Source',
    registrationSourceText: (source, placeName) =>
      source.startsWith('key:')
        ? `API (source key #${source.slice(4)})`
        : source.startsWith('upload:')
          ? `upload (${placeName(source.slice(7))})`
          : source,
    registrationListed: 'Licences the register lists',
    transportLicence: 'Road transport business licence',
    registrationWarning: (state) =>
      `This enterprise's business licence is ${state}: any of its vehicles still operating is to be dealt with`,
  },
};
