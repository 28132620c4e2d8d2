import { register } from 'node:module';

/**
 * The ESM half of zero-code instrumentation, as the OpenTelemetry docs set it up for Node 20: import-in-the-middle's
 * loader hook, so a module brought in by `import` (an ESM app's `node:http`, `fastify`) is patched as `require` is.
 * Preloaded with `--import` beside `--require @opentelemetry/auto-instrumentations-node/register` in zero-code cells.
 */
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
