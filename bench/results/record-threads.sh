#!/usr/bin/env bash
# Records the issue-10 scaling run into bench/results/, named by TAG: one call on 1 and on 2 threads (every path:
# Java chunks on normkit's pool, oneDNN on OpenMP threads) for layer norm, softmax and gelu erf at the LLC size,
# forward and backward, then the cut-off measurement below. Needs the machine to itself: a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag=${1:?usage: bench/results/record-threads.sh TAG}
threads=${2:-1,2}
./normkit bench --kernels layer_norm,softmax,gelu_erf --directions forward,backward --paths vector,onednn \
    --shapes llc --threads "$threads" --warmup-iterations 3 --warmup-seconds 0.5 --measure-iterations 5 \
    --measure-seconds 0.5 --json "bench/results/threads-llc-$tag.json" | tee "bench/results/threads-llc-$tag.txt"
# The break-even of one call on 2 threads (Parallelism.MIN_PARALLEL_FLOATS): the cut-off lowered to 0 so that every
# shape splits (chunks of at least 16,384 floats), on the vector path, forward, below and at the default cut-off.
JDK_JAVA_OPTIONS=-Dnormkit.parallel.minFloats=0 \
  ./normkit bench --kernels layer_norm,softmax,relu --directions forward --paths vector \
    --shapes 16x1024,32x1024,64x1024,128x1024 --threads 1,2 --warmup-iterations 3 --warmup-seconds 0.5 \
    --measure-iterations 5 --measure-seconds 0.5 --json "bench/results/threads-cutoff-$tag.json" \
    | tee "bench/results/threads-cutoff-$tag.txt"
