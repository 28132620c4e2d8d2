// Layers from the bottom up; a module may import its own layer or one below, never one above (docs/layout.md).
// `folders` place a whole folder; `files` place a file by what it holds where its folder is named for a neighbour,
// and win over `folders`.
const LAYERS = [
  {
    name: 'base',
    files: ['^harness/(text|errors)[.]ts$', '^harness/stats/(binomial|interval|student-t|power|types|steady|nested|sequential)[.]ts$'],
  },
  {
    name: 'config',
    folders: ['^harness/config/'],
    // The budgets and tail-sampling sections of the config, declared next to the stages that use them.
    files: ['^harness/budget/(schema|types|limit)[.]ts$', '^harness/sink/tail/(schema|types)[.]ts$'],
  },
  { name: 'workload', folders: ['^workloads/shape/'] },
  { name: 'plan', folders: ['^harness/plan/'] },
  // results/environment.ts describes the host, read by micro and the probe-cost bench as much as by a run.
  { name: 'target', folders: ['^harness/(target|probe)/'], files: ['^harness/results/environment[.]ts$'] },
  { name: 'load-sink', folders: ['^harness/(load|sink|micro|import)/'] },
  // Below run, which writes them; micro/document.ts wraps micro results in a results document.
  { name: 'results', folders: ['^harness/results/'], files: ['^harness/micro/document[.]ts$'] },
  { name: 'run', folders: ['^harness/run/'] },
  { name: 'stats', folders: ['^harness/stats/'] },
  { name: 'budget', folders: ['^harness/budget/'] },
  { name: 'report', folders: ['^harness/report/'] },
  // Self-benchmarks drive the reference service through a whole run.
  { name: 'bench', folders: ['^harness/bench/'] },
  { name: 'cli', folders: ['^harness/cli/'] },
];

const all = (layers, key) => layers.flatMap((l) => l[key] ?? []);
const patterns = (layers) => [...all(layers, 'folders'), ...all(layers, 'files')];

const upward = LAYERS.slice(0, -1).map((layer, i) => {
  const others = LAYERS.filter((_, j) => j !== i);
  return {
    name: `upward-from-${layer.name}`,
    comment: `${layer.name} may import only its own layer or one below it`,
    severity: 'error',
    from: { path: patterns([layer]), pathNot: all(others, 'files') },
    to: { path: patterns(LAYERS.slice(i + 1)), pathNot: all(LAYERS.slice(0, i + 1), 'files') },
  };
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'no import cycles', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'not-in-a-layer',
      comment: 'every harness module belongs to a layer: a new or moved folder is added to LAYERS',
      severity: 'error',
      from: { path: '^harness/', pathNot: patterns(LAYERS) },
      to: {},
    },
    {
      name: 'workloads-below-harness',
      comment: 'workloads/ use only the bottom and config layers of harness/',
      severity: 'error',
      from: { path: '^workloads/' },
      to: { path: '^harness/', pathNot: patterns(LAYERS.slice(0, 2)) },
    },
    {
      name: 'harness-not-into-reference-service',
      comment: 'harness/ reads the workload language, not the reference service (handle.ts is the probe contract)',
      severity: 'error',
      from: { path: '^harness/' },
      to: { path: '^workloads/(service|apps)/', pathNot: '^workloads/service/handle[.]ts$' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
