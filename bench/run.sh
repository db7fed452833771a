#!/usr/bin/env bash
# bench/run.sh — the release-pipeline benchmark behind docs/performance.md (`make bench-report`).
#
# For each N it generates N synthetic descriptors (bench/cmd/synth: mixed FlinkJob/SparkApp when
# this build renders SparkApp) and measures, one after the other, under /usr/bin/time:
#   (a) gen render DIR                       all N jobs, one process, GOMAXPROCS workers
#   (b) helm template per descriptor         the helm CLI once per job with `gen values`' output;
#                                            measured on an evenly spread sample of SAMPLE jobs and
#                                            extrapolated linearly to N when N > SAMPLE
#   (c) bench/cmd/floor VALUES               Helm's engine alone, charts loaded once, GOMAXPROCS workers
# and prints a Markdown table: wall and CPU seconds, peak RSS, and the ratios.
# (a) and (c) run REPEAT times each, alternating (a c a c ...), and each column is the median
# of its runs: on a shared machine one run of each, seconds apart, can differ by 30 %.
#
# Usage: bench/run.sh [N...]   (default 100 1000 10000; env SAMPLE=100, REPEAT=3, HELM=.tools/bin/helm)
set -euo pipefail
cd "$(dirname "$0")/.."
SAMPLE=${SAMPLE:-100}
REPEAT=${REPEAT:-3}
HELM=${HELM:-.tools/bin/helm}
NS=("$@")
[ ${#NS[@]} -gt 0 ] || NS=(100 1000 10000)
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install -y time)" >&2; exit 1; }
[ -x "$HELM" ] || { echo "bench: no helm CLI at $HELM (make tools)" >&2; exit 1; }

BIN=$(mktemp -d)
WORK=$(mktemp -d)
trap 'rm -rf "$BIN" "$WORK"' EXIT
go build -o "$BIN/gen" ./cmd/gen
go build -o "$BIN/synth" ./bench/cmd/synth
go build -o "$BIN/floor" ./bench/cmd/floor
KUBE=$("$BIN/gen" render --help | sed -n 's/.*--kube-version string.*(default "\(.*\)")/\1/p')

# measure OUT CMD... : runs CMD with stdout to /dev/null; OUT gets "wall cpu maxrss_kb".
measure() {
  local out=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >/dev/null
  awk '{printf "%.2f %.2f %d\n", $1, $2+$3, $4}' "$WORK/time" >"$out"
}

# median OUT FILES... : OUT gets the median of each column over FILES (one "wall cpu rss" line each).
median() {
  local out=$1; shift
  cat "$@" | awk '{for (i = 1; i <= NF; i++) v[i, NR] = $i} END {
    for (i = 1; i <= 3; i++) { n = 0; for (r = 1; r <= NR; r++) a[++n] = v[i, r]
      for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
      m[i] = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    printf "%.2f %.2f %d\n", m[1], m[2], m[3] }' >"$out"
}

helm_loop() { # helm template for every values file listed in $1
  while read -r f; do
    rel=${f#"$WORK/values/"}; chart=${rel%%/*}; rest=${rel#*/}; ns=${rest%%/*}; name=$(basename "$rest" .yaml)
    "$HELM" template "$name" "charts/$chart" -n "$ns" -f "$f" --kube-version "$KUBE"
  done <"$1"
}
export -f helm_loop; export HELM KUBE WORK

echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB RAM, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go: $(go version | cut -d' ' -f3), helm: $("$HELM" version --short), kube-version: $KUBE"
echo "(a) and (c): median of $REPEAT alternating runs each; (b): one run"
echo
echo "| N | kinds | (a) gen render wall / CPU / RSS | (b) helm template wall / CPU / RSS | (c) engine floor wall / CPU / RSS | a/b wall | a/c wall | a/c CPU |"
echo "|---:|---|---|---|---|---:|---:|---:|"
for n in "${NS[@]}"; do
  rm -rf "$WORK/jobs" "$WORK/values"
  "$BIN/synth" -n "$n" -o "$WORK/jobs" -values "$WORK/values" 2>"$WORK/synth.err" || { cat "$WORK/synth.err" >&2; exit 1; }
  kinds="$(find "$WORK/values/flink-job" -name '*.yaml' 2>/dev/null | wc -l) Flink"
  [ -d "$WORK/values/spark-app" ] && kinds="$kinds + $(find "$WORK/values/spark-app" -name '*.yaml' | wc -l) Spark"
  find "$WORK/values" -name '*.yaml' | sort >"$WORK/all"
  total=$(wc -l <"$WORK/all")
  if [ "$total" -gt "$SAMPLE" ]; then
    awk -v n="$total" -v s="$SAMPLE" 'NR % int(n/s) == 0' "$WORK/all" | head -n "$SAMPLE" >"$WORK/sample"
  else
    cp "$WORK/all" "$WORK/sample"
  fi
  sampled=$(wc -l <"$WORK/sample")
  for r in $(seq "$REPEAT"); do
    measure "$WORK/a.$r" "$BIN/gen" render "$WORK/jobs"
    measure "$WORK/c.$r" "$BIN/floor" "$WORK/values"
  done
  median "$WORK/a" "$WORK"/a.*; median "$WORK/c" "$WORK"/c.*; rm -f "$WORK"/a.* "$WORK"/c.*
  measure "$WORK/b" bash -c 'helm_loop "$WORK/sample"'
  read -r aw ac ar <"$WORK/a"; read -r bw bc br <"$WORK/b"; read -r cw cc cr <"$WORK/c"
  scale=$(awk -v t="$total" -v s="$sampled" 'BEGIN{printf "%.4f", t/s}')
  note=""; [ "$sampled" -lt "$total" ] && note=" (${sampled} measured, ×${scale%.*})"
  awk -v n="$n" -v k="$kinds" -v aw="$aw" -v ac="$ac" -v ar="$ar" -v bw="$bw" -v bc="$bc" -v br="$br" \
      -v cw="$cw" -v cc="$cc" -v cr="$cr" -v sc="$scale" -v note="$note" 'BEGIN{
    bw*=sc; bc*=sc
    printf "| %d | %s | %.2f s / %.2f s / %.0f MiB | %.1f s / %.1f s / %.0f MiB%s | %.2f s / %.2f s / %.0f MiB | %.1f× faster | %.2f | %.2f |\n",
      n, k, aw, ac, ar/1024, bw, bc, br/1024, note, cw, cc, cr/1024, bw/aw, aw/cw, ac/cc }'
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
