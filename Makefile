# The two commands of the README: `make demo` and `make test`.
MVNW := ./mvnw -B

.PHONY: test verify lint lincheck sim chaos e2e build demo demo-local k8s-up install-plugin bench-failover bench-operator bench-peers soak clean

## Every test: the linters, unit and integration (`make verify`), then the end-to-end suite on a real Kubernetes
## (the local cluster, brought up and given this build's images; or another, see e2e).
test: verify e2e

## The linters (scripts/lint.sh), the linearizability checker's Go tests, then unit and integration tests.
verify: lint
	scripts/lincheck.sh test
	$(MVNW) verify

## ShellCheck on every shell script, helm lint on the chart, buf lint on the proto; installs missing tools.
lint:
	scripts/lint.sh

## Check a load history (JSON lines, `replica load --history FILE`) for linearizability: make lincheck HISTORY=FILE.
## Exit 0 linearizable, 1 not (the key and operations explained, FILE's .html visualization beside it), 2 bad input.
lincheck:
	@test -n "$(HISTORY)" || { echo "usage: make lincheck HISTORY=path/to/history.jsonl" >&2; exit 2; }
	scripts/lincheck.sh check "$(HISTORY)"

## The replica protocol's seeded simulation over many seeds (make verify runs 200): SEEDS=N FIRST=S.
## A failing seed replays exactly: make sim FIRST=<seed> SEEDS=1
sim:
	$(MVNW) -q -pl replica-core test -Dtest=SimulationTest#noSeedBreaksAnInvariant -Dsurefire.failIfNoSpecifiedTests=false \
		-Dsim.seeds=$(or $(SEEDS),2000) -Dsim.first=$(or $(FIRST),1)

## Real replica engines on a faulty in-memory network under failovers, over many seeds (make verify runs 1; about
## 4 s a seed): SEEDS=N FIRST=S. A failure names its seed; make chaos FIRST=<seed> SEEDS=1 runs its faults again.
chaos:
	$(MVNW) -q -pl replica-server -am test -Dtest=FailoverChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
		-Dchaos.seeds=$(or $(SEEDS),20) -Dchaos.first=$(or $(FIRST),1)

## Only the end-to-end suite (e2e/, profile e2e). -am rebuilds the replica client library it uses, tests skipped.
## CLUSTER_ENGINE=local (default: this machine's cluster/) | kubeconfig (KUBECONFIG's cluster, the default when
## KUBECONFIG names another) | k3s (a Testcontainers k3s container; needs Docker and a reachable image registry).
e2e:
	scripts/k8s-e2e.sh

build:
	$(MVNW) -DskipTests package

## The Kubernetes demo: operator via Helm, 3 replicas, a load, the primary pod deleted, Promoted, nothing lost.
demo: build
	scripts/k8s-demo.sh

## Three replicas on this machine without Kubernetes, a load, kill -9 the primary, failover, nothing lost.
demo-local: build
	scripts/local-demo.sh

k8s-up:
	scripts/k8s-up.sh

## `kubectl rg` (kubectl-plugin/kubectl-rg, bash and kubectl only) into $(PREFIX)/bin: kubectl finds any
## kubectl-* on PATH. PREFIX=/usr/local by default (root); make install-plugin PREFIX=$$HOME/.local without.
PREFIX ?= /usr/local
install-plugin:
	install -d "$(PREFIX)/bin"
	install -m 0755 kubectl-plugin/kubectl-rg "$(PREFIX)/bin/kubectl-rg"
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) echo "installed $(PREFIX)/bin/kubectl-rg: kubectl rg --help" ;; \
		*) echo "installed $(PREFIX)/bin/kubectl-rg; $(PREFIX)/bin is not on PATH: add it for kubectl to find the plugin" ;; esac

## Failover times on the local cluster, appended to bench/REPORT.md (not part of `make test`: hours for all kinds).
## KIND=all|pod-deleted|sigkill|sigstop|partition|partition-all|kubelet|leader|pause, RUNS=10 per kind.
KIND ?= all
RUNS ?= 10
bench-failover:
	bench/k8s-failover.sh $(KIND) $(RUNS)

## FAULTS consecutive faults of mixed kinds on one group under load (bench/soak.sh, e2e SoakIT), the order drawn
## from SEED (printed; the same SEED and FAULTS replay it), the operator's leader killed in a fifth of them; a table
## per kind appended to bench/REPORT.md. Takes the cluster's lock; about 45 s a fault. FAULTS=9: one of each kind.
FAULTS ?= 100
SEED ?=
soak:
	bench/soak.sh $(FAULTS) $(SEED)

## The operator at rest with GROUPS groups of 1 replica on the local cluster: API requests per group per minute
## (API server metrics), reconcile latency, the operator's RSS and CPU, appended to bench/REPORT.md. Takes the
## shared cluster's lock (/tmp/replicagroup-cluster.lock) and removes what it made. WINDOW: seconds sampled.
GROUPS ?= 50
WINDOW ?= 180
bench-operator:
	bench/operator-at-rest.sh $(GROUPS) $(WINDOW)

## Our write path beside Redis (SET + WAIT 1 0) and etcd, 3 members each on loopback, one Go driver for all
## (bench/peers.sh): a table per mode with the ratios, appended to bench/REPORT.md. Installs Redis and etcd if
## missing. MODE=memory|durable|all; SECONDS_PER_RUN, WARMUP (seconds), CLIENTS (e.g. 1,4,16) as in the script.
MODE ?= all
bench-peers:
	bench/peers.sh $(MODE)

clean:
	$(MVNW) -q clean
