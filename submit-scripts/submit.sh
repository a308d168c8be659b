#!/usr/bin/env bash
# Submits a DetSearch job to a Spark cluster with spark-submit. Same subcommands as submit-scripts/detsearch.
#
#   submit-scripts/submit.sh [cluster options] -- SUBCOMMAND [-c job.conf] [args...]
#
# Cluster options (defaults in brackets; each also from the environment variable named):
#   --master URL             [$SPARK_MASTER or yarn]     spark://host:7077, yarn, k8s://https://...
#   --deploy-mode MODE       [$DEPLOY_MODE or client]    client or cluster
#   --num-executors N        [$NUM_EXECUTORS or 2]
#   --executor-cores N       [$EXECUTOR_CORES or 4]
#   --executor-memory SIZE   [$EXECUTOR_MEMORY or 16g]
#   --driver-memory SIZE     [$DRIVER_MEMORY or 8g]
#   --gpus-per-executor N    [$GPUS_PER_EXECUTOR or 0]   >0 requests GPUs, one per task, with discovery
#   --s3                     add hadoop-aws for s3a:// paths (its version must match the cluster's Hadoop)
#   --hadoop-version V       [$HADOOP_VERSION or 3.3.6]  version of hadoop-aws for --s3
#   --conf KEY=VALUE         any extra Spark setting (repeatable)
# The -c FILE after the subcommand is shipped with --files and read from the driver's working directory
# in cluster mode. Extra jars or settings: SPARK_SUBMIT_EXTRA_ARGS.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
app="${DETSEARCH_APP_JAR:-$root/spark-jobs/target/detsearch-app.jar}"
master="${SPARK_MASTER:-yarn}"; deploy_mode="${DEPLOY_MODE:-client}"
num_executors="${NUM_EXECUTORS:-2}"; executor_cores="${EXECUTOR_CORES:-4}"
executor_memory="${EXECUTOR_MEMORY:-16g}"; driver_memory="${DRIVER_MEMORY:-8g}"
gpus="${GPUS_PER_EXECUTOR:-0}"; s3=false; hadoop_version="${HADOOP_VERSION:-3.3.6}"
extra=()
usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) master="$2"; shift 2 ;;
    --deploy-mode) deploy_mode="$2"; shift 2 ;;
    --num-executors) num_executors="$2"; shift 2 ;;
    --executor-cores) executor_cores="$2"; shift 2 ;;
    --executor-memory) executor_memory="$2"; shift 2 ;;
    --driver-memory) driver_memory="$2"; shift 2 ;;
    --gpus-per-executor) gpus="$2"; shift 2 ;;
    --s3) s3=true; shift ;;
    --hadoop-version) hadoop_version="$2"; shift 2 ;;
    --conf) extra+=(--conf "$2"); shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    *) echo "submit.sh: unknown option $1 (cluster options come before --)" >&2; usage ;;
  esac
done
[[ $# -gt 0 ]] || { echo "submit.sh: no subcommand after --" >&2; usage; }
[[ -f "$app" ]] || { echo "submit.sh: $app not found; build it with ./mvnw -DskipTests package" >&2; exit 2; }

# Ship the job's config file and point the job at the shipped copy in cluster mode.
files=(); job_args=()
while [[ $# -gt 0 ]]; do
  if [[ "$1" == "-c" || "$1" == "--config" ]]; then
    conf_file="$2"; [[ -f "$conf_file" ]] || { echo "submit.sh: config file $conf_file not found" >&2; exit 2; }
    files+=("$conf_file")
    if [[ "$deploy_mode" == "cluster" ]]; then job_args+=("$1" "$(basename "$conf_file")"); else job_args+=("$1" "$conf_file"); fi
    shift 2
  else
    job_args+=("$1"); shift
  fi
done

gpu_conf=()
if [[ "$gpus" -gt 0 ]]; then
  files+=("$root/submit-scripts/get-gpus-resources.sh")
  gpu_conf=(--conf "spark.executor.resource.gpu.amount=$gpus"
            --conf "spark.task.resource.gpu.amount=1"
            --conf "spark.executor.resource.gpu.discoveryScript=./get-gpus-resources.sh"
            --conf "spark.executorEnv.OMP_NUM_THREADS=1")
fi
# The executors' CPUs are not known here: an OPENBLAS_CORETYPE you set (see nd4j-threads) is passed to them.
blas_conf=()
if [[ -n "${OPENBLAS_CORETYPE:-}" ]]; then
  blas_conf=(--conf "spark.executorEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
fi
packages=()
if [[ "$s3" == true ]]; then packages=(--packages "org.apache.hadoop:hadoop-aws:$hadoop_version"); fi
files_arg=()
if [[ ${#files[@]} -gt 0 ]]; then files_arg=(--files "$(IFS=,; echo "${files[*]}")"); fi
time_source="-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"

# shellcheck disable=SC2086
exec "${SPARK_HOME:+$SPARK_HOME/bin/}spark-submit" \
  --master "$master" --deploy-mode "$deploy_mode" \
  --name "detsearch ${job_args[0]}" \
  --class org.detsearch.cli.Main \
  --num-executors "$num_executors" --executor-cores "$executor_cores" \
  --executor-memory "$executor_memory" --driver-memory "$driver_memory" \
  --conf "spark.driver.extraJavaOptions=$time_source" \
  --conf "spark.executor.extraJavaOptions=$time_source" \
  --conf "spark.executorEnv.OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}" \
  "${gpu_conf[@]}" "${blas_conf[@]}" "${packages[@]}" "${files_arg[@]}" "${extra[@]}" ${SPARK_SUBMIT_EXTRA_ARGS:-} \
  "$app" "${job_args[@]}"
