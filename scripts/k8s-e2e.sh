#!/usr/bin/env bash
# `make e2e`: the end-to-end suite (e2e/, Maven profile e2e) on the cluster scripts/k8s-up.sh provides, with this
# build's images loaded. Extra arguments go to Maven (e.g. -Dit.test=FailoverIT). Results: e2e/target/
# (failsafe-reports, e2e-dumps/ of failed tests, failover-times.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

KUBECONFIG=$(scripts/k8s-up.sh | tail -1)
export KUBECONFIG
# -am: the replica library the suite uses is rebuilt from source; its tests ran in `make verify`.
./mvnw -B verify -Pe2e -pl e2e -am -DskipTests "$@"
