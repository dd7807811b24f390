#!/bin/bash
# ensure-fixtures.sh: make (once; cached) the real dumps the tests read, and
# the oracle chroot, then print one dump directory per line on stdout.
#   bookworm's kernel (6.1) and trixie's (6.12), x86_64, under QEMU (TCG),
#   and bookworm's arm64 kernel (emulated: TCG on any host).
# Cache: $CRASH_FIXTURES (default ${XDG_CACHE_HOME:-~/.cache}/crash-fixtures),
# one subfolder per suite.  A second run costs about a second.
# FIXTURE_SUITES (default "bookworm trixie"), FIXTURE_ARCHES (default
# "x86_64 arm64"; arm64 is made for the suites in FIXTURE_ARM64_SUITES,
# default "bookworm": 2.5 min from nothing, measured on 2 cores),
# NO_ORACLES=1 to skip the chroot.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${CRASH_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/crash-fixtures}
ARCHES=${FIXTURE_ARCHES:-x86_64 arm64}
for suite in ${FIXTURE_SUITES:-bookworm trixie}; do
	for arch in $ARCHES; do
		if [ "$arch" = arm64 ] &&
		   [[ " ${FIXTURE_ARM64_SUITES:-bookworm} " != *" $suite "* ]]; then
			continue
		fi
		CACHE=$ROOT/$suite SUITE=$suite "$HERE/make-dumps.sh" "$arch"
	done
done
if [ "${NO_ORACLES:-0}" != 1 ]; then
	CACHE=$ROOT/oracles "$HERE/oracles.sh" >/dev/null
fi
