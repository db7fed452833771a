# jobcharts — see README.md. `make test` is what CI runs.
SHELL := /bin/bash
GO ?= go
BIN := bin
TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/bin:$(PATH)

.PHONY: all build demo test unit golden e2e tools bench bench-report vet score fuzz

all: build

build:
	$(GO) build -o $(BIN)/gen ./cmd/gen

# demo renders an example job to stdout.
demo: build
	$(BIN)/gen render examples/clickstream-enricher.yaml examples/nightly-etl.yaml

# test runs everything CI runs: vet, unit and golden tests, a short fuzz run, then the real control plane.
test: vet unit score fuzz e2e

vet:
	$(GO) vet ./...
	$(GO) vet -tags e2e ./tests/e2e/...
	cd tests/oci && $(GO) vet ./...
	cd tests/kubescore && $(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

unit:
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race ./pkg/render/... ./pkg/diff/... ./cmd/gen/...
	cd tests/oci && $(GO) test -count=1 ./...

# score runs kube-score in-process (its own module, tests/kubescore) on every golden case,
# the charts' defaults and the examples rendered by bin/gen; docs/security.md lists what it accepts.
score: build
	cd tests/kubescore && GEN=$(CURDIR)/$(BIN)/gen $(GO) test -count=1 ./...

# fuzz runs each Go fuzz target for FUZZTIME (hack/fuzz.sh: one `go test -fuzz` per target).
# The corpus grows in $(go env GOCACHE)/fuzz; a failing input is written to the package's
# testdata/fuzz/<Target>/, where `go test` then runs it as a unit test.
FUZZTIME ?= 20s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) hack/fuzz.sh

golden:
	$(GO) test -count=1 ./tests/golden -update

# tools builds the pinned control-plane binaries and helm CLI into .tools/bin.
tools:
	./hack/tools.sh

e2e: tools build
	$(GO) test -count=1 -tags e2e -timeout 30m ./tests/e2e/... -v $(E2E_FLAGS)

# bench runs the per-stage Go benchmarks with allocations; bench-report the release-pipeline
# comparison (gen render vs helm template per job vs the engine alone) in docs/performance.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/...

bench-report:
	bench/run.sh 100 1000 10000
