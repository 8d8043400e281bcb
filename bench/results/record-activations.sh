#!/usr/bin/env bash
# Records the activation catalogue's speed (issue 8) on this machine into bench/results/, named by TAG:
#  1. forward and backward of every activation at the LLC size, vector and onednn, 1 thread, at the CPU's own ISA and
#     vector width (the ratio vector/onednn is the target: >= 1.3 for the transcendental ones, >= 1.0 for the rest);
#  2. the same with oneDNN capped at AVX2 and the vector path at 256 bits (what an AVX2 machine runs);
#  3. the piecewise-linear ones' forward at the DRAM size, against the copy roof (target >= 0.9 of it).
# Activations oneDNN lacks are measured on vector alone (bench reports onednn unsupported with the reason).
# Every record carries cpu, jdk, onednn_isa and vector_bits. Needs the machine to itself: about an hour on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
tag=${1:?usage: bench/results/record-activations.sh TAG}
out=bench/results
kernels=${KERNELS:-relu,leaky_relu,relu6,hardtanh,leaky_hardtanh,leaky_hardtanh_inverse,hardsigmoid,hardswish,hardshrink,softshrink,abs,linear,clip,clip_v2,round,elu,selu,celu,softplus,sigmoid,log_sigmoid,tanh,tanhshrink,mish,swish,silu,exp,log,gelu_erf,gelu_tanh,sqrt,square,softsign,pow}
piecewise=relu,leaky_relu,relu6,hardtanh,hardsigmoid,hardswish,hardshrink,softshrink,abs,linear,clip,clip_v2,round
timing=(--warmup-iterations 2 --warmup-seconds 0.5 --measure-iterations 5 --measure-seconds 0.5)

./normkit bench --kernels "$kernels" --directions forward,backward --paths vector,onednn --shapes llc \
    "${timing[@]}" --json "$out/activations-llc-1t-$tag.json" | tee "$out/activations-llc-1t-$tag.txt"
ONEDNN_MAX_CPU_ISA=AVX2 JDK_JAVA_OPTIONS=-Dnormkit.vector.bits=256 \
  ./normkit bench --kernels "$kernels" --directions forward,backward --paths vector,onednn --shapes llc \
    "${timing[@]}" --json "$out/activations-llc-1t-$tag-avx2-256.json" \
    | tee "$out/activations-llc-1t-$tag-avx2-256.txt"
./normkit bench --kernels "$piecewise" --directions forward --paths vector,onednn --shapes dram \
    "${timing[@]}" --json "$out/activations-dram-1t-$tag.json" | tee "$out/activations-dram-1t-$tag.txt"
