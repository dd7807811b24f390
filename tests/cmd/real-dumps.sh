#!/bin/bash
# real-dumps.sh DUMPDIR...: physical pages of the real fixture dumps
# (tests/vmcores/make-dumps.sh) read through our dump layer must be the
# bytes the raw ELF holds, in every format, and must agree with
# libkdumpfile.  Each page is reduced to "PFN HASH" by the tools
# dump-pages (ours) and kdumpfile-pages (libkdumpfile), and the listings
# are compared: a pfn both list must have the same hash.
#
# kdump-d31-snappy.kdump (and -zstd where the guest's makedumpfile cannot
# write zstd) are derived from kdump-d31-lzo.kdump with kdump-recompress
# and cached next to it, with a .derived note saying so.
#
# One line per check: "ok NAME", "FAIL NAME: reason", "skip NAME: reason";
# lines starting with "#" are information.  Exits 0 even after failures
# (the runner counts them); 2 only for bad usage.
# Env: BUILD (default build), where the tools are.

set -u
export LC_ALL=C		# join/comm need one collation; listings are hex

BUILD=${BUILD:-build}
TOOLS=$BUILD/tests/tools
DP=$TOOLS/dump-pages
KP=$TOOLS/kdumpfile-pages
RC=$TOOLS/kdump-recompress
MIN_PAGES=1000

if [ $# -eq 0 ]; then
	echo "usage: $0 DUMPDIR..." >&2
	exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/real-dumps.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }
note() { echo "# $*"; }

# FNV-1a (64-bit) of a page of zeros, as the tools print it; bash
# arithmetic wraps at 64 bits like the C code.
zero_hash() {
	local h=$((0xcbf29ce484222325)) i

	for ((i = 0; i < $1; i++)); do
		h=$((h * 0x100000001b3))
	done
	printf '%016x' "$h"
}

# The first few pfns of a list, "0000000000012abc" -> "0x12abc".
short_pfns() {
	sed 's/^0*\([0-9a-f]\)/0x\1/' | head -n 5 | paste -sd, -
}

# Listings: $tmp/ID.ours and $tmp/ID.kdf, ID a name for a file or set.
# list_ours ID FILE...: 0 if dump-pages read it without errors.
list_ours() {
	local id=$1

	shift
	"$DP" "$@" >"$tmp/$id.ours" 2>"$tmp/$id.ours.err"
}

# The one-line summary dump-pages printed (the last line of stderr).
ours_summary() { tail -n 1 "$tmp/$1.ours.err"; }

# Page size of a listing, from its summary.
page_size_of() {
	sed -n 's/.*page size \([0-9]*\),.*/\1/p' "$tmp/$1.ours.err" | tail -n 1
}

# list_kdf ID FILE...: libkdumpfile's listing; tries the architecture
# from the manifest if the dump alone does not say it.
list_kdf() {
	local id=$1

	shift
	"$KP" --pagemap "$@" >"$tmp/$id.kdf" 2>"$tmp/$id.kdf.err" && return 0
	[ -n "$arch" ] || return 1
	"$KP" --pagemap -a "$arch" "$@" >"$tmp/$id.kdf" 2>"$tmp/$id.kdf.err"
}

# compare A B: join two listings.  Sets n_common, n_diff, n_only_a,
# n_only_b and the first few pfns of each kind in p_diff, p_only_a,
# p_only_b.
compare() {
	join -a 1 -a 2 -e - -o 0,1.2,2.2 "$1" "$2" >"$tmp/joined"
	n_common=$(awk '$2 != "-" && $3 != "-"' "$tmp/joined" | wc -l)
	awk '$2 != "-" && $3 != "-" && $2 != $3 { print $1 }' \
		"$tmp/joined" >"$tmp/diff"
	awk '$3 == "-" { print $1 }' "$tmp/joined" >"$tmp/only_a"
	awk '$2 == "-" { print $1 }' "$tmp/joined" >"$tmp/only_b"
	n_diff=$(wc -l <"$tmp/diff")
	n_only_a=$(wc -l <"$tmp/only_a")
	n_only_b=$(wc -l <"$tmp/only_b")
	p_diff=$(short_pfns <"$tmp/diff")
	p_only_a=$(short_pfns <"$tmp/only_a")
	p_only_b=$(short_pfns <"$tmp/only_b")
}

# "N pages only A (pfn ...), M only B (pfn ...)" after a compare, the
# empty halves left out.
only_msg() {
	local a='' b=''

	[ "$n_only_a" -eq 0 ] || a="$n_only_a pages only $1 (pfn $p_only_a)"
	[ "$n_only_b" -eq 0 ] || b="$n_only_b pages only $2 (pfn $p_only_b)"
	echo "$a${a:+${b:+, }}$b"
}

# check_reads NAME ID FILE...: our reader lists the dump without errors.
# Returns 1 if there is no listing to compare.
check_reads() {
	local name=$1 id=$2 n

	shift 2
	if ! list_ours "$id" "$@"; then
		fail "$name/reads" "dump-pages: $(grep -m 3 . "$tmp/$id.ours.err" |
			paste -sd'|' -)"
		return 1
	fi
	n=$(wc -l <"$tmp/$id.ours")
	note "$name: $(ours_summary "$id")"
	if [ "$n" -le "$MIN_PAGES" ]; then
		fail "$name/reads" "only $n pages readable"
		return 1
	fi
	ok "$name/reads"
	# count_pages must describe what the reads found.
	local read present zero
	read=$(ours_summary "$id" | sed -n 's/.*: \([0-9]*\) pages read.*/\1/p')
	present=$(ours_summary "$id" | sed -n 's/.*count_pages: \([0-9]*\) present.*/\1/p')
	zero=$(ours_summary "$id" | sed -n 's/.*present, \([0-9]*\) zero.*/\1/p')
	if [ -z "$read" ] || [ -z "$present" ] || [ -z "$zero" ]; then
		fail "$name/count-pages" "cannot parse: $(ours_summary "$id")"
	elif [ $((present + zero)) -ne "$read" ]; then
		fail "$name/count-pages" "dump_count_pages says $present present + $zero zero, but $read pages read"
	else
		ok "$name/count-pages"
	fi
	return 0
}

# check_same_as_raw NAME ID RAWID RAWFILE: every page both hold is
# byte-identical, there are many of them, and the dump holds no page the
# raw ELF lacks.
check_same_as_raw() {
	local name=$1 id=$2 raw=$3 rawfile=$4

	compare "$tmp/$raw.ours" "$tmp/$id.ours"
	note "$name: $n_common pages compared with $rawfile"
	if [ "$n_diff" -gt 0 ]; then
		fail "$name/same-as-raw" "$n_diff of $n_common pages differ from $rawfile (pfn $p_diff)"
	elif [ "$n_only_b" -gt 0 ]; then
		fail "$name/same-as-raw" "$n_only_b pages not in $rawfile (pfn $p_only_b)"
	elif [ "$n_common" -le "$MIN_PAGES" ]; then
		fail "$name/same-as-raw" "only $n_common pages compared"
	else
		ok "$name/same-as-raw"
	fi
}

# check_filtered NAME ID RAWID: a -d 31 dump leaves pages out, and holds
# data for far fewer pages than the raw ELF.  Zero pages do not count as
# held: kdump files keep them as references to one shared zero block, and
# a freshly booted guest has many (most of RAM under the 6.12 kernel).
check_filtered() {
	local name=$1 n raw data zh

	zh=$(zero_hash "$(page_size_of "$2")")
	n=$(wc -l <"$tmp/$2.ours")
	raw=$(wc -l <"$tmp/$3.ours")
	data=$(awk -v zh="$zh" '$2 != zh' "$tmp/$2.ours" | wc -l)
	note "$name: $n pages, $data not zero; the raw ELF: $raw pages"
	if [ "$n" -ge "$raw" ]; then
		fail "$name/filtered" "$n pages, as many as the raw ELF ($raw)"
	elif [ $((data * 2)) -ge "$raw" ]; then
		fail "$name/filtered" "$data non-zero pages, the raw ELF $raw pages: dump level 31 should leave out most"
	else
		ok "$name/filtered"
	fi
}

# partial_frames ELF PAGESIZE: the pfns (as the listings print them) of the
# page frames in which a PT_LOAD's file data starts or ends mid-page.
partial_frames() {
	readelf -lW "$1" | python3 -c 'import sys
ps = int(sys.argv[1])
for line in sys.stdin:
    f = line.split()
    if f[:1] == ["LOAD"]:
        start = int(f[3], 16)
        for a in (start, start + int(f[4], 16)):
            if a % ps:
                print("%016x" % (a // ps))' "$2" | sort -u
}

# check_libkdumpfile NAME ID FILE...: libkdumpfile reads the same pages
# with the same contents.
check_libkdumpfile() {
	local name=$1 id=$2

	shift 2
	if ! list_kdf "$id" "$@"; then
		skip "$name/libkdumpfile" "libkdumpfile cannot read it ($(sed -n '1s/.*cannot open: //p' "$tmp/$id.kdf.err"))"
		return
	fi
	compare "$tmp/$id.ours" "$tmp/$id.kdf"
	note "$name: $n_common pages compared with libkdumpfile"
	if [ "$n_diff" -gt 0 ]; then
		fail "$name/libkdumpfile-data" "$n_diff of $n_common pages differ (pfn $p_diff)"
	elif [ "$n_common" -le "$MIN_PAGES" ]; then
		fail "$name/libkdumpfile-data" "only $n_common pages compared"
	else
		ok "$name/libkdumpfile-data"
	fi
	# A page frame that a PT_LOAD covers only in part (RAM ending at
	# 0x9fc00) is no whole page of the dump: libkdumpfile fills the rest
	# with zeros, we report it as a hole.  Found with readelf, not with us.
	if [ "$n_only_b" -gt 0 ] && [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; then
		partial_frames "$1" "$(page_size_of "$id")" >"$tmp/partial"
		grep -vxFf "$tmp/partial" "$tmp/only_b" >"$tmp/only_b.rest" || true
		if [ "$(wc -l <"$tmp/only_b.rest")" -lt "$n_only_b" ]; then
			note "$name: libkdumpfile zero-fills $((n_only_b - $(wc -l <"$tmp/only_b.rest"))) partial page(s) at PT_LOAD edges (pfn $(grep -xFf "$tmp/partial" "$tmp/only_b" | short_pfns)); we report their missing part as a hole"
			n_only_b=$(wc -l <"$tmp/only_b.rest")
			p_only_b=$(short_pfns <"$tmp/only_b.rest")
		fi
	fi
	if [ "$n_only_a" -gt 0 ] || [ "$n_only_b" -gt 0 ]; then
		fail "$name/libkdumpfile-pages" "$(only_msg "we read" "libkdumpfile reads")"
	else
		ok "$name/libkdumpfile-pages"
	fi
}

# check_zero_excluded NAME ID RAWID FILE: with --zero-excluded, a filtered
# dump reads every page of RAM (as the raw ELF has it), the excluded ones
# as zeros, the others as before.
check_zero_excluded() {
	local name=$1 id=$2 raw=$3 file=$4 zh bad

	if ! list_ours "$id.ze" --zero-excluded "$file"; then
		fail "$name/zero-excluded" "dump-pages --zero-excluded: $(grep -m 1 . "$tmp/$id.ze.ours.err")"
		return
	fi
	compare "$tmp/$raw.ours" "$tmp/$id.ze.ours"
	if [ "$n_only_a" -gt 0 ] || [ "$n_only_b" -gt 0 ]; then
		fail "$name/zero-excluded" "not the raw ELF's pages: $(only_msg "in the raw ELF" "with --zero-excluded")"
		return
	fi
	zh=$(zero_hash "$(page_size_of "$id")")
	compare "$tmp/$id.ours" "$tmp/$id.ze.ours"
	bad=$(awk -v zh="$zh" '$2 == "-" && $3 != zh { print $1 }' \
		"$tmp/joined" | short_pfns)
	if [ "$n_diff" -gt 0 ] || [ "$n_only_a" -gt 0 ]; then
		fail "$name/zero-excluded" "stored pages read differently (pfn ${p_diff:-$p_only_a})"
	elif [ -n "$bad" ]; then
		fail "$name/zero-excluded" "excluded pages not zero (pfn $bad)"
	else
		ok "$name/zero-excluded"
	fi
	# libkdumpfile also counts non-RAM as excluded, so it reads more:
	# every page we read must be among its, the same.
	if ! "$KP" --zero-excluded "$file" >"$tmp/$id.ze.kdf" 2>/dev/null; then
		skip "$name/libkdumpfile-zero-excluded" "libkdumpfile cannot read it"
		return
	fi
	compare "$tmp/$id.ze.ours" "$tmp/$id.ze.kdf"
	# Where PT_LOADs overlap (arm64's image segment over its RAM
	# segment, whose copy makedumpfile -E excluded), libkdumpfile reads
	# the excluded copy: a page that differs is ours only if it is the
	# raw ELF's page.
	local ndiff=$n_diff pdiff=$p_diff nonly=$n_only_a ponly=$p_only_a
	local wrong
	wrong=$(join "$tmp/diff" "$tmp/$id.ze.ours" | join - "$tmp/$raw.ours" |
		awk '$2 != $3 { print $1 }' | short_pfns)
	if [ "$ndiff" -gt 0 ] && [ -n "$wrong" ]; then
		fail "$name/libkdumpfile-zero-excluded" "$ndiff pages differ (pfn $pdiff), of them not the raw ELF's: pfn $wrong"
	elif [ "$nonly" -gt 0 ]; then
		fail "$name/libkdumpfile-zero-excluded" "$nonly not read by libkdumpfile (pfn $ponly)"
	elif [ "$ndiff" -gt 0 ]; then
		note "$name: $ndiff pages libkdumpfile reads as excluded are the raw ELF's through ours (pfn $pdiff): overlapping PT_LOADs"
		ok "$name/libkdumpfile-zero-excluded"
	else
		ok "$name/libkdumpfile-zero-excluded"
	fi
}

# derive DIR METHOD NAME: make kdump-d31-METHOD.kdump from the lzo one
# unless makedumpfile wrote it; sets derived to the path to use, or "".
derive() {
	local dir=$1 m=$2 name=$3
	local src=$dir/kdump-d31-lzo.kdump dst=$dir/kdump-d31-$2.kdump

	derived=
	if [ -e "$dst" ] && [ ! -e "$dst.derived" ]; then
		note "$name/derive-$m: not needed, makedumpfile wrote $m"
		derived=$dst
		return
	fi
	if [ ! -e "$src" ]; then
		skip "$name/derive-$m" "no kdump-d31-lzo.kdump to derive it from"
		return
	fi
	# Remade when the source or the converter is newer.
	if [ -e "$dst" ] && [ "$dst" -nt "$src" ] && [ "$dst" -nt "$RC" ]; then
		note "$name/derive-$m: cached $dst ($(head -n 1 "$dst.derived"))"
		ok "$name/derive-$m"
		derived=$dst
		return
	fi
	# A read-only fixture directory: derive into the temp dir.
	[ -w "$dir" ] || dst=$tmp/kdump-d31-$m.kdump
	if "$RC" "$m" "$src" "$dst" 2>"$tmp/rc.err"; then
		[ "$dst" = "$tmp/kdump-d31-$m.kdump" ] ||
			printf 'derived, not from makedumpfile: %s %s %s (%s)\n' \
				"kdump-recompress" "$m" "kdump-d31-lzo.kdump" \
				"$(date -u +%FT%TZ)" >"$dst.derived"
		note "$(cat "$tmp/rc.err")"
		ok "$name/derive-$m"
		derived=$dst
	else
		fail "$name/derive-$m" "$(head -n 1 "$tmp/rc.err")"
	fi
}

# The converter must write what makedumpfile writes: recompressing the
# lzo dump as zlib (zstd, snappy) gives makedumpfile's file byte for byte.
check_recompress() {
	local dir=$1 name=$2 m

	for m in zlib zstd snappy; do
		local ref=$dir/kdump-d31-$m.kdump

		if [ ! -e "$ref" ] || [ -e "$ref.derived" ]; then
			continue
		fi
		if ! "$RC" "$m" "$dir/kdump-d31-lzo.kdump" "$tmp/rc-$m" \
			2>"$tmp/rc.err"; then
			fail "$name/recompress-$m" "$(head -n 1 "$tmp/rc.err")"
		elif cmp -s "$tmp/rc-$m" "$ref"; then
			ok "$name/recompress-$m"
		else
			fail "$name/recompress-$m" "lzo -> $m differs from makedumpfile's kdump-d31-$m.kdump ($(cmp "$tmp/rc-$m" "$ref" 2>&1 | head -n 1))"
		fi
		rm -f "$tmp/rc-$m"
	done
}

# check_file NAME ID RAWID RAWFILE FILTERED FILE...
check_file() {
	local name=$1 id=$2 raw=$3 rawfile=$4 filtered=$5 ps

	shift 5
	check_reads "$name" "$id" "$@" || return
	# QEMU writes arm64 kdump files in 64K blocks whatever the guest's
	# pages: list the raw ELF in blocks of that size to compare
	ps=$(page_size_of "$id")
	if [ -n "$raw" ] && [ "$ps" != "$(page_size_of "$raw")" ]; then
		if [ ! -s "$tmp/$raw-$ps.ours" ] && ! list_ours "$raw-$ps" \
			--page-size "$ps" "$(dirname "$1")/$rawfile" 2>/dev/null; then
			fail "$name/same-as-raw" "cannot list $rawfile in $ps-byte pages"
			raw=
		else
			raw=$raw-$ps
		fi
	fi
	[ -z "$raw" ] || check_same_as_raw "$name" "$id" "$raw" "$rawfile"
	[ "$filtered" = no ] || check_filtered "$name" "$id" "$raw"
	check_libkdumpfile "$name" "$id" "$@"
	return 0
}

check_dir() {
	local dir=${1%/} label name f m order have_raw
	local -a kdumps

	label=$(basename "$(dirname "$(dirname "$dir")")")/$(basename "$dir")
	arch=$(sed -n 's/^arch: //p' "$dir/manifest.txt" 2>/dev/null)
	if [ ! -d "$dir" ]; then
		fail "real/$label" "no such directory: $dir"
		return
	fi

	# The kdump boot: raw ELF and what makedumpfile made of it.
	name=real/$label/kdump-vmcore.elf
	have_raw=
	if [ ! -e "$dir/kdump-vmcore.elf" ]; then
		skip "$name" "not in $dir"
	elif check_reads "$name" raw "$dir/kdump-vmcore.elf"; then
		have_raw=raw
		check_libkdumpfile "$name" raw "$dir/kdump-vmcore.elf"
	fi

	[ -e "$dir/kdump-d31-lzo.kdump" ] && check_recompress "$dir" "real/$label"
	kdumps=(kdump-d31-lzo.kdump kdump-d31-zlib.kdump kdump-d31-none.kdump)
	for m in snappy zstd; do
		derive "$dir" "$m" "real/$label"
		[ -z "$derived" ] || kdumps+=("$derived")
	done
	kdumps+=(kdump-d31-lzo.flat kdump-d31.elf)
	for f in "${kdumps[@]}"; do
		[ "${f#/}" != "$f" ] || f=$dir/$f
		name=real/$label/$(basename "$f")
		if [ ! -e "$f" ]; then
			skip "$name" "not in $dir"
			continue
		fi
		if [ -z "$have_raw" ]; then
			skip "$name/same-as-raw" "no raw ELF listing"
			check_file "$name" "$(basename "$f")" "" "" no "$f"
		else
			check_file "$name" "$(basename "$f")" raw \
				kdump-vmcore.elf yes "$f"
		fi
	done

	# The split set, read as one dump, with its parts in either order.
	local s1=$dir/kdump-d31-zlib-split.1 s2=$dir/kdump-d31-zlib-split.2
	if [ ! -e "$s1" ] || [ ! -e "$s2" ]; then
		skip "real/$label/kdump-d31-zlib-split" "not in $dir"
	else
		for order in 1+2 2+1; do
			local id=split-$order a=$s1 b=$s2

			[ $order = 1+2 ] || { a=$s2; b=$s1; }
			name=real/$label/kdump-d31-zlib-split.$order
			if [ -n "$have_raw" ]; then
				check_file "$name" "$id" raw kdump-vmcore.elf \
					yes "$a" "$b" || continue
			else
				check_file "$name" "$id" "" "" no "$a" "$b" ||
					continue
			fi
			if [ ! -s "$tmp/kdump-d31-zlib.kdump.ours" ]; then
				skip "$name/equals-unsplit" "no listing of kdump-d31-zlib.kdump"
			elif cmp -s "$tmp/$id.ours" "$tmp/kdump-d31-zlib.kdump.ours"; then
				ok "$name/equals-unsplit"
			else
				compare "$tmp/kdump-d31-zlib.kdump.ours" "$tmp/$id.ours"
				fail "$name/equals-unsplit" "$n_diff pages differ (pfn ${p_diff:-none}); $(only_msg "unsplit" "split")"
			fi
		done
	fi

	# Excluded pages read as zeros when asked.
	if [ -n "$have_raw" ]; then
		for f in kdump-d31-lzo.kdump kdump-d31.elf; do
			[ -s "$tmp/$f.ours" ] || continue
			check_zero_excluded "real/$label/$f" "$f" raw "$dir/$f"
		done
	fi

	# The live boot: QEMU's ELF and kdump of one moment.
	name=real/$label/qemu-kaslr-vmci.elf
	have_raw=
	if [ ! -e "$dir/qemu-kaslr-vmci.elf" ]; then
		skip "$name" "not in $dir"
	elif check_reads "$name" qraw "$dir/qemu-kaslr-vmci.elf"; then
		have_raw=qraw
		check_libkdumpfile "$name" qraw "$dir/qemu-kaslr-vmci.elf"
	fi
	for f in qemu-kaslr-vmci-zlib.kdump qemu-kaslr-vmci-zlib.flat; do
		name=real/$label/$f
		if [ ! -e "$dir/$f" ]; then
			skip "$name" "not in $dir"
		elif [ -z "$have_raw" ]; then
			check_file "$name" "$f" "" "" no "$dir/$f"
		else
			check_file "$name" "$f" qraw qemu-kaslr-vmci.elf no \
				"$dir/$f"
		fi
	done
	# Taken earlier in the same boot: nothing to compare it with.
	f=qemu-kaslr-novmci.elf
	if [ -e "$dir/$f" ]; then
		check_file "real/$label/$f" "$f" "" "" no "$dir/$f"
	else
		skip "real/$label/$f" "not in $dir"
	fi
	rm -f "$tmp"/*
}

for tool in "$DP" "$KP" "$RC"; do
	if [ ! -x "$tool" ]; then
		fail real-dumps "no $tool (make tools)"
		exit 0
	fi
done
for d in "$@"; do
	check_dir "$d"
done
exit 0
