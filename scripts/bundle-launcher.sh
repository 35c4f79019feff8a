#!/usr/bin/env bash
# amem launcher inside a bundle (scripts/bundle.sh): the bundle's own Java runtime, no Maven, no JDK.
#   AMEM_TORCH_ENV=FILE        the torch.env that scripts/djl-jni-build.sh wrote (the node's libtorch + JNI)
#   AMEM_EXTRA_CLASSPATH=JARS  extra jars, e.g. DJL's pytorch-native-cpu jar to run the bundle on a CPU machine
#   AMEM_JAVA_OPTS="..."       extra JVM options (e.g. -Xmx16g); they come after the ones the launcher sets
#   AMEM_MKL_DISPATCH=vendor   on AMD CPUs, leave MKL's kernel choice to MKL (default isa: bin/amem-env.sh)
#   AMEM_CLASS_ARCHIVE=off     no class-data archive for `prepare text` (default on: bin/amem-env.sh)
#   AMEM_DEBUG=1               print stack traces with errors
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AMEM_LAUNCHER="$home/bin/amem"
# shellcheck source=scripts/amem-env.sh
. "$home/bin/amem-env.sh"
amem_mkl_dispatch "$home/lib/native" "$home/bin/mkl-isa-dispatch.c"
# Every jar of lib/ (the CLI jar's manifest names its libraries relative to a lib/ beside it, not inside it).
cp="$home/lib/*${AMEM_EXTRA_CLASSPATH:+:$AMEM_EXTRA_CLASSPATH}"
amem_command_flags "$@"
amem_class_archive "$home/lib/cds" "$home/lib/amem-pipeline.jar" "$home/runtime/bin/java" -cp "$cp" amem.pipeline.cli.AmemCli
# shellcheck disable=SC2086
exec "$home/runtime/bin/java" "${AMEM_COMMAND_FLAGS[@]}" ${AMEM_JAVA_OPTS:-} "${AMEM_JVM_FLAGS[@]}" -cp "$cp" amem.pipeline.cli.AmemCli "$@"
