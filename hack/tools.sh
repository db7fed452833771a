#!/usr/bin/env bash
# tools.sh builds the pinned tools the e2e suite (tests/e2e) runs into .tools/bin:
#   kube-apiserver, kube-controller-manager, kube-scheduler  (k8s.io/kubernetes, hack/tools/kubernetes)
#   kwok                                                      (sigs.k8s.io/kwok,   hack/tools/kwok)
#   helm                                                      (helm.sh/helm/v3,    hack/tools/helm)
#   registry  (CNCF distribution, an OCI registry)            (github.com/distribution/distribution/v3, hack/tools/registry)
# and installs etcd from Debian (etcd-server) when it is missing.
#
# Each tool is pinned by its own small Go module under hack/tools/ (go.mod + go.sum + tools.go):
# their k8s.io/* versions differ (Kubernetes 1.34 needs v0.34, helm 3.22 needs v0.37), and the
# project's own go.mod stays clean (distribution brings otel, grpc and cloud storage drivers).
# Everything comes from the Go module proxy.
#
# A binary is rebuilt only when it is missing or its stamp (.tools/bin/.NAME.stamp: a hash of
# the pinning module, the build flags and the target platform) changed, so a warm run takes
# under a second. A new Go toolchain alone rebuilds nothing.
# Builds run one at a time (the machine has two cores).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
hack="$root/hack/tools"
bin="${TOOLS_BIN:-$root/.tools/bin}"
mkdir -p "$bin"

# Pinned versions. Bumping one means editing the matching hack/tools/*/go.mod too
# (then `go mod tidy` in that folder); check_pin below refuses a mismatch.
KUBE_VERSION=v1.34.4
KWOK_VERSION=v0.8.0
HELM_VERSION=v3.22.0
# The version tests/oci runs in-process, so both OCI tests see the same registry.
REGISTRY_VERSION=v3.1.1

log() { printf 'tools: %s\n' "$*" >&2; }

# check_pin MODULE_DIR MODULE VERSION fails when the module's go.mod pins another version.
check_pin() {
	local got
	got=$(cd "$1" && go list -m -f '{{.Version}}' "$2")
	if [[ "$got" != "$3" ]]; then
		log "$1/go.mod pins $2 $got, hack/tools.sh expects $3"
		exit 1
	fi
}

# stamp_of MODULE_DIR ARGS... prints the hash that identifies one build.
stamp_of() {
	local dir=$1
	shift
	{
		go env GOOS GOARCH
		cat "$dir/go.mod" "$dir/go.sum" "$dir/tools.go"
		printf '%s\n' "$@"
	} | sha256sum | cut -d' ' -f1
}

# build MODULE_DIR NAME PACKAGE LDFLAGS builds PACKAGE from MODULE_DIR into $bin/NAME
# unless the binary exists with the same stamp.
build() {
	local dir=$1 name=$2 pkg=$3 ldflags=$4 stamp want
	want=$(stamp_of "$dir" "$pkg" "$ldflags")
	stamp="$bin/.$name.stamp"
	if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
		log "$name is up to date"
		return
	fi
	log "building $name ($pkg) ..."
	local start=$SECONDS
	rm -f "$stamp"
	(cd "$dir" && CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$bin/$name.tmp" "$pkg")
	mv "$bin/$name.tmp" "$bin/$name"
	echo "$want" >"$stamp"
	log "built $name in $((SECONDS - start))s"
}

install_etcd() {
	if command -v etcd >/dev/null 2>&1; then
		log "etcd is installed ($(command -v etcd))"
		return
	fi
	log "installing etcd from Debian (etcd-server) ..."
	local sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || { log "etcd is missing and this is not root: apt-get install etcd-server"; exit 1; }
		sudo=(sudo)
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends etcd-server
	# The package may start a system etcd on the default ports; the suite runs its own on free
	# ports and needs no system service.
	if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet etcd 2>/dev/null; then
		"${sudo[@]}" systemctl disable --now etcd >/dev/null 2>&1 || true
	fi
}

start=$SECONDS
install_etcd

check_pin "$hack/kubernetes" k8s.io/kubernetes "$KUBE_VERSION"
check_pin "$hack/kwok" sigs.k8s.io/kwok "$KWOK_VERSION"
check_pin "$hack/helm" helm.sh/helm/v3 "$HELM_VERSION"
check_pin "$hack/registry" github.com/distribution/distribution/v3 "$REGISTRY_VERSION"

# Without version linker flags the servers report v0.0.0-master and Helm's kubeVersion checks fail.
minor=${KUBE_VERSION#v1.}
minor=${minor%%.*}
kube_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	kube_ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
for name in kube-apiserver kube-controller-manager kube-scheduler; do
	build "$hack/kubernetes" "$name" "k8s.io/kubernetes/cmd/$name" "$kube_ldflags"
done

build "$hack/kwok" kwok sigs.k8s.io/kwok/cmd/kwok \
	"-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${KUBE_VERSION#v}"

helm_k8s_minor=$(cd "$hack/helm" && go list -m -f '{{.Version}}' k8s.io/client-go)
helm_k8s_minor=${helm_k8s_minor#v0.}
helm_k8s_minor=${helm_k8s_minor%%.*}
build "$hack/helm" helm helm.sh/helm/v3/cmd/helm \
	"-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$helm_k8s_minor \
-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$helm_k8s_minor"

build "$hack/registry" registry github.com/distribution/distribution/v3/cmd/registry \
	"-s -w -X github.com/distribution/distribution/v3/version.version=$REGISTRY_VERSION"

log "ready in $((SECONDS - start))s: $("$bin/kube-apiserver" --version), $("$bin/kwok" --version 2>/dev/null | head -1), helm $("$bin/helm" version --short), registry $("$bin/registry" --version | cut -d' ' -f3), $(etcd --version | head -1)"
