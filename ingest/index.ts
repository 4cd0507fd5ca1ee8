export { Jt808Gateway } from './jt808/gateway/jt808-gateway.js';
export type { GatewayDeps } from './jt808/gateway/jt808-gateway.js';
export { GATEWAY_DEFAULTS } from './jt808/gateway/options.js';
export type { GatewayOptions } from './jt808/gateway/options.js';
export { REGISTER_RESULT } from './jt808/gateway/terminal-directory.js';
export type { TerminalDirectory, TerminalRegistration } from './jt808/gateway/terminal-directory.js';
export {
  FrameSplitter,
  buildFrame,
  decodeMessage,
  encodeMessage,
  parseFrame,
} from './jt808/codec/index.js';
export type { Jt808Frame, Jt808Header, Jt808Message, Jt808Version } from './jt808/codec/index.js';
export { deriveLocation } from './jt808/codec/index.js';
export type { LocationBody } from './jt808/codec/index.js';
