/** Credit (信用, G8): enterprise grades and driver points computed daily with history, credit warnings raised as
 * alarms, deadlines tiered by grade, and the scoped reads behind `/api/credit/*`. Formulas: docs/credit.md. */
export { CREDIT_HISTORY_DAYS_MAX, Credits } from './credits.js';
export type { CreditsDeps } from './credits.js';
export { CREDIT_RUN_DEFAULTS, CreditRun } from './credit-run.js';
export type { CreditRunDeps, CreditRunOptions, CreditRunResult } from './credit-run.js';
export { cycleStart, driverPoints, enterpriseScore, gradeOf, gradeRank, thresholdReached } from './credit-score.js';
export type { AlarmCount, EnterpriseCounts } from './credit-score.js';
export { deadlineTier } from './credit-tier.js';
export type { DeadlineTier } from './credit-tier.js';
export { latestPlatformGrades, platformGrades, storePlatformGrades } from './platform-grades.js';
export type { PlatformGradeRow, PlatformRanker } from './platform-grades.js';
