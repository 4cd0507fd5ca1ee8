export { Jt809Requests, JT809_REQUESTS_DEFAULTS } from './jt809-requests.js';
export type { Jt809RequestsDeps, Jt809RequestsOptions } from './jt809-requests.js';
export type { InspectionView, Jt809RequestLink } from './inspections.js';
export type { SupervisionView } from './supervisions.js';
