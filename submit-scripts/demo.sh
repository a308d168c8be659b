#!/usr/bin/env bash
# The DetSearch demo in one command, on this machine with embedded Spark (local[*]):
# generates a synthetic COCO dataset, prepares it as Parquet shards, trains a small RetinaNet-style detector
# data-parallel (DL4J parameter averaging, one worker per core), evaluates it on the held-out split and prints
# the COCO metrics and where everything was written (default: ./demo-output, replaced on every run).
# Builds the project first when the application jar is missing (submit-scripts/detsearch does).
#   submit-scripts/demo.sh
#   submit-scripts/demo.sh --output /tmp/demo --epochs 4
#   submit-scripts/demo.sh -Ddemo.generate.train-images=800      (any demo.* key; see reference.conf)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exec "$root/submit-scripts/detsearch" demo "$@"
