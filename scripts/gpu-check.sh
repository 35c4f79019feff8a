#!/usr/bin/env bash
# One prepared check of amem's GPU path (docs/GPU.md "gpu-check"), meant to finish in under 6 minutes on an H100:
#   0. the JNI: AMEM_TORCH_ENV if set, else a torch.env found in the DJL cache, else built with --djl-src
#   1. matmul peak and `amem bench` on gpt2-n256 and gpt2-small in fp32, tf32 and fp16 (peak, tokens/s, MFU, and
#      MemoryBudget's estimate next to the GPU memory measured: in the bench CSV and by nvidia-smi polling)
#   2. a short GPT-2 training on the GPU, stopped at step 10 and resumed to 30, against 10 CPU steps of the same seed:
#      the first steps' losses must agree within 1e-3 (fp32 on both; TF32 off for this comparison), and an fp16
#      GPU run within 2e-2 of the CPU losses over the first steps
#   3. `amem collect` of the GPU run's activations on the GPU, and `amem analyze` radius on them
# Writes OUT/gpu-check.csv (check,precision,metric,value,unit,status) and OUT/summary.txt.
#
# usage: scripts/gpu-check.sh [--cpu] [--out DIR] [--djl-src DJL_CHECKOUT]
#   --cpu   the dry mode: every step on the CPU with tiny shapes (proves the script's logic without a GPU;
#           the comparison then is CPU against CPU and must agree exactly)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cpu=0 out="" djl_src=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cpu) cpu=1; shift ;;
    --out) out="${2:?}"; shift 2 ;;
    --djl-src) djl_src="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
out="${out:-$PWD/gpu-check-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out" || { echo "gpu-check: cannot create $out" >&2; exit 2; }
# The launcher: a bundle's bin/amem next to scripts/, else the repository's ./amem.
if [ -x "$root/bin/amem" ]; then amem="$root/bin/amem"; else amem="$root/amem"; fi
csv="$out/gpu-check.csv"
echo "check,precision,metric,value,unit,status" > "$csv"
log() { echo "gpu-check: $*" | tee -a "$out/summary.txt" >&2; }
row() { echo "$1,$2,$3,$4,$5,$6" >> "$csv"; }
started=$(date +%s)

# --- 0. device and JNI ---------------------------------------------------------------------------------------------
if [ "$cpu" = 1 ]; then
  # a CPU multiplies float16 matrices at under 1 GFLOP/s: small peak sizes keep the dry mode to minutes
  device=cpu shapes=tiny steps=2 warmup=1 peak=256,512 train_shape=(--set model.n_layer=1 --set model.n_embd=32 --set model.n_head=2)
  log "dry mode on the CPU (tiny shapes); nothing here measures a GPU"
else
  device=gpu shapes=gpt2-n256,gpt2-small steps=10 warmup=3 peak=2048,4096,8192 train_shape=(--set model.n_layer=4 --set model.n_embd=256 --set model.n_head=4)
  command -v nvidia-smi >/dev/null || { echo "gpu-check: no nvidia-smi: is this a GPU machine? (--cpu for the dry mode)" >&2; exit 2; }
  if [ -z "${AMEM_TORCH_ENV:-}" ]; then
    cache="${ENGINE_CACHE_DIR:-${DJL_CACHE_DIR:-$HOME/.djl.ai}}"
    found="$(find "$cache/pytorch" -maxdepth 2 -name torch.env 2>/dev/null | head -1)"
    if [ -n "$found" ]; then
      export AMEM_TORCH_ENV="$found"
    elif [ -n "$djl_src" ]; then
      t0=$(date +%s)
      "$here/djl-jni-build.sh" --djl-src "$djl_src" > "$out/jni-build.log" 2>&1 \
        || { log "JNI build FAILED (see $out/jni-build.log)"; row jni-build - seconds $(( $(date +%s) - t0 )) s fail; exit 1; }
      AMEM_TORCH_ENV="$(find "$cache/pytorch" -maxdepth 2 -name torch.env | head -1)"
      export AMEM_TORCH_ENV
      row jni-build - seconds $(( $(date +%s) - t0 )) s pass
    else
      log "no JNI for this machine's PyTorch: pass --djl-src DJL_CHECKOUT (or a bundle's djl-jni-src) or set AMEM_TORCH_ENV"
      exit 2
    fi
  fi
  log "using $AMEM_TORCH_ENV"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$out/summary.txt"
fi

# GPU memory used, polled every 100 ms while a command runs (the CUDA context and the caching allocator included).
poll_start() {
  [ "$cpu" = 1 ] && return 0
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$out/poll-$1.txt" 2>/dev/null &
  poller=$!
}
poll_stop() {
  [ "$cpu" = 1 ] && { echo NaN; return 0; }
  kill "$poller" 2>/dev/null; wait "$poller" 2>/dev/null
  sort -n "$out/poll-$1.txt" | tail -1
}

# --- 1. peaks and bench per precision ------------------------------------------------------------------------------
for p in fp32 tf32 fp16; do
  poll_start "bench-$p"
  if "$amem" bench --device "$device" --precision "$p" --shapes "$shapes" --steps "$steps" --warmup "$warmup" \
      --peak-sizes "$peak" --out "$out/bench-$p.csv" > "$out/bench-$p.log" 2>&1; then
    peak_mib="$(poll_stop "bench-$p")"
    # columns: shape, peak_gflops(6), train_tokens_per_s(8), mfu(10), gpu_mib(20), estimate_mib(22)
    awk -F, -v p="$p" -v polled="$peak_mib" 'NR > 1 {
        printf "bench-%s,%s,matmul_peak,%s,GFLOP/s,pass\n", $1, p, $6
        printf "bench-%s,%s,train_tokens_per_s,%s,tokens/s,pass\n", $1, p, $8
        printf "bench-%s,%s,mfu,%s,fraction,pass\n", $1, p, $10
        printf "bench-%s,%s,gpu_used_after_steps,%s,MiB,pass\n", $1, p, $20
        printf "bench-%s,%s,memory_estimate,%s,MiB,pass\n", $1, p, $22
      } END { printf "bench,%s,nvidia_smi_peak,%s,MiB,pass\n", p, polled }' "$out/bench-$p.csv" >> "$csv"
    log "bench $p: $(awk -F, 'NR > 1 { printf "%s %.0f tok/s (MFU %.1f%%, estimate %s MiB, used %s MiB)  ", $1, $8, 100 * $10, $22, $20 }' "$out/bench-$p.csv")"
  else
    poll_stop "bench-$p" > /dev/null
    row bench "$p" run - - fail
    log "bench $p FAILED (see $out/bench-$p.log)"
  fi
done

# --- 2. training: stop, resume, compare with the CPU ----------------------------------------------------------------
data="$out/data/qf"
"$amem" prepare qf --out "$data" --train-lines 20000 --dev-lines 500 --test-lines 500 --gen-lines 500 \
  > "$out/prepare.log" 2>&1 || { log "prepare qf FAILED (see $out/prepare.log)"; exit 1; }
# The schedule is fixed by decay_steps, so the CPU reference can stop at step 10 and still see the same learning rates.
common=(--preset qf-vanilla-tiny --set model.architecture=gpt2 --set model.dropout=0 --set "data.dir=$data"
        --set train.steps=30 --set train.decay_steps=30 --set train.warmup_steps=5 --set train.eval_interval=10
        --set train.checkpoint_interval=10 --set train.seed=7 "${train_shape[@]}")
train_and_resume() { # name precision device
  rm -rf "$out/runs/$1"
  "$amem" train "${common[@]}" --set "train.precision=$2" --device "$3" --run "$out/runs/$1" --pause-at 10 \
      > "$out/train-$1.log" 2>&1 \
    && "$amem" train --resume "$out/runs/$1" >> "$out/train-$1.log" 2>&1
}
cpu_reference() { # the first 10 steps on the CPU, float32
  rm -rf "$out/runs/cpu-fp32"
  "$amem" train "${common[@]}" --set train.precision=fp32 --device cpu --run "$out/runs/cpu-fp32" --pause-at 10 \
    > "$out/train-cpu-fp32.log" 2>&1
}
compare() { # name reference tolerance steps -> max |loss difference| over the first steps
  awk -F, -v n="$4" 'FNR == 1 { next } NR == FNR { if ($1 <= n) a[$1] = $4; next }
      ($1 in a) { d = $4 - a[$1]; d = d < 0 ? -d : d; if (d > m) m = d } END { printf "%.6g\n", m + 0 }' \
    "$out/runs/$2/metrics.csv" "$out/runs/$1/metrics.csv"
}
poll_start train
if cpu_reference && train_and_resume dev-fp32 fp32 "$device" && train_and_resume dev-fp16 fp16 "$device"; then
  row train-memory - nvidia_smi_peak "$(poll_stop train)" MiB pass
  for name in dev-fp32 dev-fp16; do
    steps_done="$(tail -1 "$out/runs/$name/metrics.csv" | cut -d, -f1)"
    [ "$steps_done" = 30 ] && status=pass || status=fail
    row "train-resume-$name" "${name#dev-}" steps_after_resume "$steps_done" steps "$status"
  done
  d32="$(compare dev-fp32 cpu-fp32 1e-3 10)"
  d16="$(compare dev-fp16 cpu-fp32 2e-2 10)"
  awk -v d="$d32" 'BEGIN { exit !(d <= 1e-3) }' && s32=pass || s32=fail
  awk -v d="$d16" 'BEGIN { exit !(d <= 2e-2) }' && s16=pass || s16=fail
  row train-vs-cpu fp32 max_loss_difference_steps_1_10 "$d32" nats "$s32"
  row train-vs-cpu fp16 max_loss_difference_steps_1_10 "$d16" nats "$s16"
  log "training: stopped at 10, resumed to 30; first 10 losses vs the CPU: fp32 max |diff| $d32 ($s32, <= 1e-3), fp16 $d16 ($s16, <= 2e-2)"
else
  poll_stop train > /dev/null
  row train - run - - fail
  log "training FAILED (see $out/train-*.log)"
fi

# --- 3. collect and radius on the device ---------------------------------------------------------------------------
poll_start collect
if "$amem" collect --run "$out/runs/dev-fp32" --device "$device" --hooks 'blocks.*.hook_resid_post' --tokens 4096 \
      --out "$out/acts" > "$out/collect.log" 2>&1 \
    && "$amem" analyze --activations "$out/acts" > "$out/analyze.log" 2>&1; then
  row collect - nvidia_smi_peak "$(poll_stop collect)" MiB pass
  row radius - output "$(find "$out" -name radius.csv | head -1)" file pass
  log "collect + radius: $(find "$out" -name radius.csv | head -1)"
else
  poll_stop collect > /dev/null
  row collect - run - - fail
  log "collect/analyze FAILED (see $out/collect.log, $out/analyze.log)"
fi

elapsed=$(( $(date +%s) - started ))
row total - seconds "$elapsed" s "$([ "$elapsed" -le 360 ] && echo pass || echo slow)"
failed="$(grep -c ',fail$' "$csv")"
log "done in ${elapsed} s; $failed failed check(s); $csv"
[ "$failed" = 0 ]
