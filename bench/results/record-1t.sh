#!/usr/bin/env bash
# Records the issue-7 measurements on this machine into bench/results/, named by TAG (e.g. epyc-avx512):
#  1. forward and backward of the slice kernels at the LLC size, vector and onednn, 1 thread, at the CPU's own ISA
#     and vector width;
#  2. the same with oneDNN capped at AVX2 and the vector path at 256 bits (what an AVX2 machine runs);
#  3. relu and layer_norm forward at the DRAM size, against the copy roof;
#  4. the mixed heap/native JVM (MixedMemoryBench) for every slice kernel's forward at the L2 size.
# Every record carries cpu, jdk, onednn_isa and vector_bits. Needs the machine to itself: ~20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag=${1:?usage: bench/results/record-1t.sh TAG}
out=bench/results
kernels=relu,leaky_relu,layer_norm,rms_norm,softmax,log_softmax,gelu_erf,gelu_tanh,silu
timing=(--warmup-iterations 3 --warmup-seconds 0.5 --measure-iterations 5 --measure-seconds 0.5)

./normkit bench --kernels "$kernels" --directions forward,backward --paths vector,onednn --shapes llc \
    "${timing[@]}" --json "$out/llc-1t-$tag.json" | tee "$out/llc-1t-$tag.txt"
ONEDNN_MAX_CPU_ISA=AVX2 JDK_JAVA_OPTIONS=-Dnormkit.vector.bits=256 \
  ./normkit bench --kernels "$kernels" --directions forward,backward --paths vector,onednn --shapes llc \
    "${timing[@]}" --json "$out/llc-1t-$tag-avx2-256.json" | tee "$out/llc-1t-$tag-avx2-256.txt"
./normkit bench --kernels relu,layer_norm --directions forward --paths vector,onednn --shapes dram \
    "${timing[@]}" --json "$out/dram-1t-$tag.json" | tee "$out/dram-1t-$tag.txt"
./normkit mixed --kernels "$kernels" --paths vector --shapes l2 \
    --warmup-iterations 2 --warmup-seconds 0.5 --measure-iterations 5 --measure-seconds 0.5 \
    --json "$out/mixed-1t-$tag.json" | tee "$out/mixed-1t-$tag.txt"
