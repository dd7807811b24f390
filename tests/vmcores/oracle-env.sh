# Sourced by tests: where the oracle chroot lives (ensure-fixtures.sh).
ORACLE_CACHE=${CRASH_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/crash-fixtures}/oracles
