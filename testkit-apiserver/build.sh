#!/usr/bin/env bash
# Builds a real kube-apiserver and etcd from their Go modules (through the Go module proxy only) into the envtest
# layout of a cache outside the repository, for fleetfed's test clusters on real API servers:
#
#   ${FLEETFED_ENVTEST_CACHE:-~/.cache/fleetfed/envtest}/k8s/<kubernetes version>-<os>-<arch>/{kube-apiserver,etcd}
#
# Point KUBEBUILDER_ASSETS at that directory to use the binaries as envtest assets. Does nothing when both binaries
# are there already. Prints the directory on stdout (progress goes to stderr).
#
#   testkit-apiserver/build.sh            # build if missing, print the directory
#   testkit-apiserver/build.sh --force    # build again
#   testkit-apiserver/build.sh --if-go    # as the Maven build runs it: without Go, say so and exit 0
#
# While it builds, <directory>/.building holds its process id: tests that want the binaries wait for it to end.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
force=false
if_go=false
case "${1:-}" in
  "") ;;
  --force) force=true ;;
  --if-go) if_go=true ;;
  -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "build.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
esac

if ! command -v go >/dev/null 2>&1; then
  if $if_go; then
    echo "build.sh: go is not on the PATH, so no real API servers are built; the tests on real API servers will be" \
      "skipped (set KUBEBUILDER_ASSETS to envtest binaries to run them)" >&2
    exit 0
  fi
  echo "build.sh: go is not on the PATH: the real API servers are built from Go modules and need Go 1.24 or newer" >&2
  exit 3
fi

# the one pinned version, read from go.mod so that the directory cannot disagree with what is built
version="$(sed -n 's/^[[:space:]]*k8s.io\/kubernetes v\([0-9.]*\)$/\1/p' "$here/go.mod" | head -n 1)"
if [ -z "$version" ]; then
  echo "build.sh: $here/go.mod requires no k8s.io/kubernetes version" >&2
  exit 3
fi
target="${FLEETFED_ENVTEST_CACHE:-$HOME/.cache/fleetfed/envtest}/k8s/${version}-$(go env GOOS)-$(go env GOARCH)"

if ! $force && [ -x "$target/kube-apiserver" ] && [ -x "$target/etcd" ]; then
  echo "$target"
  exit 0
fi

mkdir -p "$target"
staging="$(mktemp -d "$target/.build.XXXXXX")"
echo $$ > "$target/.building"
trap 'rm -rf "$staging" "$target/.building"' EXIT
echo "building kube-apiserver ${version} and etcd into $target (a few minutes the first time)" >&2
start=$(date +%s)
# -mod=readonly: go.sum is the record of what is built; -trimpath: the same binaries whoever builds them
(cd "$here" && GOFLAGS="${GOFLAGS:-} -mod=readonly" go build -trimpath -o "$staging/" ./cmd/kube-apiserver ./cmd/etcd)
# moved in only once both are built, so an interrupted build is never taken for a finished one
mv -f "$staging/kube-apiserver" "$staging/etcd" "$target/"
echo "built in $(( $(date +%s) - start )) s: $(du -h "$target/kube-apiserver" | cut -f1) kube-apiserver," \
  "$(du -h "$target/etcd" | cut -f1) etcd" >&2
echo "$target"
