#!/bin/bash
# bench/dwarf_index.sh [VMLINUX...]: how long the DWARF name index takes.
#
# For each vmlinux (default: the fixture kernels' debug vmlinux files), with
# tests/tools/dwarf-index, RUNS times each (median; min in brackets):
#   cold      build the index, no cache: the whole process (open the ELF,
#             build, exit) and the build alone, with its phases; peak RSS
#   cold -j1  the same on one thread, to show what the threads buy
#   cold+save a cold open that also writes the cache file (empty cache dir)
#   warm      the open with the cache file there: whole process, the load
#             alone, peak RSS
#   drgn      drgn 0.0.31's load_debug_info of the same vmlinux (it indexes
#             there), in the oracle chroot, when there is one (DRGN=0: skip)
# The load average is printed before and after: other work on the machine
# shows in these numbers.  Nothing here passes or fails.
# Env: RUNS (7), BUILD (build), DRGN (1).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
RUNS=${RUNS:-7}
case $BUILD in
/*) TOOL=$BUILD/tests/tools/dwarf-index ;;
*) TOOL=$TOP/$BUILD/tests/tools/dwarf-index ;;
esac
FIXTURES=${CRASH_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/crash-fixtures}

if [ ! -x "$TOOL" ]; then
	make -C "$TOP" -s BUILD="$BUILD" "$TOOL" >&2
fi
if [ $# -eq 0 ]; then
	set -- $(ls "$FIXTURES"/*/x86_64-*/vmlinux-* 2>/dev/null)
	[ $# -gt 0 ] || { echo "no vmlinux given and none in $FIXTURES" >&2; exit 2; }
fi
TMP=$(mktemp -d /tmp/crash-bench-index.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
unset CRASH_NO_INDEX_CACHE

# stats VALUES...: "median [min]" of numbers, in the unit they come in
stats() {
	printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1}
		END {printf "%s [%s]", a[int((NR + 1) / 2)], a[1]}'
}

# run_n OUTVAR-PREFIX SETUP-CMD -- CMD...: RUNS runs of CMD (after SETUP-CMD
# each time); collects wall seconds (with the start of /usr/bin/time, a
# millisecond or so), peak RSS (MB) and CMD's stdout.
run_n() {
	local prefix=$1 setup=$2 i
	shift 3
	eval "${prefix}_wall=() ${prefix}_rss=() ${prefix}_out=()"
	for i in $(seq "$RUNS"); do
		eval "$setup"
		t0=$EPOCHREALTIME
		/usr/bin/time -f "%M" -o "$TMP/time" "$@" > "$TMP/out"
		t1=$EPOCHREALTIME
		read -r m < "$TMP/time"
		w=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
		eval "${prefix}_wall+=(\"$w\")"
		eval "${prefix}_rss+=(\"$((m / 1024))\")"
		eval "${prefix}_out+=(\"\$(cat \"$TMP/out\")\")"
	done
}

# field NAME TEXT...: the value after "NAME " on a line of each text
field() {
	local name=$1 t
	shift
	for t in "$@"; do
		printf '%s\n' "$t" | awk -v n="$name" '$1 == n {print $2; exit}'
	done
}

# ms SECONDS...: the same numbers in milliseconds
ms() {
	local s
	for s in "$@"; do
		awk -v s="$s" 'BEGIN {printf "%.1f\n", s * 1000}'
	done
}

# drgn's load_debug_info, which builds its index, in the oracle chroot.
drgn_bench() {
	local vm=$1 dump oracle=$TOP/tests/vmcores/oracle-drgn
	dump=$(ls "$(dirname "$vm")"/dumps/*/kdump-d31-lzo.kdump 2>/dev/null | head -1)
	if [ "${DRGN:-1}" = 0 ] || [ ! -x "$oracle" ] || [ -z "$dump" ]; then
		echo "  drgn          (skipped: DRGN=0, no oracle-drgn or no dump)"
		return
	fi
	mkdir -p "$TMP/drgn"
	cat > "$TMP/drgn/load.py" <<-'EOF'
	import sys, time
	import drgn
	prog = drgn.Program()
	prog.set_core_dump(sys.argv[2])
	t0 = time.monotonic()
	prog.load_debug_info([sys.argv[1]])
	prog.type("struct task_struct")
	print("load %.4f" % (time.monotonic() - t0))
	EOF
	if ! CACHE=$FIXTURES/oracles "$oracle" "$TMP/drgn/load.py" "$vm" \
		"$dump" > /dev/null 2>&1; then
		echo "  drgn          (skipped: the oracle chroot does not run)"
		return
	fi
	run_n d : -- env CACHE="$FIXTURES/oracles" "$oracle" \
		"$TMP/drgn/load.py" "$vm" "$dump"
	printf '  %-13s process %s s   load_debug_info %s ms   RSS %s MB\n' \
		drgn "$(stats "${d_wall[@]}")" \
		"$(stats $(ms $(field load "${d_out[@]}")))" \
		"$(stats "${d_rss[@]}")"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $RUNS runs each"
for vm in "$@"; do
	echo "== $vm ($(du -m "$vm" | cut -f1) MB)"
	# Bring the file into the page cache first: "cold" means no index
	# cache, not a cold disk.
	cat "$vm" > /dev/null

	run_n c : -- "$TOOL" "$vm" stats
	printf '  %-13s process %s s   build %s ms (scan %s, merge %s, scatter %s)   RSS %s MB   %s threads\n' \
		cold "$(stats "${c_wall[@]}")" \
		"$(stats $(for o in "${c_out[@]}"; do
			printf '%s\n' "$o" | awk '$1 == "scan" || $1 == "merge" ||
				$1 == "scatter" {s += $2} END {print s}'; done |
			while read -r s; do ms "$s"; done))" \
		"$(stats $(ms $(field scan "${c_out[@]}")))" \
		"$(stats $(ms $(field merge "${c_out[@]}")))" \
		"$(stats $(ms $(field scatter "${c_out[@]}")))" \
		"$(stats "${c_rss[@]}")" "$(field threads "${c_out[0]}")"
	printf '  %-13s names %s, entries %s, units %s\n' "" \
		"$(field names "${c_out[0]}")" "$(field entries "${c_out[0]}")" \
		"$(field units "${c_out[0]}")"

	run_n one : -- "$TOOL" -j 1 "$vm" stats
	printf '  %-13s process %s s   build %s ms   RSS %s MB\n' "cold -j1" \
		"$(stats "${one_wall[@]}")" \
		"$(stats $(for o in "${one_out[@]}"; do
			printf '%s\n' "$o" | awk '$1 == "scan" || $1 == "merge" ||
				$1 == "scatter" {s += $2} END {print s}'; done |
			while read -r s; do ms "$s"; done))" \
		"$(stats "${one_rss[@]}")"

	export CRASH_CACHE_DIR=$TMP/cache
	run_n s 'rm -rf "$CRASH_CACHE_DIR"' -- "$TOOL" --cache "$vm" time 1
	printf '  %-13s process %s s   build+save %s ms   RSS %s MB   (%s)\n' \
		cold+save "$(stats "${s_wall[@]}")" \
		"$(stats $(ms $(for o in "${s_out[@]}"; do echo "${o%% *}"; done)))" \
		"$(stats "${s_rss[@]}")" "$(echo "${s_out[0]}" | cut -d' ' -f2)"

	run_n w : -- "$TOOL" --cache "$vm" time 1
	printf '  %-13s process %s s   load %s ms   RSS %s MB   (%s; cache file %s MB)\n' \
		warm "$(stats "${w_wall[@]}")" \
		"$(stats $(ms $(for o in "${w_out[@]}"; do echo "${o%% *}"; done)))" \
		"$(stats "${w_rss[@]}")" "$(echo "${w_out[0]}" | cut -d' ' -f2)" \
		"$(du -m "$CRASH_CACHE_DIR"/*.idx | cut -f1)"
	unset CRASH_CACHE_DIR

	drgn_bench "$vm"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
