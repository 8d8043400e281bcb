#!/usr/bin/env bash
# Records the issue-10 scaling run into bench/results/, named by TAG: one call on 1 and on 2 threads (every path:
# Java chunks on normkit's pool, oneDNN on OpenMP threads) for layer norm, softmax and gelu erf at the LLC size,
# forward and backward. Needs the machine to itself: a few minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag=${1:?usage: bench/results/record-threads.sh TAG}
threads=${2:-1,2}
./normkit bench --kernels layer_norm,softmax,gelu_erf --directions forward,backward --paths vector,onednn \
    --shapes llc --threads "$threads" --warmup-iterations 3 --warmup-seconds 0.5 --measure-iterations 5 \
    --measure-seconds 0.5 --json "bench/results/threads-llc-$tag.json" | tee "bench/results/threads-llc-$tag.txt"
