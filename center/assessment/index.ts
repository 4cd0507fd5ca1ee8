/** Assessment indicators (考核指标) per unit and period: the figures, their formulas and the XLSX export; weighted
 * scores, rankings, red and black lists, and the archived 通报 in PDF, DOCX and XLSX. */
export { assessedScope, Assessments, childRows } from './assessments.js';
export type { AssessmentLevel, AssessmentQuery, AssessmentsDeps } from './assessments.js';
export { assessmentXlsx, figureHeaders } from './assessment-xlsx.js';
export { CIRCULAR_FORMATS, CIRCULAR_TYPES, Circulars, SCHEDULE_ACTOR } from './circulars.js';
export type { ArchiveAuthor, CircularsDeps } from './circulars.js';
export { CIRCULAR_ROLES } from './circular-roles.js';
export { circularContent, issuerOf, periodWords } from './circular-content.js';
export { CJK_FONT_CANDIDATES, CJK_FONT_ENV, CjkFontMissingError, findCjkFont } from './circular-font.js';
export { ASSESSMENT_INDICATORS } from './indicators.js';
export { DAY_PATTERN, dayText, parsePeriod, PERIOD_DAYS_MAX } from './period.js';
export { Rankings } from './ranking.js';
export { rankUnits, roundScore, scoreOf } from './scoring.js';
export { PLATFORM_ROSTER_DAYS, VEHICLE_FACT_DEFAULTS, vehicleFactsSql } from './vehicle-facts.js';
export type { StoredDays, VehicleFactOptions } from './vehicle-facts.js';
export { ASSESSMENT_ROLLUP_DEFAULTS, AssessmentRollups, parametersText, supersededGenerationsSql } from './rollups.js';
export type { AssessmentRollupOptions, AssessmentRollupsDeps, RollupPass, RollupReason } from './rollups.js';
export { dayNumberOf, dayStartOf, periodDaysSql, vehicleDaysSql } from './vehicle-days.js';
