#!/usr/bin/env bash
# Builds the root file system the examples image runs on when no base image can be pulled: a
# jlink'd Java runtime at /opt/java/openjdk (where eclipse-temurin images keep theirs), the C
# libraries it loads (found with ldd, taken from this machine), /etc/passwd with the user
# "nonroot" (uid 65532, as distroless images have) and /tmp. jib adds it to `scratch` as a layer.
#
#   build-runtime.sh JAVA_HOME OUTPUT_DIR
#
# Linux with glibc only. Skips the work when OUTPUT_DIR is complete for the same JDK.
set -euo pipefail

java_home=$1
out=$2
# From `jdeps --print-module-deps` on the examples and their dependencies, plus what TLS
# (jdk.crypto.ec), Kerberos/SASL logins (jdk.security.auth), DNS naming and zip file systems need.
modules=java.base,java.compiler,java.desktop,java.naming,java.net.http,java.rmi,java.scripting
modules+=,java.security.jgss,java.security.sasl,java.sql,jdk.httpserver,jdk.jfr,jdk.management
modules+=,jdk.unsupported,jdk.crypto.ec,jdk.security.auth,jdk.naming.dns,jdk.zipfs
stamp_file="$out.stamp"
stamp="$java_home $("$java_home/bin/java" -version 2>&1 | head -1) $modules"

if [[ -d "$out" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
  exit 0
fi
if [[ "$(uname -s)" != Linux ]] || ! command -v ldd >/dev/null; then
  echo "build-runtime.sh: needs Linux with glibc and ldd; elsewhere build the image on a" \
    "pulled base: -Dflows.image.base=eclipse-temurin:17-jre" >&2
  exit 1
fi

rm -rf "$out" "$stamp_file"
runtime="$out/opt/java/openjdk"
mkdir -p "$out/opt/java" "$out/etc" "$out/tmp" "$out/home/nonroot"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$runtime"

# The libraries a headless JVM loads, with their dependencies; the desktop ones stay unloaded.
find "$runtime" -type f \( -name '*.so' -o -path '*/bin/*' \) |
  grep -Ev 'awt|fontmanager|javajpeg|lcms|mlib_image|splashscreen|jsound' |
  xargs ldd 2>/dev/null |
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' |
  grep -v "^$runtime" | sort -u |
  while read -r lib; do
    mkdir -p "$out$(dirname "$lib")"
    cp -L "$lib" "$out$lib"
  done

cat >"$out/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$out/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
echo "$stamp" >"$stamp_file"
echo "build-runtime.sh: $(du -sh "$out" | cut -f1) in $out"
