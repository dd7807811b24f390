#!/bin/bash
# install-deps.sh [build|test]: install (with apt-get, once) what building
# crash needs, and with "test" what its tests need too.  Idempotent: with
# everything present it only checks.
set -euo pipefail
BUILD_PKGS="gcc make pkg-config libelf-dev libdw-dev zlib1g-dev liblzma-dev liblzo2-dev
	libsnappy-dev libzstd-dev libreadline-dev binutils-dev
	binutils-multiarch-dev"
# binutils-dev: libopcodes, the disassembler of dis (its header); the
# multiarch build of it disassembles arm64 too.
# libkdumpfile: the peer reader the page-by-page test compares against;
# the fixture kit (tests/vmcores) boots QEMU (x86_64 and arm64 guests) and
# writes dumps; clang and its runtime build the libFuzzer target
# (tests/fuzz); g++ brings the static libstdc++ the static capture
# programs of the end-to-end test need (snappy is C++).
TEST_PKGS="libkdumpfile-dev qemu-system-x86 qemu-system-arm e2fsprogs cpio
	makedumpfile binutils python3 debootstrap debian-archive-keyring
	util-linux man-db clang libclang-rt-14-dev g++ python3-jsonschema"
want=$BUILD_PKGS
[ "${1:-build}" = test ] && want="$want $TEST_PKGS"
missing=()
for p in $want; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run as root (sudo make ...) or install them" >&2
	exit 1
fi
echo "install-deps: apt-get install ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
