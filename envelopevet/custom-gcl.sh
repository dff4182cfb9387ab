#!/usr/bin/env bash
# custom-gcl.sh builds the same binary as `golangci-lint custom` with this
# directory's .custom-gcl.yml, but takes golangci-lint's source from the Go
# module proxy instead of cloning its git repository: for machines whose
# network reaches the proxy and not the git host.
#
#   ./custom-gcl.sh            # writes ./bin/golangci-lint-envelopevet
#
# The steps are the ones golangci-lint custom runs after its clone: write
# the plugin import into cmd/golangci-lint/plugins.go, replace the plugin
# module with this directory, go mod tidy, go build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="$(sed -n 's/^version: *//p' "$here/.custom-gcl.yml")"
name="$(sed -n 's/^name: *//p' "$here/.custom-gcl.yml")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GOWORK=off GOFLAGS=-mod=mod

src="$(go mod download -json "github.com/golangci/golangci-lint/v2@$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
cp -r "$src" "$work/golangci-lint"
chmod -R u+w "$work/golangci-lint"
cd "$work/golangci-lint"
printf 'package main\n\nimport (\n\t_ "github.com/apienvelope/envelope/envelopevet/gclplugin"\n)\n' \
	>cmd/golangci-lint/plugins.go
go mod edit -replace "github.com/apienvelope/envelope/envelopevet=$here"
go mod tidy
mkdir -p "$here/bin"
go build -ldflags "-s -w -X main.version=${version#v}-envelopevet -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" -o "$here/bin/$name" ./cmd/golangci-lint
echo "built $here/bin/$name"
