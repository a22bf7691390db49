#!/usr/bin/env bash
# Builds the replica and operator images from the packaged Quarkus apps, FROM the local base JRE image
# (cluster/images.sh makes it), tagged with the project version (the replica image also as <version>-next, for
# RollingUpdateIT); with --load also imports them into the local cluster's containerd.
# Usage: scripts/build-images.sh [--load]
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
BASE_IMAGE=${BASE_IMAGE:-replicagroup/base-jre:17-bookworm-1}
load=false
[ "${1:-}" = "--load" ] && load=true

docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || {
  echo "base image $BASE_IMAGE is missing: run cluster/images.sh (or cluster/up.sh) first" >&2; exit 1; }

images=()
# module:image. The replica image is the replica-app application (the name the chart and the operator use).
for pair in replica-app:replica operator:operator; do
  module=${pair%%:*}
  app="$module/target/quarkus-app"
  [ -d "$module" ] || continue
  [ -f "$app/quarkus-run.jar" ] || { echo "$app is missing: run ./mvnw -DskipTests package first" >&2; exit 1; }
  image="replicagroup/${pair#*:}:$VERSION"
  docker build -q --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$image" -f docker/quarkus-app.Dockerfile "$app" >/dev/null
  echo "built $image"
  images+=("$image")
done
# A second tag of the same replica image, so RollingUpdateIT can change spec.image (a new revision of the pod
# template) without a second build: one more name for layers the cluster already holds.
docker tag "replicagroup/replica:$VERSION" "replicagroup/replica:$VERSION-next"
images+=("replicagroup/replica:$VERSION-next")
if $load; then
  cluster/load-image.sh "${images[@]}"
fi
