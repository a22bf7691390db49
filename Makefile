# The two commands of the README: `make demo` and `make test`.
MVNW := ./mvnw -B

.PHONY: test build demo demo-local clean

## Every test: unit and integration (real replicas on loopback, real processes killed with SIGKILL).
test:
	$(MVNW) verify

build:
	$(MVNW) -DskipTests package

## Three replicas on this machine, a load, kill -9 the primary, failover, nothing lost.
demo-local: build
	scripts/local-demo.sh

demo: demo-local

clean:
	$(MVNW) -q clean
