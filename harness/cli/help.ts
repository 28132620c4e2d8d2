export const HELP = `tracebench: what does OpenTelemetry tracing cost your Node.js service, and did a change make it worse?

Usage:
  tracebench run [--config FILE] [--out DIR] [--rounds N] [--seed N] [--quiet]
  tracebench --help

Commands:
  run         Run the benchmark matrix of a config and write results.
              Without --config, the embedded default (configs/default.yaml) runs.

Options for run:
  --config FILE   YAML config (see README "Config reference"; JSON Schema in schema/).
  --out DIR       Reports folder; each run writes DIR/<run-id>/ and points DIR/latest at it.
                  Default: reports/ in the current folder.
  --rounds N      Override the config's rounds (each round runs every cell once, shuffled).
  --seed N        Override the shuffle seed (the seed used is always recorded).
  --quiet         No progress on stderr; the final table still goes to stdout.
  -h, --help      This text.

Output (in DIR/<run-id>/):
  results.jsonl   one line per trial, appended as each finishes
  results.json    the whole run: schemaVersion, environment, config, seed, cells with trials and summaries

Exit codes:
  0    the run finished (every trial that could run was recorded)
  1    a budget or regression check failed
  2    usage or config error: nothing was started
  3    the run itself failed: no trial could run (the sink could not start, every service crashed)
  130  interrupted (SIGINT/SIGTERM); what was measured so far is written
`;
