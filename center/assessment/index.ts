/** Assessment indicators (考核指标) per unit and period: the figures, their formulas and the XLSX export. */
export { Assessments } from './assessments.js';
export type { AssessmentLevel, AssessmentQuery, AssessmentsDeps } from './assessments.js';
export { assessmentXlsx, figureHeaders } from './assessment-xlsx.js';
export { ASSESSMENT_INDICATORS } from './indicators.js';
export { DAY_PATTERN, dayText, parsePeriod, PERIOD_DAYS_MAX } from './period.js';
export { VEHICLE_FACT_DEFAULTS, vehicleFactsSql } from './vehicle-facts.js';
export type { VehicleFactOptions } from './vehicle-facts.js';
