#!/usr/bin/env bash
# make archetype-check: what a new user does, so the archetype cannot rot. Generates a service
# from flows-archetype (installed by make build) outside the repository, builds it and runs its
# tests (mvn verify: the unit test and the integration test on a Kafka broker and PostgreSQL in the
# test JVM), then builds its container image. No registry answers here, so the image is built on
# the examples' image (make image) instead of eclipse-temurin:17-jre; its entrypoint is checked.
# Extra Maven options come from MAVEN_ARGS (e.g. -Dmaven.repo.local=...), as for every mvn call.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mvn=("$root/mvnw" -B -ntp)
version="$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1)"
plugin="$(sed -n 's:.*<archetype.version>\(.*\)</archetype.version>.*:\1:p' "$root/pom.xml")"
dir="${ARCHETYPE_CHECK_DIR:-$(mktemp -d -t flows-archetype-check.XXXXXX)}"
service="$dir/shop-orders-count"
base="$root/flows-examples/target/jib-image.tar"

echo "archetype-check: generating a service from dev.flows:flows-archetype:$version into $dir"
rm -rf "$service"
mkdir -p "$dir"
(cd "$dir" && "${mvn[@]}" -q "org.apache.maven.plugins:maven-archetype-plugin:$plugin:generate" \
  -DarchetypeGroupId=dev.flows -DarchetypeArtifactId=flows-archetype \
  -DarchetypeVersion="$version" \
  -DgroupId=com.example -DartifactId=shop-orders-count -Dpackage=com.example.orders)

echo "archetype-check: mvn verify in $service"
(cd "$service" && "${mvn[@]}" verify)

if [ ! -f "$base" ]; then
  (cd "$root" && "${mvn[@]}" -q -pl flows-examples jib:buildTar)
fi
echo "archetype-check: the service's image, on the examples' image as its base"
(cd "$service" && "${mvn[@]}" -q jib:buildTar -Dimage.base="tar://$base")
entrypoint="$(tar -xOf "$service/target/jib-image.tar" config.json | grep -o '"Entrypoint":\[[^]]*\]')"
echo "archetype-check: $entrypoint"
case "$entrypoint" in
  *'"com.example.orders.Service"'*) echo "archetype-check: passed" ;;
  *) echo "archetype-check: the image does not start com.example.orders.Service" >&2; exit 1 ;;
esac
