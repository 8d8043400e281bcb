#!/usr/bin/env bash
# Records issue 9's batch norm measurement into bench/results/, named by TAG (e.g. epyc-avx512): forward (inference),
# forward_training and backward at the ResNet-50 stage 8x256x56x56, vector and onednn, 1 thread, NCHW and NHWC (one
# run each, so each file has its own copy roof), then inference forward on 1 and 2 threads per call.
# The warm-up is long on purpose: a call takes milliseconds, so C2 compiles the per-call driver methods only after
# several seconds, and with the forks' -Xbatch that compile stalls the call that triggers it (a single call of
# 1.5 s was seen); with 2 x 0.5 s of warm-up those stalls landed in the measured iterations.
# Needs the machine to itself: about 9 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag=${1:?usage: bench/results/record-batch-norm.sh TAG}
timing=(--warmup-iterations 4 --warmup-seconds 3 --measure-iterations 5 --measure-seconds 1 --forks 1)
for layout in nchw nhwc; do
    ./normkit bench --kernels batch_norm --shapes 8x256x56x56 --layouts "$layout" --paths vector,onednn \
        --directions forward,forward_training,backward "${timing[@]}" \
        --json "bench/results/batch-norm-resnet-$layout-1t-$tag.json" | tee "bench/results/batch-norm-resnet-$layout-1t-$tag.txt"
done
./normkit bench --kernels batch_norm --shapes 8x256x56x56 --layouts nchw,nhwc --paths vector,onednn \
    --directions forward --threads 1,2 --warmup-iterations 2 --warmup-seconds 1 --measure-iterations 5 \
    --measure-seconds 1 --json "bench/results/batch-norm-resnet-threads-$tag.json" \
    | tee "bench/results/batch-norm-resnet-threads-$tag.txt"
