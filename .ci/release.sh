#!/usr/bin/env bash
# Builds mmhex's release binaries into dist/ (or $1): static (CGO_ENABLED=0), stripped, for
# Linux, macOS and Windows on amd64 and arm64, and Linux and Windows on 386, and checks that the
# one this machine runs is static and prints its version. --version comes from the build info:
# from a git checkout, a pseudo-version naming the commit (+dirty with uncommitted changes);
# VERSION=v1.2.3 .ci/release.sh stamps a release name instead.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
mkdir -p "$out"

ldflags="-s -w"
if [ -n "${VERSION:-}" ]; then
	ldflags="$ldflags -X github.com/mmhex/mmhex/internal/cli.version=$VERSION"
fi
# auto: stamp the commit when this is a checkout, whatever GOFLAGS says.
buildvcs=-buildvcs=auto

for target in linux/amd64 linux/arm64 linux/386 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64 windows/386; do
	goos=${target%/*} goarch=${target#*/}
	name="mmhex-$goos-$goarch"
	[ "$goos" = windows ] && name="$name.exe"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build "$buildvcs" -trimpath -ldflags "$ldflags" -o "$out/$name" .
	echo "$out/$name"
done

native="$out/mmhex-$(go env GOOS)-$(go env GOARCH)"
if [ "$(go env GOOS)" = linux ] && command -v file >/dev/null; then
	file "$native" | grep -q 'statically linked' || { echo "release: $native is not static" >&2; exit 1; }
fi
"$native" --version
