export const HELP = `tracebench: what does OpenTelemetry tracing cost your Node.js service, and did a change make it worse?

Usage:
  tracebench run [--config FILE] [--out DIR] [--rounds N] [--seed N] [--budgets FILE] [--threshold P] [--strict] [--quiet]
                 [--profile] [--until-decided] [--max-minutes N] [--calibration FILE] [--shard K/N | --shards N]
                 [--resume DIR]
  tracebench plan [--config FILE] [--shards N] [--format text|json|github|k8s] [--rounds N] [--seed N]
                  [--image IMAGE] [--name NAME] [--claim PVC] [--parallelism N]
  tracebench merge DIR... --out DIR [--allow-missing] [--threshold P] [--strict]
  tracebench report RESULTS.json|DIR [--out FILE] [--threshold P]
  tracebench compare BASE.json|BASE-DIR HEAD.json [--last N] [--threshold P] [--budgets FILE] [--strict]
                     [--summary FILE] [--junit FILE] [--export bencher|gab FILE]
  tracebench calibrate [--config FILE] [--cell ID] [--rounds N] [--threshold P] [--with-baseline] [--out DIR]
  tracebench calibrate --method windows [--config FILE] [--cell ID] [--runs N] [--out DIR] [--write FILE]
  tracebench calibrate --from RESULTS.json[,RESULTS.json...] [--write FILE]
  tracebench micro [--suite NAME]... [--quick] [--rounds N] [--budgets FILE] [--strict] [--out DIR]
                   [--variant NAME=DIR --variant NAME=DIR | --config FILE] [--threshold P]
  tracebench import FILE --format otlp-json|jaeger|zipkin [--out FILE] [--name NAME] [--max-cpu-us-per-span N]
  tracebench --help

Commands:
  run         Run the benchmark matrix of a config, judge its budgets (and its variants, for a same-run A/B),
              and write results and views. Without --config, the embedded default (configs/default.yaml) runs.
  plan        Print the plan of a config without running it, split into --shards N by estimated time: as text,
              JSON, a GitHub Actions matrix (strategy.matrix: fromJSON) or a Kubernetes Indexed Job.
  merge       One results.json (and summary.md, junit.xml, report.html) from the run folders of a plan's shards;
              refuses (exit 2) shards of different plans, configs, tool or schema versions, a shard given twice or
              missing (--allow-missing merges without it, and says which cells are absent).
  report      Rebuild report.html, summary.md and junit.xml from a results.json without re-running. For a run folder
              whose results.json is missing (the harness was killed), first rebuild it from results.jsonl, marked
              interrupted. Never writes over its input.
  compare     Regression verdicts of HEAD against BASE per cell present in both (different runs: unpaired), and per
              micro-benchmark task when both hold micro results (default limit +10% ns/op, or --budgets).
  calibrate   A/A rounds of one cell: the noise floor of CPU per request and the rounds a threshold needs. The
              baseline is not run unless --with-baseline. With --method windows: --runs A/A windows comparisons
              (default 6), or --from earlier windows results, pooled into calibration.json (how much the service's
              processes differ on this machine), for run --calibration.
  micro       tinybench suites of the SDK's primitives (span, propagation, sampler, processor, serialize), each in
              its own worker, --rounds times (default 3, each round fresh workers); ns per operation and the
              published claims side by side. Writes results.json, summary.md, report.html and junit.xml. With two
              --variant NAME=DIR (a project or its node_modules), every suite runs against each one's
              @opentelemetry/* packages, interleaved, and each task's change is judged (micro A/B, exit 1 on fail).
  import      Turn a trace export (OTLP/JSON or JSON Lines, Jaeger JSON, Zipkin v2 JSON; at most 256 MiB) into a
              workload shape YAML (to --out, else stdout); a summary of traces, routes, repairs and heuristics goes
              to stderr. CPU vs wait is guessed: see docs/import.md.

Options:
  --config FILE     YAML config (see docs/config.md; JSON Schema in schema/).
  --out DIR         Reports folder; each run writes DIR/<run-id>/ and points DIR/latest at it. Default: reports/.
                    For report: the HTML file to write (default: report.html beside RESULTS.json); its folder is
                    created. An output that is an input (or a folder where a file is meant, or the reverse) is
                    refused with exit 2.
                    For import: the workload YAML to write (default: stdout).
  --shard K/N       run: measure shard K of N (also TRACEBENCH_SHARD=K/N, or a Kubernetes Indexed Job's
                    JOB_COMPLETION_INDEX with --shards N or TRACEBENCH_SHARDS=N). Every shard runs the baseline in
                    every round; the config needs a seed (or pass --seed) so the shards share one plan.
  --resume DIR      run: continue the run in DIR, skipping trials its results.jsonl holds (a trial cut short by the
                    interrupt is measured again); refused (exit 2) when the plan changed. An empty or absent DIR
                    starts the run there, so a retried CI job can pass the same folder.
  --last N          compare: BASE is a folder of earlier runs (a baseline series): pool the most recent N complete
                    runs of HEAD's config (default 5).
  --export F FILE   compare: also write HEAD as Bencher Metric Format (bencher) or github-action-benchmark
                    customSmallerIsBetter (gab) JSON to FILE.
  --rounds N        Override the config's rounds (each round runs every cell once, shuffled).
  --seed N          Override the shuffle seed (the seed used is always recorded).
  --budgets FILE    Budgets YAML (budgets: [...]) judged with the config's own; see configs/budgets.yaml.
  --threshold P     Regression threshold for compare and same-run A/B, e.g. 5% (default 5%).
  --strict          Inconclusive checks fail too (exit 1).
  --budgets FILE    (also micro and compare: micro.nsPerOp limits, e.g. < 2µs or +10%)
  --until-decided   run: measure by the windows method (method: windows) and stop each comparison as soon as its
                    sequential interval is pass or fail against method.limitPct (default 3%), or against
                    every cpuUsPerRequest: +N% budget that covers it.
  --max-minutes N   run: wall time per windows comparison, warm-up included (method.maxMinutes, default 3).
  --calibration FILE
                    run (windows method): a calibration.json of this machine (calibrate --method windows), pooled
                    with each comparison's own process sets where they fit it (method.calibration).
  --cell ID         calibrate: the cell to measure (default: the first traced cell).
  --runs N          calibrate --method windows: A/A comparisons to pool (default 6).
  --from FILES      calibrate: pool the windows comparisons of these results.json files instead of measuring.
  --write FILE      calibrate --method windows / --from: where calibration.json goes (default: in --out).
  --with-baseline   calibrate: also run the baseline (A/A), which the noise floor of a traced cell does not need.
  --variant NAME=DIR
                    micro: one side of a micro A/B (give two; the first is the reference). Or --config FILE:
                    its two variants, each with the node_modules its entry resolves. For micro, --threshold is
                    the default limit on a task's ns/op change (default 10%).
  --summary FILE    compare: write the markdown summary there (and to $GITHUB_STEP_SUMMARY when set).
  --junit FILE      compare: write JUnit XML there.
  --quiet           No progress on stderr.
  --profile         run: profile every cell in an extra window (<trial>.cpuprofile beside results.json).
  --format F        import: the export's format: otlp-json, jaeger or zipkin.
  --name NAME       import: the workload's name (default: the file name without extension).
  --max-cpu-us-per-span N
                    import: self time of a non-CLIENT/PRODUCER span above N µs counts as wait, not CPU (default 200).
  -h, --help        This text.

Output of run (in DIR/<run-id>/):
  results.jsonl   one line per trial, appended as each finishes
  run-header.json the run's config, environment and plan, written before the first trial
  results.json    the whole run: schemaVersion, environment, config, seed, cells with trials and summaries
                  (JSON Schema: schema/tracebench.results.schema.json; compare and report validate against it)
  report.html     the self-contained report (opens from disk, no network)
  summary.md      verdict first: errors (why nothing could be judged) first, then failures (also appended to
                  $GITHUB_STEP_SUMMARY when set)
  junit.xml       one test case per budget and A/B check, and an <error> per cell with no valid trial

Exit codes:
  0    finished, every cell had a valid trial, and no budget or regression check failed
  1    a budget or regression check failed (with --strict, an inconclusive one too)
  2    usage or config error: nothing was started (compare, report: a results file that is not valid results,
       e.g. a figure that is not a number; an output that would overwrite an input)
  3    the run itself failed: a cell has no valid trial (every trial invalid or crashed: verdict "error", the
       reason first in summary.md), a check compares against such a cell, or no trial could run (the sink could
       not start); compare: BASE or HEAD holds no valid measurement
  130  interrupted (SIGINT/SIGTERM); what was measured so far is written
`;
