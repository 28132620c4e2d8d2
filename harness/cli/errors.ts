// The error classes live in the bottom layer so every stage can throw them; the CLI maps them to exit codes.
export * from '../errors.js';
