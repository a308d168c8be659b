#!/usr/bin/env bash
# Runs a DetSearch sweep on a Spark cluster with spark-submit (through submit.sh), one trial per Spark task:
# on GPU clusters one trial per GPU, on CPU clusters --trials-per-executor trials per executor sharing its cores.
#
#   submit-scripts/sweep.sh [cluster options] [sweep options] -- -c sweep.conf [-Dkey=value ...]
#
# Cluster options are submit.sh's (--master, --deploy-mode, --num-executors, --executor-cores, --executor-memory,
# --driver-memory, --gpus-per-executor N, --s3, --hadoop-version, --conf KEY=VALUE); see submit.sh --help.
# Sweep options:
#   --trials-per-executor K  [$TRIALS_PER_EXECUTOR or 1]  CPU clusters: trials running side by side in one
#                            executor; each gets executor-cores / K cores (spark.task.cpus), and ND4J as many
#                            threads. With --gpus-per-executor N it is N (one trial per GPU).
#   --report                 after the sweep, render its report into <sweep.output>/report (the same job file)
# Exit code: the sweep's (0 every trial done or skipped, 3 some trials failed, 1 the run failed, 2 bad usage)
# in client deploy mode; in cluster mode spark-submit reports only whether the driver failed (0 or 1).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
executor_cores="${EXECUTOR_CORES:-4}"; gpus="${GPUS_PER_EXECUTOR:-0}"; per_executor="${TRIALS_PER_EXECUTOR:-1}"
report=false; cluster=(); job=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --trials-per-executor) per_executor="$2"; shift 2 ;;
    --report) report=true; shift ;;
    --executor-cores) executor_cores="$2"; cluster+=("$1" "$2"); shift 2 ;;
    --gpus-per-executor) gpus="$2"; cluster+=("$1" "$2"); shift 2 ;;
    --s3) cluster+=("$1"); shift ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
    --) shift; job=("$@"); break ;;
    --*) cluster+=("$1" "$2"); shift 2 ;;
    *) echo "sweep.sh: unexpected $1 (the sweep's -c FILE and -D overrides come after --)" >&2; exit 2 ;;
  esac
done
[[ ${#job[@]} -gt 0 ]] || { echo "sweep.sh: no -c sweep.conf after --" >&2; exit 2; }
# the sweep's shorthands as keys, so that the report below reads the same sweep folder
for ((i = 0; i < ${#job[@]}; i++)); do
  case "${job[$i]}" in
    --output) job[$i]="-Dsweep.output=${job[$((i + 1))]}"; unset 'job[$((i + 1))]'; job=("${job[@]}") ;;
    --dry-run) job[$i]="-Dsweep.dry-run=true" ;;
  esac
done
if [[ "$gpus" -gt 0 ]]; then per_executor="$gpus"; fi
if [[ "$per_executor" -lt 1 || "$executor_cores" -lt "$per_executor" ]]; then
  echo "sweep.sh: $per_executor trials per executor need at least as many executor cores (have $executor_cores)" >&2; exit 2
fi
task_cpus=$((executor_cores / per_executor))

# Trials have no data locality worth waiting for (each reads its own shards): schedule them at once.
# A trial is one task: let Spark retry a task lost with its executor a few times (records are never duplicated).
set +e
"$here/submit.sh" "${cluster[@]}" \
  --conf "spark.task.cpus=$task_cpus" \
  --conf "spark.locality.wait=0s" \
  --conf "spark.task.maxFailures=${TASK_MAX_FAILURES:-4}" \
  -- sweep "${job[@]}"
code=$?
set -e
if [[ "$report" == true && ( "$code" -eq 0 || "$code" -eq 3 ) ]]; then
  # report reads the sweep folder from the same job file and overrides (sweep.output); it needs no executors
  "$here/submit.sh" "${cluster[@]}" --num-executors 1 -- report "${job[@]}" || true
fi
exit "$code"
