#!/usr/bin/env bash
# Records issue 9's speed targets into bench/results/, named by TAG (e.g. epyc-avx512): vector against onednn at 1
# thread on the real shapes, every direction: batch norm at the ResNet-50 stage 8x256x56x56 (NCHW and NHWC), group
# norm at Stable Diffusion's 2x320x64x64 with 32 groups, LRN at AlexNet's 8x96x55x55 (size 5; NCHW and NHWC). One run
# per kernel and layout, so each file has its own copy roof. Batch norm gets the long warm-up record-batch-norm.sh
# explains (its per-call drivers compile late). Needs the machine to itself: about 9 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag=${1:?usage: bench/results/record-normalizations.sh TAG}
out=bench/results
long=(--warmup-iterations 4 --warmup-seconds 3 --measure-iterations 5 --measure-seconds 1 --forks 1)
short=(--warmup-iterations 3 --warmup-seconds 2 --measure-iterations 5 --measure-seconds 1 --forks 1)
for layout in nchw nhwc; do
    ./normkit bench --kernels batch_norm --shapes 8x256x56x56 --layouts "$layout" --paths vector,onednn \
        --directions forward,forward_training,backward "${long[@]}" \
        --json "$out/batch-norm-resnet-$layout-1t-$tag.json" | tee "$out/batch-norm-resnet-$layout-1t-$tag.txt"
done
./normkit bench --kernels group_norm --shapes 2x320x64x64 --paths vector,onednn \
    --directions forward,forward_training,backward "${short[@]}" \
    --json "$out/group-norm-sd-1t-$tag.json" | tee "$out/group-norm-sd-1t-$tag.txt"
for layout in nchw nhwc; do
    ./normkit bench --kernels lrn --shapes 8x96x55x55 --layouts "$layout" --paths vector,onednn \
        --directions forward,backward "${short[@]}" \
        --json "$out/lrn-alexnet-$layout-1t-$tag.json" | tee "$out/lrn-alexnet-$layout-1t-$tag.txt"
done
