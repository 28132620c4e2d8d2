export { CLAIM_SOURCE, CLAIMS, buildClaims } from './claims.js';
export { MicroOptionsError, microOptionIssues, parseSlowPrimitive } from './options.js';
export { runMicro } from './run.js';
export * from './types.js';
