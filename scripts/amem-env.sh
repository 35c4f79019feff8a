# shellcheck shell=bash
# Sourced by the launchers (./amem and a bundle's bin/amem): the process environment amem runs in.
# Expects $AMEM_LAUNCHER to be set to the launcher's own path.

# glibc's allocator returns large freed blocks to the kernel and maps them again on the next step; for models
# with large activations (the GPT-2 logits) that costs a third of the CPU time. Keeping freed memory in the
# process avoids it. The JVM runs no code on the process's main thread, so every allocation of libtorch lands in
# glibc's secondary arenas, which are mmap'd and trimmed regardless of the three settings above: one arena
# (MALLOC_ARENA_MAX=1) routes them to the main heap, where those settings hold. Measured on the nanoGPT CPU peer
# shape: 1,900 -> 2,600 tokens/s (docs/PERFORMANCE.md). Set the variables yourself to override.
export MALLOC_MMAP_MAX_="${MALLOC_MMAP_MAX_:-0}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-68719476736}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
# libtorch's OpenMP threads (the libgomp bundled with DJL's libtorch) spin after each parallel region before they
# sleep: 300,000 spins by default. Beside other busy processes the spinning threads take the cores those processes
# need: qf-vanilla ran 3.8-4.7x its idle time beside two busy processes on 2 cores, PASSIVE (no spin) 2.3x but
# 10-26 % slower idle. A short spin is as fair as PASSIVE; its idle cost is the wake-ups of the sleeping worker
# (20-30 us each on the development VM), so the spin should outlast the usual pause between kernels. 3,000 spins
# (50-80 us there) outlast a dropout mask's fill; 1,000 (20-35 us) do not. Measured alternating on 2026-12-06
# (docs/PERFORMANCE.md, "Shared cores"), qf-vanilla: idle cost against the default +2.2 % at 3,000 (median of 12
# paired rounds) and +6.7 % at 1,000 (9 rounds), 166 and 519 context switches a step (default 83); beside two busy
# processes 2.36-2.47x its idle time at 3,000, 2.34-2.59x at 1,000, 5.44x at the default.
# A user's OMP_WAIT_POLICY or GOMP_SPINCOUNT wins (libgomp lets GOMP_SPINCOUNT override the wait policy, so none is
# set then).
if [ -z "${OMP_WAIT_POLICY:-}" ] && [ -z "${GOMP_SPINCOUNT:-}" ]; then
  export GOMP_SPINCOUNT=3000
fi
# MKL's kernel choice on AMD CPUs. The MKL linked into DJL's libtorch takes a generic code path on any CPU that is not
# an Intel one, whatever instruction sets it has; a two-line library preloaded before it (scripts/mkl-isa-dispatch.c)
# makes it choose by instruction set. Measured side by side on the 2-core AMD EPYC development VM (docs/PERFORMANCE.md,
# "MKL on AMD CPUs"): the 2048^2 matmul peak 187 -> 223 GFLOP/s, the nanoGPT peer step about 1.23x faster.
# AMEM_MKL_DISPATCH: isa (default: preload it on AMD CPUs, building it once with cc) or vendor (MKL's own choice).
# $1: the directory that holds (or receives) the built library; $2: the C source.
amem_mkl_dispatch() {
  local dir="$1" src="$2" lib="$1/libamem-mkl-isa-dispatch.so"
  case "${AMEM_MKL_DISPATCH:-isa}" in
    vendor) return 0 ;;
    isa) ;;
    *) echo "amem: AMEM_MKL_DISPATCH=$AMEM_MKL_DISPATCH is not one of isa, vendor" >&2; exit 2 ;;
  esac
  grep -q -m1 '^vendor_id.*AuthenticAMD' /proc/cpuinfo 2>/dev/null || return 0
  # LD_PRELOAD separates its entries by spaces and colons: a path holding either cannot be preloaded
  case "$lib" in *[[:space:]:]*) return 0 ;; esac
  case ":${LD_PRELOAD:-}:" in *":$lib:"*) return 0 ;; esac
  if [ ! -f "$lib" ] || [ "$src" -nt "$lib" ]; then
    # No compiler, or a read-only directory: MKL keeps its own choice (`amem bench` says which one ran).
    command -v "${CC:-cc}" >/dev/null 2>&1 && [ -f "$src" ] || return 0
    mkdir -p "$dir" 2>/dev/null && "${CC:-cc}" -shared -fPIC -O2 -o "$lib.tmp.$$" "$src" 2>/dev/null \
      && mv -f "$lib.tmp.$$" "$lib" || { rm -f "$lib.tmp.$$"; return 0; }
  fi
  export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
}
# `amem sweep --emit slurm` writes this launcher's path into the job script.
export AMEM_LAUNCHER
# A libtorch of this machine (scripts/djl-jni-build.sh writes the file): PYTORCH_LIBRARY_PATH, PYTORCH_VERSION,
# PYTORCH_FLAVOR and the DJL cache holding the JNI built against it.
if [ -n "${AMEM_TORCH_ENV:-}" ]; then
  if [ ! -f "$AMEM_TORCH_ENV" ]; then
    echo "amem: AMEM_TORCH_ENV=$AMEM_TORCH_ENV does not exist (scripts/djl-jni-build.sh writes it)" >&2
    exit 2
  fi
  # shellcheck disable=SC1090
  . "$AMEM_TORCH_ENV"
fi
# Nothing downloads at run time unless asked: DJL uses the libtorch from the Maven jar or PYTORCH_LIBRARY_PATH.
export DJL_OFFLINE="${DJL_OFFLINE:-true}"
# DJL warns on every start that a CPU-only machine has no CUDA driver; that is expected here, so it is hidden.
# shellcheck disable=SC2034  # used by the launcher that sources this file
AMEM_JVM_FLAGS=(-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error)

# JVM options of one command, set before AMEM_JAVA_OPTS so that the user's own win: `prepare text` runs with the
# JIT's first tier only (C1). The job takes a second or two on a book corpus, and the optimising tier (C2) spent
# more CPU compiling the tokenizer loop than it saved: on 2 cores the whole command took about half the time with C1
# (docs/PERFORMANCE.md, "Tokenization"). On corpora of many gigabytes C2's faster steady state may win again
# (the encoder alone ran about 25 % faster warm); AMEM_JAVA_OPTS=-XX:TieredStopAtLevel=4 puts it back.
# shellcheck disable=SC2034  # used by the launcher that sources this file
amem_command_flags() {
  AMEM_COMMAND_FLAGS=()
  AMEM_COMMAND_ARCHIVE=""
  if [ "${1:-}" = prepare ] && [ "${2:-}" = text ]; then
    AMEM_COMMAND_FLAGS=(-XX:TieredStopAtLevel=1)
    AMEM_COMMAND_ARCHIVE=prepare-text
  fi
}

# Class-data sharing for `prepare text`: on a book corpus the whole command takes well under a second, and starting
# the JVM and reading the command's classes out of the jars is about a third of it. The first `prepare text` after
# a build runs the command once on a small generated text with -XX:ArchiveClassesAtExit (about a second, once); every
# later one maps that archive of the classes the command loads (-XX:SharedArchiveFile), which saved about 0.05 s a
# run side by side on the 2-core development VM (docs/PERFORMANCE.md, "Tokenization"). A stale archive (the jar was
# rebuilt) is made again; without a writable directory, or with AMEM_CLASS_ARCHIVE=off, nothing changes. The JVM's
# own messages about the archive are silenced: an archive it cannot use (other JVM options) is simply not used.
# $1: the directory for the archive; $2: the jar whose build it belongs to; the rest: how the launcher starts amem
# (the java binary, then -jar JAR or -cp CLASSPATH MAIN). Call after amem_command_flags; it appends to its flags.
amem_class_archive() {
  local dir="$1" stamp="$2"
  shift 2
  [ "${AMEM_CLASS_ARCHIVE:-on}" = on ] && [ -n "${AMEM_COMMAND_ARCHIVE:-}" ] || return 0
  local archive="$dir/$AMEM_COMMAND_ARCHIVE.jsa" failed="$dir/$AMEM_COMMAND_ARCHIVE.failed" quiet='-Xlog:cds*=off' work
  # a JVM that cannot make one (no base archive in its runtime, another JDK) is not asked again until the next build
  if { [ ! -f "$archive" ] || [ "$stamp" -nt "$archive" ]; } && { [ ! -f "$failed" ] || [ "$stamp" -nt "$failed" ]; }; then
    mkdir -p "$dir" 2>/dev/null && work="$(mktemp -d "$dir/.making.XXXXXX" 2>/dev/null)" || return 0
    awk 'BEGIN { for (i = 1; i <= 2000; i++) print "Line " i " of a text that shows the JVM which classes tokenizing loads." }' \
      > "$work/text.txt"
    # a unique name, then one rename: two first runs at once each make a whole archive
    if "$1" "${AMEM_COMMAND_FLAGS[@]}" "$quiet" -XX:ArchiveClassesAtExit="$work/classes.jsa" "${@:2}" \
        prepare text --out "$work/store" "$work/text.txt" > /dev/null 2>&1 && [ -s "$work/classes.jsa" ]; then
      mv -f "$work/classes.jsa" "$archive"
      rm -f "$failed"
    else
      rm -f "$archive"
      : > "$failed"
    fi
    rm -rf "$work"
  fi
  if [ -f "$archive" ]; then
    AMEM_COMMAND_FLAGS+=("$quiet" -XX:SharedArchiveFile="$archive")
  fi
}
