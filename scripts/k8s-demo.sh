#!/usr/bin/env bash
# `make demo`: the README's Kubernetes story, end to end. The operator installed with Helm, the example
# ReplicaGroup (3 replicas), a load through the primary Service, the primary pod deleted, the failover as the
# user sees it (`kubectl get events`: Promoted), the failover time measured by the clients, nothing lost.
set -euo pipefail
cd "$(dirname "$0")/.."

NS=${DEMO_NAMESPACE:-rg-demo}
OPERATOR_NS=${OPERATOR_NAMESPACE:-replicagroup-system}
DURATION=${DURATION:-40}
CLIENTS=${CLIENTS:-4}
OUT=${OUT:-target/k8s-demo}
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
JAR=replica-app/target/quarkus-app/quarkus-run.jar
mkdir -p "$OUT"

KUBECONFIG=$(scripts/k8s-up.sh | tail -1)
export KUBECONFIG
# The pinned kubectl and helm of the local cluster (Debian's kubectl is too old); PATH otherwise.
[ -d /var/cache/replicagroup/bin/current ] && export PATH=/var/cache/replicagroup/bin/current:$PATH
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Watching only the demo's namespace: the demo stays up for a look around, and an operator watching every
# namespace would also reconcile the e2e suite's groups (two operators, one group) in a later `make test`.
say "helm install the operator (namespace $OPERATOR_NS, watching $NS)"
# Helm installs the chart's CRD only when it is missing and never upgrades it: apply this checkout's first.
kubectl apply --server-side --force-conflicts -f helm/replicagroup-operator/crds/ >/dev/null
helm upgrade --install rg helm/replicagroup-operator --namespace "$OPERATOR_NS" --create-namespace --wait --timeout 5m \
  --set image.repository=replicagroup/operator --set image.tag="$VERSION" --set image.pullPolicy=IfNotPresent \
  --set replicaImage="replicagroup/replica:$VERSION" --set "watchNamespaces={$NS}"
kubectl get pods -n "$OPERATOR_NS" -o wide

say "kubectl apply -f k8s/examples/replicagroup.yaml (namespace $NS, recreated)"
kubectl delete namespace "$NS" --ignore-not-found --wait=true >/dev/null
kubectl create namespace "$NS" >/dev/null
kubectl apply -n "$NS" -f k8s/examples/replicagroup.yaml
GROUP=$(kubectl get rg -n "$NS" -o jsonpath='{.items[0].metadata.name}')
kubectl wait -n "$NS" "rg/$GROUP" --for=jsonpath='{.status.readyReplicas}'=3 --timeout=5m >/dev/null
kubectl wait -n "$NS" "rg/$GROUP" --for=jsonpath='{.status.phase}'=Running --timeout=2m >/dev/null
kubectl get rg -n "$NS"
kubectl get pods -n "$NS" -L replicagroup.dev/role -o wide
PRIMARY=$(kubectl get rg -n "$NS" "$GROUP" -o jsonpath='{.status.currentPrimary}')
TERM_BEFORE=$(kubectl get rg -n "$NS" "$GROUP" -o jsonpath='{.status.term}')
SERVICE=$(kubectl get svc -n "$NS" "$GROUP" -o jsonpath='{.spec.clusterIP}'):7000
echo "primary: $PRIMARY (term $TERM_BEFORE); Service $GROUP = $SERVICE"

say "load: $CLIENTS clients for $DURATION s through the primary Service $SERVICE"
java -jar "$JAR" load -s "$SERVICE" --clients "$CLIENTS" --duration "$DURATION" --history "$OUT/history.jsonl" \
  >"$OUT/load.txt" 2>&1 & load_pid=$!
sleep $((DURATION / 4))

say "kubectl delete pod $PRIMARY (the primary)"
kubectl delete pod -n "$NS" "$PRIMARY" --wait=false
kubectl wait -n "$NS" "rg/$GROUP" --for=jsonpath='{.status.term}'=$((TERM_BEFORE + 1)) --timeout=3m >/dev/null
for _ in $(seq 1 120); do
  kubectl get events -n "$NS" --field-selector reason=Promoted -o name | grep -q . && break; sleep 0.5
done

load_rc=0; wait "$load_pid" || load_rc=$?
say "kubectl get events --field-selector involvedObject.kind=ReplicaGroup"
kubectl get events -n "$NS" --field-selector involvedObject.kind=ReplicaGroup --sort-by=.metadata.creationTimestamp
kubectl get rg -n "$NS"

say "the load (failover time = longest pause between acknowledged writes, as the clients saw it)"
cat "$OUT/load.txt"
pause=$(sed -n 's/.*longest pause between acknowledged writes \([0-9]*\) ms.*/\1/p' "$OUT/load.txt")
echo "status.lastFailover: $(kubectl get rg -n "$NS" "$GROUP" -o jsonpath='{.status.lastFailover}')"
echo
echo "Promoted: $(kubectl get events -n "$NS" --field-selector reason=Promoted -o jsonpath='{.items[-1:].message}')"
echo "measured failover time (primary deleted -> first acknowledged write): ${pause:-?} ms"
[ "$load_rc" = 0 ] || { echo "the load failed or reported lost writes (exit $load_rc)" >&2; exit 1; }
