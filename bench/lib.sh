#!/usr/bin/env bash
# Sourced by the cluster benches, not executed: what every REPORT.md section states about its run.
# shellcheck disable=SC2034  # the variables are used by the scripts that source this file
# bench_begin: the commit (+dirty when the tree, REPORT.md aside, differs), the start time and the load then.
bench_begin() {
  commit=${RG_BENCH_COMMIT:-"$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench/REPORT.md' || echo '+dirty')"}
  started=$(date -u +%FT%TZ)
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
}

# bench_machine: the section's first sentence (call at the end, after the run, for the load then).
bench_machine() {
  echo "Commit $commit; local single-node cluster, $(nproc) cores; load average (1/5/15 min) $load_start at start,"
}
