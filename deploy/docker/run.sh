#!/bin/sh
# Entry point of both images: the JVM with the classpath the build wrote, in Maven's order.
#   STREAMSTACK_MAIN_CLASS  the program (set by each image)
#   JAVA_OPTS               further JVM options: heap (-XX:MaxRAMPercentage), -Dconfig.file=...
set -eu
# JAVA_OPTS is split into words on purpose.
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "$(cat /opt/streamstack/classpath)" "${STREAMSTACK_MAIN_CLASS}" "$@"
