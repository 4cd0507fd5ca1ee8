export { Jt809Requests, JT809_REQUESTS_DEFAULTS } from './jt809-requests.js';
export type { Jt809RequestsDeps, Jt809RequestsOptions } from './jt809-requests.js';
export type { InspectionView } from './inspections.js';
export type { Jt809RequestLink } from './platform-requests.js';
export type { SupervisionView } from './supervisions.js';
export { UpwardForwarder } from './upward-forwarder.js';
export type { UpwardForwarderDeps } from './upward-forwarder.js';
export { UpperRequests } from './upper-requests.js';
export type { UpperRequestView } from './upper-requests.js';
export { vehicleStaticInfoSource } from './vehicle-static-info.js';
export type { VehicleStaticInfoDeps } from './vehicle-static-info.js';
export {
  inspectionSlot,
  SCHEDULED_INSPECTIONS_DEFAULTS,
  ScheduledInspections,
  SLOT_ORIGIN_MS,
} from './scheduled-inspections.js';
export type { InspectionSlot, ScheduledInspectionsOptions, ScheduledTick } from './scheduled-inspections.js';
export { SCHEDULER_NAME } from './inspections.js';
