#!/usr/bin/env bash
# Builds DJL's PyTorch JNI bridge (libdjl_torch.so) against the libtorch this machine already has (a pip or conda
# PyTorch), offline, and installs it where DJL's loader (ai.djl.pytorch.jni.LibUtils, DJL 0.35.1) looks for it:
#   ${ENGINE_CACHE_DIR:-${DJL_CACHE_DIR:-~/.djl.ai}}/pytorch/<torch version>-<flavor>-linux-x86_64/<djl version>-libdjl_torch.so
# It then writes torch.env next to it (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR, DJL_CACHE_DIR,
# DJL_OFFLINE) for the launchers: `AMEM_TORCH_ENV=<that file> ./amem ...` (or the bundle's bin/amem).
#
# Needs: cmake, a C++17 compiler (ninja if present, else make), the DJL sources of the tag matching amem's DJL
# version (a git checkout of github.com/deepjavalibrary/djl at v0.35.1, or the djl-jni-src/ kit that
# scripts/bundle.sh --djl-src puts into a bundle), JNI headers (a JDK, or the bundle's runtime/include), and for a
# CUDA PyTorch the CUDA toolkit (nvcc) that PyTorch's CMake config asks for. No network.
#
# The DJL sources are copied to a build directory and patched there (scripts/djl-jni/*.patch: BFLOAT16 mapped in
# GetScalarTypeFromDType, and an unknown dtype raises a catchable error instead of aborting the JVM).
# See docs/GPU.md "Offline JNI build".
set -euo pipefail

usage() {
  cat <<'EOF'
usage: scripts/djl-jni-build.sh --djl-src DIR [options]
  --djl-src DIR       DJL source checkout (tag v0.35.1) or a bundle's djl-jni-src/ (required)
  --torch DIR         the torch package directory (with lib/, include/, share/cmake/Torch);
                      default: python3 -c 'import torch,os; print(os.path.dirname(torch.__file__))'
  --torch-lib DIR     directory holding libtorch.so (default: TORCH/lib); DJL loads every library in it
  --cmake-prefix DIR  where find_package(Torch) looks (default: TORCH)
  --version X.Y.Z     PyTorch version (default: from torch.__version__ or TorchConfigVersion.cmake)
  --flavor F          cpu or cuXYZ, e.g. cu130 (default: from torch.version.cuda; cpu when none)
  --java-home DIR     JDK or jlink runtime with include/jni.h (default: $JAVA_HOME, the bundle's runtime/, javac's JDK)
  --cache DIR         DJL engine cache root (default: $ENGINE_CACHE_DIR, $DJL_CACHE_DIR or ~/.djl.ai)
  --build-dir DIR     scratch directory (default: a new directory under ${TMPDIR:-/tmp})
  --jobs N            parallel compile jobs (default: nproc)
  --no-patch          build DJL's sources unpatched
  --dry-run           print what would be done (paths, versions, the cmake command) and stop
EOF
}

die() { echo "djl-jni-build: $*" >&2; exit 2; }
fail() { echo "djl-jni-build: $*" >&2; exit 1; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
djl_src="" torch_dir="" torch_lib="" cmake_prefix="" version="" flavor="" java_home="" cache=""
build_dir="" jobs="$(nproc 2>/dev/null || echo 2)" patch=1 dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --djl-src) djl_src="${2:?}"; shift 2 ;;
    --torch) torch_dir="${2:?}"; shift 2 ;;
    --torch-lib) torch_lib="${2:?}"; shift 2 ;;
    --cmake-prefix) cmake_prefix="${2:?}"; shift 2 ;;
    --version) version="${2:?}"; shift 2 ;;
    --flavor) flavor="${2:?}"; shift 2 ;;
    --java-home) java_home="${2:?}"; shift 2 ;;
    --cache) cache="${2:?}"; shift 2 ;;
    --build-dir) build_dir="${2:?}"; shift 2 ;;
    --jobs) jobs="${2:?}"; shift 2 ;;
    --no-patch) patch=0; shift ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done

# --- DJL version: the one amem is built against (the parent POM, or the bundle's VERSIONS file) -------------------
djl_version=""
if [ -f "$here/../pom.xml" ]; then
  djl_version="$(sed -n 's:.*<djl.version>\(.*\)</djl.version>.*:\1:p' "$here/../pom.xml" | head -1)"
elif [ -f "$here/../VERSIONS" ]; then
  djl_version="$(sed -n 's/^djl=//p' "$here/../VERSIONS")"
fi
[ -n "$djl_version" ] || fail "cannot tell amem's DJL version (no pom.xml or VERSIONS next to scripts/)"

# --- DJL sources ---------------------------------------------------------------------------------------------------
[ -n "$djl_src" ] || { usage >&2; die "--djl-src is required (a checkout of github.com/deepjavalibrary/djl at v$djl_version)"; }
native="$djl_src/engines/pytorch/pytorch-native"
if [ ! -f "$native/CMakeLists.txt" ] || [ ! -f "$djl_src/api/src/main/native/djl/utils.h" ]; then
  die "$djl_src is not a DJL source tree (no engines/pytorch/pytorch-native/CMakeLists.txt or api/src/main/native/djl/utils.h)"
fi
if [ -d "$djl_src/.git" ] || git -C "$djl_src" rev-parse --git-dir >/dev/null 2>&1; then
  tag="$(git -C "$djl_src" describe --tags --exact-match 2>/dev/null || true)"
  [ "$tag" = "v$djl_version" ] || echo "djl-jni-build: warning: $djl_src is at '${tag:-an untagged commit}', amem uses DJL $djl_version (git checkout v$djl_version)" >&2
fi

# --- libtorch ------------------------------------------------------------------------------------------------------
py_version="" py_cuda=""
if [ -z "$torch_dir" ]; then
  command -v python3 >/dev/null || die "no python3 to find PyTorch: pass --torch DIR"
  torch_dir="$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))' 2>/dev/null)" \
    || die "python3 cannot import torch: pass --torch DIR (the torch package directory)"
fi
if command -v python3 >/dev/null && [ -f "$torch_dir/version.py" ]; then
  py_version="$(python3 -c "import runpy;v=runpy.run_path('$torch_dir/version.py');print(v['__version__'])" 2>/dev/null || true)"
  py_cuda="$(python3 -c "import runpy;v=runpy.run_path('$torch_dir/version.py');print(v.get('cuda') or '')" 2>/dev/null || true)"
fi
torch_lib="${torch_lib:-$torch_dir/lib}"
cmake_prefix="${cmake_prefix:-$torch_dir}"
[ -f "$torch_lib/libtorch.so" ] || die "no libtorch.so in $torch_lib (pass --torch-lib DIR)"
if [ -z "$version" ]; then
  if [ -n "$py_version" ]; then
    version="${py_version%%+*}"
  else
    cfg="$(find "$cmake_prefix" -name TorchConfigVersion.cmake -print -quit 2>/dev/null || true)"
    [ -n "$cfg" ] && version="$(sed -n 's/.*set(PACKAGE_VERSION "\([0-9.]*\)").*/\1/p' "$cfg" | head -1)"
  fi
fi
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot tell the PyTorch version ('$version'): pass --version X.Y.Z"
if [ -z "$flavor" ]; then
  if [ -n "$py_cuda" ]; then flavor="cu$(echo "$py_cuda" | tr -d .)"
  elif [[ "$py_version" == *+cu* ]]; then flavor="${py_version##*+}"
  else flavor=cpu; fi
fi
[[ "$flavor" =~ ^(cpu|cu[0-9]{3})$ ]] || die "flavor '$flavor' is neither cpu nor cuXYZ"

# --- JNI headers ---------------------------------------------------------------------------------------------------
if [ -z "$java_home" ]; then
  if [ -n "${JAVA_HOME:-}" ]; then java_home="$JAVA_HOME"
  elif [ -f "$here/../runtime/include/jni.h" ]; then java_home="$(cd "$here/../runtime" && pwd)"
  elif command -v javac >/dev/null; then java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
  fi
fi
if [ -z "$java_home" ] || [ ! -f "$java_home/include/jni.h" ]; then
  die "no jni.h: pass --java-home DIR (a JDK, or a bundle's runtime/ directory)"
fi

# The generated JNI header: javac -h from DJL's PyTorchLibrary.java, or the one a bundle's kit carries.
jni_header="$native/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h"
lib_java="$djl_src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"

cache="${cache:-${ENGINE_CACHE_DIR:-${DJL_CACHE_DIR:-$HOME/.djl.ai}}}"
dest_dir="$cache/pytorch/$version-$flavor-linux-x86_64"
dest="$dest_dir/$djl_version-libdjl_torch.so"
pt_version=""
[[ "$version" =~ ^(1\.13\..*|2\.0\..*|2\.1\..*)$ ]] && pt_version=V1_13_X    # as DJL's build.sh
use_cuda=""
[[ "$flavor" == cu* ]] && use_cuda=1
generator="Unix Makefiles"
command -v ninja >/dev/null && generator=Ninja

echo "djl-jni-build: DJL $djl_version sources in $djl_src"
echo "djl-jni-build: PyTorch $version ($flavor), libraries in $torch_lib, CMake prefix $cmake_prefix"
echo "djl-jni-build: JNI headers from $java_home; generator $generator; $jobs jobs"
echo "djl-jni-build: installs $dest"
if [ "$dry" = 1 ]; then
  echo "djl-jni-build: dry run: cmake -G '$generator' -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=$cmake_prefix" \
    "-DPT_VERSION=$pt_version -DUSE_CUDA=$use_cuda -DJAVA_HOME=$java_home <build>/engines/pytorch/pytorch-native"
  exit 0
fi
command -v cmake >/dev/null || die "cmake is not installed"

# --- copy, patch, build ----------------------------------------------------------------------------------------------
build_dir="${build_dir:-$(mktemp -d "${TMPDIR:-/tmp}/djl-jni.XXXXXX")}"
work="$build_dir/src"
rm -rf "$work"; mkdir -p "$work/engines/pytorch" "$work/api/src/main"
cp -r "$native" "$work/engines/pytorch/"
cp -r "$djl_src/api/src/main/native" "$work/api/src/main/"
rm -rf "$work/engines/pytorch/pytorch-native/build"
if [ "$patch" = 1 ]; then
  for p in "$here"/djl-jni/*.patch; do
    echo "djl-jni-build: applying $(basename "$p")"
    (cd "$work" && patch -p1 --forward --quiet < "$p") || fail "patch $(basename "$p") does not apply to $djl_src"
  done
fi
mkdir -p "$work/engines/pytorch/pytorch-native/build/include"
if [ -f "$jni_header" ]; then
  cp "$jni_header" "$work/engines/pytorch/pytorch-native/build/include/"
elif command -v javac >/dev/null && [ -f "$lib_java" ]; then
  javac -h "$work/engines/pytorch/pytorch-native/build/include" -d "$build_dir/classes" "$lib_java"
else
  die "no JNI header: need javac and $lib_java, or $jni_header (scripts/bundle.sh --djl-src makes one)"
fi

cmake_build="$build_dir/build"
rm -rf "$cmake_build"
# --as-needed: the library keeps only the CUDA runtime libraries it calls; they are found at run time by soname,
# after DJL has loaded libtorch's own (DJL's build.sh strips them from the link line for the same reason).
cmake -S "$work/engines/pytorch/pytorch-native" -B "$cmake_build" -G "$generator" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$cmake_prefix" \
  -DPT_VERSION="$pt_version" -DUSE_CUDA="$use_cuda" \
  -DJAVA_HOME="$java_home" -DJAVA_INCLUDE_PATH="$java_home/include" -DJAVA_INCLUDE_PATH2="$java_home/include/linux" \
  -DJAVA_JVM_LIBRARY="$java_home/lib/server/libjvm.so" \
  -DCMAKE_SHARED_LINKER_FLAGS="-Wl,--as-needed" \
  || fail "cmake could not configure the build (for a CUDA PyTorch: is nvcc on PATH or CUDAToolkit_ROOT set?)"
# The CMakeLists includes build/include relative to its source directory: the header is there.
cmake --build "$cmake_build" -- -j "$jobs" || fail "the JNI did not compile against PyTorch $version (see above)"

so="$cmake_build/libdjl_torch.so"
[ -f "$so" ] || fail "the build produced no libdjl_torch.so"
mkdir -p "$dest_dir"
cp "$so" "$dest.tmp" && mv "$dest.tmp" "$dest"
{
  echo "# written by scripts/djl-jni-build.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ): DJL $djl_version JNI for PyTorch $version ($flavor)"
  echo "export PYTORCH_LIBRARY_PATH='$torch_lib'"
  echo "export PYTORCH_VERSION='$version'"
  echo "export PYTORCH_FLAVOR='$flavor'"
  echo "export DJL_CACHE_DIR='$cache'"
  echo "export ENGINE_CACHE_DIR='$cache'"
  echo "export DJL_OFFLINE=true"
} > "$dest_dir/torch.env"
echo "djl-jni-build: installed $dest"
echo "djl-jni-build: libraries it needs: $(readelf -d "$dest" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"
echo "djl-jni-build: use it with: AMEM_TORCH_ENV=$dest_dir/torch.env ./amem ..."
