/** Statistics reports (统计报表): daily, weekly and monthly series per unit, enterprise, vehicle class or alarm rule,
 * with each interval's change, as JSON or as an XLSX workbook; and the weekly and monthly documents the node
 * archives on its schedule. */
export { REPORT_DAILY_POINTS_MAX, intervalStart, reportPeriod } from './intervals.js';
export type { ReportPeriod } from './intervals.js';
export { REPORT_GROUPS_MAX, REPORT_POINTS_MAX, Reports, VEHICLE_CLASS_NAMES } from './reports.js';
export type { ReportQuery, ReportsDeps } from './reports.js';
export { reportHeaders, reportXlsx } from './report-xlsx.js';
export {
  checkDocumentScheduleOptions,
  DOCUMENT_SCHEDULE_BOUNDS,
  DOCUMENT_SCHEDULE_DEFAULTS,
  DocumentSchedule,
  DocumentScheduleConfigError,
  documentList,
  lastEndedPeriod,
  SCHEDULED_CIRCULAR_LEVELS,
  SCHEDULED_DOCUMENTS,
} from './document-schedule.js';
export type {
  DocumentScheduleDeps,
  DocumentScheduleOptions,
  ScheduledCircularLevel,
  ScheduledDocument,
  SchedulePeriod,
} from './document-schedule.js';
