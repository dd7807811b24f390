#!/bin/bash
# bench/capture.sh [RUNS]: crash-dump against makedumpfile on the same
# input (each fixture kernel's unfiltered /proc/vmcore copy,
# kdump-vmcore.elf), the same dump level (-d 31) and each compression:
# wall time, the median of RUNS (default 5) after one warm-up run, and the
# output size, side by side with the ratio makedumpfile / crash-dump.
# makedumpfile is a current build (bench/makedumpfile.sh: lzo, snappy and
# zstd), single-threaded as it runs by default and with --num-threads
# like ours; crash-dump with one compressing thread, with its default
# (every CPU), and on one CPU (taskset -c 0, as a capture kernel with
# nr_cpus=1: then it does everything in one thread).
# The input is in the page cache after the warm-up, as /proc/vmcore is
# memory; the outputs go to a tmpfs (/dev/shm) so the disk does not count.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${CRASH_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/crash-fixtures}
RUNS=${1:-5}
CPUS=$(nproc)
MDF=$("$TOP/bench/makedumpfile.sh") || exit 1
CD=$TOP/capture/crash-dump
[ -x "$CD" ] || { echo "build crash-dump first (make)" >&2; exit 1; }
OUT=$(mktemp -d /dev/shm/capture-bench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# timeit OUTFILE CMD...: median wall seconds of RUNS runs (after a warm-up)
timeit() {
	local out=$1 i s e
	shift
	rm -f "$out"
	"$@" >/dev/null 2>&1
	for ((i = 0; i < RUNS; i++)); do
		rm -f "$out"
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s.%N)
		echo "$e - $s" | bc
	done | median
}

echo "crash-dump vs makedumpfile ($("$MDF" -v 2>&1 | head -1 | sed 's/makedumpfile: //')), -d 31, $CPUS CPUs, median of $RUNS"
printf '%-8s %-7s %9s %9s %9s %9s %9s %8s %8s %8s %7s %7s\n' kernel comp \
	mdf mdf-Nthr ours-1thr ours ours-1cpu mdf/ours Nthr-rat 1cpu-rat \
	"mdf MB" "our MB"
for V in "$ROOT"/*/x86_64-*/dumps/default/kdump-vmcore.elf; do
	k=$(basename "$(dirname "$(dirname "$(dirname "$V")")")" | sed 's/x86_64-//; s/-amd64//; s/+deb13//')
	for comp in none zlib lzo snappy zstd; do
		case $comp in
		none) f= ;; zlib) f=-c ;; lzo) f=-l ;; snappy) f=-p ;; zstd) f=-z ;;
		esac
		m=$(timeit "$OUT/m" "$MDF" $f -d 31 "$V" "$OUT/m")
		msize=$(stat -c %s "$OUT/m")
		mn=$(timeit "$OUT/m" "$MDF" $f -d 31 --num-threads "$CPUS" "$V" "$OUT/m")
		o1=$(timeit "$OUT/o" "$CD" $f -d 31 --num-threads 1 "$V" "$OUT/o")
		o=$(timeit "$OUT/o" "$CD" $f -d 31 "$V" "$OUT/o")
		oc=$(timeit "$OUT/o" taskset -c 0 "$CD" $f -d 31 "$V" "$OUT/o")
		osize=$(stat -c %s "$OUT/o")
		printf '%-8s %-7s %8.3fs %8.3fs %8.3fs %8.3fs %8.3fs %7.1fx %7.1fx %7.1fx %7.1f %7.1f\n' \
			"$k" "$comp" "$m" "$mn" "$o1" "$o" "$oc" \
			"$(echo "$m / $o" | bc -l)" "$(echo "$mn / $o" | bc -l)" \
			"$(echo "$m / $oc" | bc -l)" \
			"$(echo "$msize / 1048576" | bc -l)" \
			"$(echo "$osize / 1048576" | bc -l)"
	done
done
