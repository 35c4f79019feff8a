#!/usr/bin/env bash
# Builds a self-contained amem bundle for a machine with neither Maven nor a JDK (a cluster's compute node):
#   bin/amem            launcher (the same environment as ./amem, plus AMEM_TORCH_ENV and AMEM_EXTRA_CLASSPATH)
#   lib/                the CLI jar and its libraries, WITHOUT the CPU libtorch jar (the node's own PyTorch is used)
#   runtime/            a jlink Java runtime holding only the modules jdeps finds (with include/jni.h for the JNI build)
#   scripts/            djl-jni-build.sh + its patches, gpu-check.sh
#   djl-jni-src/        (with --djl-src) DJL's JNI sources and the generated JNI header, so the node needs no javac
#   VERSIONS            DJL, PyTorch and amem versions the bundle was built with
# and DIR.tar.xz next to it: the archive is what travels. Jars are stored uncompressed and the runtime image is not
# compressed so that xz compresses across files: fastutil's 24 MB jar becomes about 4 MB that way, where a tar.gz of
# the deflated jars stays near its size (measured 83 MB with deflated jars, against the 64 MiB a job may carry).
# See docs/GPU.md "Bundle".
#
# usage: scripts/bundle.sh [--out DIR] [--djl-src DJL_CHECKOUT] [--offline]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/target/amem-bundle" djl_src="" mvn_offline=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?}"; shift 2 ;;
    --djl-src) djl_src="${2:?}"; shift 2 ;;
    --offline) mvn_offline=(-o); shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bundle: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for tool in mvn jlink jdeps; do
  command -v "$tool" >/dev/null || { echo "bundle: '$tool' is not on PATH (needs Maven and a JDK 17+)" >&2; exit 2; }
done
if [ -n "$djl_src" ] && [ ! -f "$djl_src/engines/pytorch/pytorch-native/CMakeLists.txt" ]; then
  echo "bundle: $djl_src is not a DJL source checkout (no engines/pytorch/pytorch-native/CMakeLists.txt)" >&2; exit 2
fi

echo "bundle: building the CLI jar (mvn package, tests skipped) ..." >&2
(cd "$root" && mvn -B -q "${mvn_offline[@]}" -Dstyle.color=never -Dmaven.test.skip=true package >&2) \
  || { echo "bundle: the Maven build failed" >&2; exit 1; }

rm -rf "$out" "$out.tar.xz"
mkdir -p "$out/bin" "$out/lib" "$out/scripts/djl-jni"
cp "$root/pipeline/target/amem-pipeline.jar" "$out/lib/"
# The CPU libtorch jar (~200 MB) stays behind: on the GPU node DJL loads the node's own libtorch.
find "$root/pipeline/target/lib" -name '*.jar' ! -name 'pytorch-native-cpu-*' -exec cp {} "$out/lib/" \;
# Re-store every jar without compression (the manifest kept as it is), for xz; see the header.
stage="$(mktemp -d)"
for jar in "$out"/lib/*.jar; do
  rm -rf "$stage/x"; mkdir -p "$stage/x"
  (cd "$stage/x" && jar -xf "$jar")
  jar -c -0 -M -f "$jar" -C "$stage/x" .
done
rm -rf "$stage"

# Modules: what jdeps finds in the jar and its libraries, plus jdk.crypto.ec/jdk.zipfs which libraries reach by
# reflection or service loading (TLS is never used offline; zipfs reads model archives).
mods="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 \
  --class-path "$out/lib/*" "$out/lib/amem-pipeline.jar" 2>/dev/null | tail -1)"
[ -n "$mods" ] || { echo "bundle: jdeps found no modules" >&2; exit 1; }
mods="$mods,jdk.zipfs"
echo "bundle: jlink runtime with $mods" >&2
# Header files are kept: runtime/include/jni.h is what scripts/djl-jni-build.sh compiles against on the node.
# --generate-cds-archive gives the runtime the JDK's class-data archive (faster start of every command, and the base
# the launcher's archive for `prepare text` needs); --strip-debug would imply native stripping and conflict with
# --strip-native-debug-symbols, which jlink 17.0.15 refuses, so Java's debug attributes are stripped by name.
jlink --add-modules "$mods" --generate-cds-archive --strip-java-debug-attributes --strip-native-debug-symbols=exclude-debuginfo-files --no-man-pages \
  --compress=0 --output "$out/runtime"

cp "$root/scripts/djl-jni-build.sh" "$root/scripts/gpu-check.sh" "$out/scripts/"
cp "$root"/scripts/djl-jni/*.patch "$out/scripts/djl-jni/"
cp "$root/scripts/bundle-launcher.sh" "$out/bin/amem"
cp "$root/scripts/amem-env.sh" "$root/scripts/mkl-isa-dispatch.c" "$out/bin/"
chmod +x "$out/bin/amem" "$out/scripts/"*.sh

djl_version="$(sed -n 's:.*<djl.version>\(.*\)</djl.version>.*:\1:p' "$root/pom.xml" | head -1)"
pytorch_version="$(sed -n 's:.*<pytorch.version>\(.*\)</pytorch.version>.*:\1:p' "$root/pom.xml" | head -1)"
{
  echo "djl=$djl_version"
  echo "pytorch-jni=$pytorch_version"
  echo "amem=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$out/VERSIONS"

if [ -n "$djl_src" ]; then
  # The JNI sources only (C++ and the CMake file, about 0.5 MB), and the JNI header generated here with javac.
  kit="$out/djl-jni-src"
  mkdir -p "$kit/engines/pytorch" "$kit/api/src/main"
  cp -r "$djl_src/engines/pytorch/pytorch-native" "$kit/engines/pytorch/"
  rm -rf "$kit/engines/pytorch/pytorch-native/build" "$kit/engines/pytorch/pytorch-native/src/main/java"
  cp -r "$djl_src/api/src/main/native" "$kit/api/src/main/"
  cls="$(mktemp -d)"
  javac -h "$kit/engines/pytorch/pytorch-native/build/include" -d "$cls" \
    "$djl_src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
  rm -rf "$cls"
fi

echo "bundle: compressing (xz) ..." >&2
tar -cf - -C "$(dirname "$out")" "$(basename "$out")" | xz -6 -T2 > "$out.tar.xz"
echo "bundle: $out ($(du -sm "$out" | cut -f1) MiB unpacked), $out.tar.xz ($(du -m "$out.tar.xz" | cut -f1) MiB to carry)"
echo "bundle: on the node: tar -xJf $(basename "$out").tar.xz && $(basename "$out")/bin/amem --help"
