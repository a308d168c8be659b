"""Airflow DAG: the nightly DetSearch sweep with SparkSubmitOperator, then its report.

The sweep is resumable: each night's run skips trials already DONE, retries FAILED ones (up to
sweep.execution.retries in all) and never duplicates a record, so the same task every night finishes an interrupted
sweep. Exit codes: 0 every trial done or skipped, 3 some trials failed, 1 the run failed. SparkSubmitOperator fails
the task on any non-zero code; the report runs whatever the sweep's outcome (trigger_rule all_done) so the
failures are in the report too.

Needs apache-airflow-providers-apache-spark and a connection "spark_gpu_cluster" (e.g. yarn).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

DETSEARCH = "/opt/detsearch"
APP_JAR = f"{DETSEARCH}/spark-jobs/target/detsearch-app.jar"
SWEEP_CONF = f"{DETSEARCH}/conf/efficientdet-compound-sweep.conf"
SWEEP_OUTPUT = "s3a://ml-sweeps/efficientdet/compound"  # sweep.output of the job file
TIME_SOURCE = "-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource"

EXECUTOR_CORES = 8
GPUS_PER_EXECUTOR = 2

# what both tasks submit: the application jar's CLI, in client mode (the task's exit code is then the CLI's)
DETSEARCH_CLI = dict(
    conn_id="spark_gpu_cluster",
    application=APP_JAR,
    java_class="org.detsearch.cli.Main",
    deploy_mode="client",
    packages="org.apache.hadoop:hadoop-aws:3.3.6",
)

with DAG(
    dag_id="detsearch_nightly_sweep",
    start_date=datetime(2024, 1, 1),
    schedule="30 1 * * *",
    catchup=False,
    max_active_runs=1,  # the sweep's lease refuses a second concurrent run anyway
    default_args={"retries": 0, "execution_timeout": timedelta(hours=20)},
    tags=["detsearch"],
) as dag:
    sweep = SparkSubmitOperator(
        task_id="sweep",
        name="detsearch sweep",
        num_executors=8,
        executor_cores=EXECUTOR_CORES,
        executor_memory="48g",
        driver_memory="8g",
        files=f"{SWEEP_CONF},{DETSEARCH}/submit-scripts/get-gpus-resources.sh",
        conf={
            # one trial per GPU: each task holds one GPU and binds ND4J to it
            "spark.executor.resource.gpu.amount": str(GPUS_PER_EXECUTOR),
            "spark.task.resource.gpu.amount": "1",
            "spark.executor.resource.gpu.discoveryScript": "./get-gpus-resources.sh",
            "spark.task.cpus": str(EXECUTOR_CORES // GPUS_PER_EXECUTOR),
            "spark.locality.wait": "0s",
            "spark.task.maxFailures": "4",
            "spark.executorEnv.OMP_NUM_THREADS": "1",
            "spark.driver.extraJavaOptions": TIME_SOURCE,
            "spark.executor.extraJavaOptions": TIME_SOURCE,
        },
        application_args=["sweep", "-c", SWEEP_CONF],
        **DETSEARCH_CLI,
    )

    report = SparkSubmitOperator(
        task_id="report",
        name="detsearch report",
        num_executors=1,
        application_args=["report", "--sweep", SWEEP_OUTPUT, "-c", SWEEP_CONF],
        trigger_rule="all_done",
        **DETSEARCH_CLI,
    )

    sweep >> report
