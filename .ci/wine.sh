#!/usr/bin/env bash
# .ci/wine.sh - run mmhex's Windows tests on Linux under Wine (Debian bookworm, Wine 8.0).
#
# Interface (run it, do not source it):
#
#   bash .ci/wine.sh setup                 install Wine + MinGW if missing (apt), create the Wine
#                                          prefix if missing, install the bcryptprimitives.dll
#                                          stand-in, start a persistent wineserver. Idempotent;
#                                          ~0.15 s when everything is already there.
#   bash .ci/wine.sh test [ARGS...] PKGS   GOOS=windows GOARCH=amd64 go test -exec wine64 ARGS PKGS
#                                          (runs setup first; the go test exit code is returned).
#   bash .ci/wine.sh teardown              stop the wineserver of the prefix (wineserver -k).
#   bash .ci/wine.sh env                   print `export ...` lines (eval "$(bash .ci/wine.sh env)")
#                                          for running GOOS=windows go test -exec "$WINE" by hand.
#
# Typical CI use:
#   bash .ci/wine.sh setup
#   trap 'bash .ci/wine.sh teardown' EXIT
#   bash .ci/wine.sh test -count=1 ./mmap/... ./editor/...
#
# Environment:
#   WINEPREFIX   Wine prefix to use (default ${TMPDIR:-/tmp}/mmhex-wine, ~700 MB, created on demand)
#
# Why the steps exist (see also /work/shared/WINDOWS.md):
#   - Go >= 1.22 needs ProcessPrng from bcryptprimitives.dll, which Wine 8.0 lacks: every Go
#     program dies with "fatal error: bcryptprimitives.dll not found". A tiny DLL built here with
#     MinGW fills the buffer with RtlGenRandom (advapi32!SystemFunction036) instead.
#   - The first Windows program started by `go test` would spawn Wine's background processes
#     (wineserver, services.exe, winedevice.exe, ...) which inherit its stderr, and go test waits
#     ~2.3 s per package for that pipe to close. Starting the server and those processes here with
#     their output on /dev/null avoids it.
if [ "${BASH_SOURCE[0]}" != "$0" ]; then
	echo ".ci/wine.sh: run it with bash (bash .ci/wine.sh setup|test|teardown|env), do not source it" >&2
	return 1
fi
set -euo pipefail

WINE=/usr/lib/wine/wine64
WINESERVER=/usr/lib/wine/wineserver64
MINGW_CC=x86_64-w64-mingw32-gcc
export WINEPREFIX="${WINEPREFIX:-${TMPDIR:-/tmp}/mmhex-wine}"
case "$WINEPREFIX" in /*) ;; *) WINEPREFIX="$PWD/$WINEPREFIX" ;; esac # Wine wants it absolute
export WINEDEBUG=-all
# Never try to download/install Mono or Gecko into the prefix (no network, no display in CI).
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"
# How long (s) the wineserver stays up after its last client. `test` restarts it if it has gone.
WINESERVER_PERSIST=60

# Run Wine quietly and detached from our stdio and from the lock fd 9: Wine's background processes
# (wineserver, services.exe, ...) outlive the command and inherit its descriptors; holding fd 9
# they would keep the setup lock taken until they exit.
wine_q() { "$WINE" "$@" </dev/null >/dev/null 2>&1 9>&-; }
wineserver_q() { "$WINESERVER" "$@" </dev/null >/dev/null 2>&1 9>&-; }

log() { printf '[wine] %s\n' "$*" >&2; }
die() { printf '[wine] error: %s\n' "$*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
	else die "need root (or sudo) to run: $*"
	fi
}

install_packages() {
	if [ -x "$WINE" ] && [ -x "$WINESERVER" ] && command -v "$MINGW_CC" >/dev/null 2>&1; then
		return 0
	fi
	local pkgs=(wine64 gcc-mingw-w64-x86-64) apt_env=(env DEBIAN_FRONTEND=noninteractive)
	# apt-get update only when a package is unknown to the current lists.
	if apt-cache policy "${pkgs[@]}" 2>/dev/null | grep -q 'Candidate: (none)' ||
		[ "$(apt-cache policy "${pkgs[@]}" 2>/dev/null | grep -c 'Candidate:')" -ne "${#pkgs[@]}" ]; then
		log "apt-get update"
		as_root "${apt_env[@]}" apt-get update -qq </dev/null >/dev/null
	fi
	log "apt-get install ${pkgs[*]}"
	if ! as_root "${apt_env[@]}" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" </dev/null >/dev/null; then
		# Stale package lists (404 on download): refresh once and retry.
		log "install failed; apt-get update and retry"
		as_root "${apt_env[@]}" apt-get update -qq </dev/null >/dev/null
		as_root "${apt_env[@]}" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" </dev/null >/dev/null
	fi
	[ -x "$WINE" ] || die "$WINE missing after installing wine64"
	command -v "$MINGW_CC" >/dev/null 2>&1 || die "$MINGW_CC missing after install"
}

# The prefix is complete once this marker exists (an interrupted wineboot leaves no marker).
PREFIX_MARK=.mmhex-prefix-ok

create_prefix() {
	[ -f "$WINEPREFIX/$PREFIX_MARK" ] && return 0
	log "creating Wine prefix $WINEPREFIX (about 10 s)"
	wineserver_q -k || true
	rm -rf "$WINEPREFIX"
	mkdir -p "$WINEPREFIX"
	wine_q wineboot --init || die "wineboot --init failed"
	wineserver_q -w || true # wait until the registry is written
	[ -d "$WINEPREFIX/drive_c/windows/system32" ] || die "wineboot did not create drive_c/windows/system32"
	touch "$WINEPREFIX/$PREFIX_MARK"
}

shim_source() {
	cat <<'EOF'
/* bcryptprimitives.dll stand-in for Wine 8.0: Go >= 1.22 calls ProcessPrng at start-up. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom, advapi32 */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
EOF
}

install_shim() {
	local sys32="$WINEPREFIX/drive_c/windows/system32" stamp="$WINEPREFIX/.mmhex-shim.c"
	if [ -f "$sys32/bcryptprimitives.dll" ] && [ -f "$stamp" ] && shim_source | cmp -s - "$stamp"; then
		return 0
	fi
	log "building bcryptprimitives.dll stand-in"
	local tmp
	tmp="$(mktemp -d "${TMPDIR:-/tmp}/mmhex-shim.XXXXXX")"
	shim_source >"$tmp/shim.c"
	(cd "$tmp" && "$MINGW_CC" -shared -O2 -o bcryptprimitives.dll shim.c -ladvapi32 -Wl,--kill-at)
	cp "$tmp/bcryptprimitives.dll" "$sys32/bcryptprimitives.dll"
	cp "$tmp/shim.c" "$stamp"
	rm -rf "$tmp"
}

# Start the wineserver and Wine's background processes with their output on /dev/null, so that
# go test's pipes are not held open by them. Cheap (~0.2 s) when they are already running.
warm_server() {
	# Fails harmlessly ("already running") when a server for this prefix is up.
	wineserver_q -p"$WINESERVER_PERSIST" || true
	wine_q cmd.exe /c exit 0 || die "Wine cannot run cmd.exe (prefix $WINEPREFIX)"
}

with_lock() {
	# Serialize setup between concurrent callers sharing one prefix.
	mkdir -p "$(dirname "$WINEPREFIX")"
	exec 9>"$WINEPREFIX.lock"
	flock 9
	"$@"
	exec 9>&-
}

do_setup() {
	install_packages
	create_prefix
	install_shim
	warm_server
}

cmd_setup() {
	local t0=$SECONDS
	with_lock do_setup
	log "ready (WINEPREFIX=$WINEPREFIX, $((SECONDS - t0)) s)"
}

cmd_test() {
	[ $# -gt 0 ] || die "usage: $0 test [go test flags] PACKAGES..."
	with_lock do_setup
	log "GOOS=windows go test -exec $WINE $*"
	GOOS=windows GOARCH=amd64 go test -exec "$WINE" "$@"
}

cmd_teardown() {
	if [ -x "$WINESERVER" ] && [ -d "$WINEPREFIX" ]; then
		wineserver_q -k || true
		log "wineserver stopped ($WINEPREFIX)"
	fi
}

cmd_env() {
	printf 'export WINEPREFIX=%q WINEDEBUG=%q WINEDLLOVERRIDES=%q WINE=%q\n' \
		"$WINEPREFIX" "$WINEDEBUG" "$WINEDLLOVERRIDES" "$WINE"
}

case "${1:-}" in
setup) shift; cmd_setup "$@" ;;
test) shift; cmd_test "$@" ;;
teardown) shift; cmd_teardown "$@" ;;
env) shift; cmd_env "$@" ;;
*)
	sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
