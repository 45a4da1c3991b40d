#!/bin/sh
# Build stage: copies a module's jar and its runtime dependencies (target/runtime-classpath.txt,
# written by maven-dependency-plugin at package) into OUT/lib, and writes OUT/classpath in
# the same order. Usage: collect-libs.sh MODULE OUT
set -eu
module="$1"
out="$2"
mkdir -p "$out/lib"
classpath=""
for jar in "$module"/target/"$module"-*.jar; do
  case "$jar" in
    *-tests.jar|*-sources.jar) ;;
    *) cp "$jar" "$out/lib/$module.jar"; classpath="/opt/streamstack/lib/$module.jar" ;;
  esac
done
[ -n "$classpath" ] || { echo "no jar of $module in $module/target" >&2; exit 1; }
for jar in $(tr ':' ' ' < "$module/target/runtime-classpath.txt"); do
  name="$(basename "$jar")"
  cp "$jar" "$out/lib/$name"
  classpath="$classpath:/opt/streamstack/lib/$name"
done
printf '%s\n' "$classpath" > "$out/classpath"
