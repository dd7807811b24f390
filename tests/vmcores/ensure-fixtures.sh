#!/bin/bash
# ensure-fixtures.sh: make (once; cached) the real dumps the tests read, and
# the oracle chroot, then print one dump directory per line on stdout.
#   bookworm's kernel (6.1) and trixie's (6.12), x86_64, under QEMU (TCG).
# Cache: $CRASH_FIXTURES (default ${XDG_CACHE_HOME:-~/.cache}/crash-fixtures),
# one subfolder per suite.  A second run costs about a second.
# FIXTURE_SUITES (default "bookworm trixie"), NO_ORACLES=1 to skip the chroot.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${CRASH_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/crash-fixtures}
for suite in ${FIXTURE_SUITES:-bookworm trixie}; do
	CACHE=$ROOT/$suite SUITE=$suite "$HERE/make-dumps.sh" x86_64
done
if [ "${NO_ORACLES:-0}" != 1 ]; then
	CACHE=$ROOT/oracles "$HERE/oracles.sh" >/dev/null
fi
