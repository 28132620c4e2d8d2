export { CLAIM_SOURCE, CLAIMS, buildClaims } from './claims.js';
export { MicroOptionsError, microOptionIssues, parseSlowPrimitive } from './options.js';
export { runMicro, runMicroForResults, toMicroSection } from './run.js';
export { summariseTasks, taskId } from './summarise.js';
export * from './types.js';
