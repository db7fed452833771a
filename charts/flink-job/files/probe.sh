#!/usr/bin/env bash
# Job-aware probe for the Flink JobManager. Needs only bash and curl (the Flink image has no jq).
# usage: probe.sh startup|liveness|readiness JOB_ID
#   startup    succeeds once the JobManager knows the job (any state)
#   liveness   fails when the REST API does not answer, the job is missing or SUSPENDED;
#              a globally terminal job (FINISHED, FAILED, CANCELED) stays alive: a restart
#              would not bring it back (HA) or would re-run it without its state
#   readiness  succeeds only while the job is RUNNING
# The kubelet turns consecutive failures into a restart after failureThreshold * periodSeconds.
set -u
mode=${1:?mode} job=${2:?job id}
url="${FLINK_PROBE_URL:-http://127.0.0.1:8081}/jobs/${job}"
out=$(curl --silent --show-error --max-time 4 --write-out '\n%{http_code}' "$url" 2>&1) || {
  echo "REST API not answering at $url: ${out##*$'\n'}"
  exit 1
}
code=${out##*$'\n'}
body=${out%$'\n'*}
case "$code" in
  200) ;;
  404) echo "job $job is not known to the JobManager"; exit 1 ;;
  *) echo "REST API answered HTTP $code"; exit 1 ;;
esac
state=$(printf '%s' "$body" | grep -o '"state"[[:space:]]*:[[:space:]]*"[A-Z_]*"' | head -n 1 | sed 's/.*"\([A-Z_]*\)"$/\1/')
echo "job $job is ${state:-in an unknown state}"
case "$mode" in
  startup) exit 0 ;;
  liveness) [ "$state" != SUSPENDED ] ;;
  readiness) [ "$state" = RUNNING ] ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
