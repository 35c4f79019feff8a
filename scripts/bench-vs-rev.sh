#!/usr/bin/env bash
# Side by side: `amem bench` of one shape on this working tree and on an earlier git revision, alternating, on this
# machine; prints each round's ms per step (with the forward, backward, sync and update phases), the medians and the
# ratio. This is how docs/PERFORMANCE.md measures one change against the code before it.
#
#   bash scripts/bench-vs-rev.sh REV [ROUNDS] [-- BENCH_ARGS...]
#
# REV: the revision to compare with (e.g. HEAD~1 or a commit hash); it is checked out and built once in
# $WORK/rev-<hash> (a git worktree, default WORK=/tmp/amem-bench-vs-rev). ROUNDS: alternating rounds (default 5).
# BENCH_ARGS: what `amem bench` gets in both trees (default: --shapes qf-vanilla --loss unfused
# --set data.line_order=bucketed --steps 80 --warmup 5 --peak-sizes 512); the first shape's first row is compared.
# Run it on a quiet machine: on a shared 2-core VM one run varies by up to 20 %, which is why the two alternate.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
if [ $# -lt 1 ]; then
  echo "usage: bash scripts/bench-vs-rev.sh REV [ROUNDS] [-- BENCH_ARGS...]" >&2
  exit 2
fi
rev="$1"; shift
rounds=5
if [ $# -gt 0 ] && [ "$1" != "--" ]; then rounds="$1"; shift; fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
bench_args=("$@")
[ ${#bench_args[@]} -eq 0 ] && bench_args=(--shapes qf-vanilla --loss unfused --set data.line_order=bucketed
  --steps 80 --warmup 5 --peak-sizes 512)
hash=$(git -C "$root" rev-parse --verify --quiet "$rev^{commit}") \
  || { echo "bench-vs-rev: $rev is not a revision of $root; give a commit hash, a tag or e.g. HEAD~1" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "bench-vs-rev: ROUNDS must be a positive whole number, not $rounds" >&2; exit 2; }
work="${WORK:-/tmp/amem-bench-vs-rev}"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
old="$work/rev-${hash:0:12}"
mkdir -p "$work"
if [ ! -d "$old" ]; then
  echo "bench-vs-rev: checking out ${hash:0:12} into $old" >&2
  git -C "$root" worktree add --detach "$old" "$hash" > /dev/null
fi
echo "bench-vs-rev: building both trees (once each) ..." >&2
"$old/amem" --version > /dev/null
"$root/amem" --version > /dev/null

# "ms fwd bwd sync update" of the first data row (columns: BenchResult.CSV_HEADER)
phases() { awk -F, 'NR == 2 {printf "%s %s %s %s %s", $10, $14, $15, $16, $17; exit}' "$1"; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
old_ms=""; new_ms=""
echo "| round | ${hash:0:12} ms/step (fwd / bwd / sync / update) | working tree ms/step (fwd / bwd / sync / update) | ratio |"
echo "|---|---|---|---|"
for r in $(seq "$rounds"); do
  for side in old new; do
    tree=$([ "$side" = old ] && echo "$old" || echo "$root")
    (cd "$tree" && ./amem bench "${bench_args[@]}" --out "$work/$side-$r.csv" > "$work/$side-$r.log" 2>&1) \
      || { echo "bench-vs-rev: amem bench failed in $tree (see $work/$side-$r.log)" >&2; exit 1; }
  done
  read -r om of ob os ou <<< "$(phases "$work/old-$r.csv")"
  read -r nm nf nb ns nu <<< "$(phases "$work/new-$r.csv")"
  old_ms+=" $om"; new_ms+=" $nm"
  echo "| $r | $om ($of / $ob / $os / $ou) | $nm ($nf / $nb / $ns / $nu) | $(awk -v a="$om" -v b="$nm" 'BEGIN {printf "%.2f×", a / b}') |"
done
mo=$(echo "$old_ms" | median); mn=$(echo "$new_ms" | median)
echo
echo "medians: ${hash:0:12} $mo ms/step, working tree $mn ms/step: $(awk -v a="$mo" -v b="$mn" 'BEGIN {printf "%.2f× faster", a / b}')" \
  "($(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
  "load average before $load_before)"
