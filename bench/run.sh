#!/bin/bash
# bench/run.sh [DUMPDIR] [RUNS]: open the same vmlinux and dump and do the
# same small batch (bench/cmds.txt; drgn: bench/drgn-batch.py) with this
# crash, the classic crash 8.0.6 and drgn 0.0.31 (the trixie chroot of
# tests/vmcores/oracles.sh) and bookworm's crash 8.0.2 and drgn 0.0.22 if
# installed (apt-get install crash python3-drgn); print
# wall time (first run, then the median of the next RUNS) and peak RSS side
# by side, with each peer's ratio to ours (warm: the DWARF index cache is
# there; ours-cold: built in every run).
# Default DUMPDIR: bookworm's 6.1 fixture set; the dump is its lzo kdump.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${CRASH_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/crash-fixtures}
DIR=${1:-$(ls -d "$ROOT"/bookworm/x86_64-*/dumps/default | head -1)}
RUNS=${2:-5}
VMLINUX=$(ls "$DIR"/../../vmlinux-* | head -1)
DUMP=$DIR/kdump-d31-lzo.kdump
T=$(mktemp -d /tmp/crash-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export CACHE=$ROOT/oracles

measure() {  # measure NAME CMD...: one run; prints "wall_seconds max_rss_kb"
	local name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$T/time" "$@" < /dev/null > "$T/$name.out" 2> "$T/$name.err"
	tail -n 1 "$T/time"
}

bench() {  # bench NAME CMD...: first run, then RUNS more: "first median rss"
	local name=$1 first rss i
	shift
	first=$(measure "$name" "$@")
	for ((i = 0; i < RUNS; i++)); do
		measure "$name" "$@"
	done | sort -n > "$T/$name.runs"
	rss=$(awk '{ print $2 }' "$T/$name.runs" | sort -n | tail -1)
	echo "${first%% *} $(awk -v n="$RUNS" 'NR == int((n + 1) / 2) { print $1 }' "$T/$name.runs") $rss"
}

echo "vmlinux: $VMLINUX"
echo "dump:    $DUMP"
echo "batch:   $(paste -sd';' "$TOP/bench/cmds.txt") (drgn: the same in Python)"
echo "runs:    1 first + $RUNS (median); $(nproc) cores"
echo
declare -A res
res[ours]=$(bench ours "$TOP/crash" -s -i "$TOP/bench/cmds.txt" "$VMLINUX" "$DUMP")
# cold: no DWARF index cache, so every run builds the index
res[ours-cold]=$(bench ourscold env CRASH_NO_INDEX_CACHE=1 "$TOP/crash" -s -i "$TOP/bench/cmds.txt" "$VMLINUX" "$DUMP")
if [ -f "$CACHE/trixie/.done" ]; then
	res[crash-8.0.6]=$(bench crash806 "$TOP/tests/vmcores/oracle-crash" -s -i "$TOP/bench/cmds.txt" "$VMLINUX" "$DUMP")
	res[drgn-0.0.31]=$(bench drgn "$TOP/tests/vmcores/oracle-drgn" -c "$DUMP" -s "$VMLINUX" "$TOP/bench/drgn-batch.py")
fi
if [ -x /usr/bin/crash ]; then	# bookworm's own (apt-get install crash)
	res[crash-8.0.2]=$(bench crash802 /usr/bin/crash -s -i "$TOP/bench/cmds.txt" "$VMLINUX" "$DUMP")
fi
if /usr/bin/python3 -c 'import drgn' 2> /dev/null; then	# python3-drgn 0.0.22
	res[drgn-0.0.22]=$(bench drgn022 /usr/bin/python3 -m drgn -c "$DUMP" -s "$VMLINUX" "$TOP/bench/drgn-batch.py")
fi
read -r of om orss <<< "${res[ours]}"
printf '%-14s %10s %10s %10s %12s %12s\n' tool "first s" "median s" "peak MB" "time ratio" "RSS ratio"
for k in ours ours-cold crash-8.0.6 crash-8.0.2 drgn-0.0.31 drgn-0.0.22; do
	[ -n "${res[$k]:-}" ] || continue
	read -r f m rss <<< "${res[$k]}"
	awk -v k="$k" -v f="$f" -v m="$m" -v r="$rss" -v om="$om" -v orss="$orss" 'BEGIN {
		printf "%-14s %10.3f %10.3f %10.1f %11.1fx %11.1fx\n", k, f, m, r / 1024,
			(om > 0 ? m / om : 0), (orss > 0 ? r / orss : 0) }'
done
echo
echo "(ratios: the peer's median time and peak RSS over ours; above 1 means we are faster or smaller)"
for k in ours ourscold crash806 drgn crash802 drgn022; do
	[ -s "$T/$k.err" ] && grep -qiE 'error|fail' "$T/$k.err" &&
		echo "note: $k printed errors: $(grep -m2 -iE 'error|fail' "$T/$k.err" | tr '\n' ' ')"
done
true
