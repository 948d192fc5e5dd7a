#!/usr/bin/env bash
# Builds the vCenter simulator (main.go here) offline against Debian's Go libraries and
# prints the binary's absolute path as the only line on stdout.
#
# Needs the Debian packages golang-go and golang-github-vmware-govmomi-dev (which pulls
# golang-github-google-uuid-dev); they install sources under /usr/share/gocode/src, so
# the build runs in GOPATH mode with no network.
#
# The binary is cached under $HAFEN_VCSIM_CACHE (default node_modules/.cache/hafen-vcsim)
# and keyed by the SHA-256 of main.go and `go version`: an unchanged main.go costs one
# hash, an edited one rebuilds (Go's build cache, kept beside it, makes that quick).
# Concurrent callers (parallel jest workers) serialise on a lock file; the binary
# appears atomically by rename.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
cache="${HAFEN_VCSIM_CACHE:-$repo/node_modules/.cache/hafen-vcsim}"
gocode="${HAFEN_GOCODE:-/usr/share/gocode}"

command -v go >/dev/null 2>&1 || { echo "build.sh: 'go' not found (apt-get install golang-go golang-github-vmware-govmomi-dev)" >&2; exit 3; }
[ -d "$gocode/src/github.com/vmware/govmomi/simulator" ] || {
  echo "build.sh: govmomi sources missing under $gocode/src (apt-get install golang-github-vmware-govmomi-dev)" >&2; exit 3; }

key="$( { sha256sum "$here/main.go"; go version; } | sha256sum | cut -c1-16)"
bin="$cache/hafen-vcsim-$key"
mkdir -p "$cache"

if [ ! -x "$bin" ]; then
  exec 9>"$cache/.lock"
  flock -w 600 9 || { echo "build.sh: timed out waiting for $cache/.lock" >&2; exit 4; }
  if [ ! -x "$bin" ]; then
    tmp="$bin.tmp.$$"
    (
      cd "$here"
      GO111MODULE=off GOPATH="$gocode" GOCACHE="$cache/gocache" GOPROXY=off GOFLAGS= \
        CGO_ENABLED=0 go build -trimpath -o "$tmp" main.go
    ) >&2
    mv -f "$tmp" "$bin"
    # Older keys belong to earlier versions of main.go.
    find "$cache" -maxdepth 1 -name 'hafen-vcsim-*' ! -name "hafen-vcsim-$key" -delete
  fi
fi
echo "$bin"
