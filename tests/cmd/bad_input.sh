#!/bin/bash
# bad_input.sh DUMPDIR...: damaged and wrong files, made from a real dump,
# each must give a clear one-line error naming the file (exit 1), or open
# and say the dump is incomplete -- never a crash, a sanitizer report or a
# hang.  Output: "ok NAME" / "FAIL NAME: why" lines.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CRASH=${CRASH:-$TOP/crash}
BUILD=${BUILD:-build}
PAGES=$TOP/$BUILD/tests/tools/dump-pages
DIR=$1	# the first fixture set is enough: the damage is what varies
T=$(mktemp -d /tmp/crash-bad.XXXXXX)
trap 'rm -rf "$T"' EXIT

ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; }

# patch FILE OFFSET HEXBYTES: overwrite bytes in place
patch() { python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2], 0)); f.write(bytes.fromhex(sys.argv[3]))' "$@"; }

run() {  # run NAME: crash --dumpinfo ARGS... into $T/out, $T/err, $rc
	timeout 60 "$CRASH" --dumpinfo "$@" > "$T/out" 2> "$T/err"
	rc=$?
}

sane() {  # sane NAME: no crash, no sanitizer report, no hang
	if [ $rc -ge 124 ]; then
		fail "$1" "exit $rc (crash, signal or hang): $(head -c 300 "$T/err")"
		return 1
	fi
	if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$T/err"; then
		fail "$1" "sanitizer: $(grep -m1 -E 'Sanitizer|runtime error' "$T/err")"
		return 1
	fi
	return 0
}

names_a_file() {  # names_a_file FILE...: $T/err names one of them
	local f
	for f; do
		grep -qF -- "$(basename "$f")" "$T/err" && return 0
	done
	return 1
}

expect_error() {  # expect_error NAME PATTERN FILE-ARGS...: exit 1, one line
	local name=$1 pat=$2
	shift 2
	run "$@"
	sane "$name" || return
	if [ $rc -ne 1 ]; then
		fail "$name" "exit $rc, want 1 (stdout: $(head -c 200 "$T/out"))"
	elif [ "$(wc -l < "$T/err")" -ne 1 ]; then
		fail "$name" "want one line on stderr, got: $(head -c 300 "$T/err")"
	elif ! names_a_file "$@"; then
		fail "$name" "the message does not name the file: $(cat "$T/err")"
	elif ! grep -qE -- "$pat" "$T/err"; then
		fail "$name" "message does not say /$pat/: $(cat "$T/err")"
	else
		ok "$name"
	fi
}

expect_incomplete() {  # expect_incomplete NAME FILE-ARGS...: opens, says so
	local name=$1
	shift
	run "$@"
	sane "$name" || return
	if [ $rc -eq 0 ] && grep -q 'COMPLETE: no' "$T/out"; then
		ok "$name"
	else
		fail "$name" "exit $rc; want a description with COMPLETE: no ($(head -c 300 "$T/err"))"
	fi
}

pages_error() {  # pages_error NAME PATTERN FILE: reading every page reports
	local name=$1 pat=$2 f=$3
	if [ ! -x "$PAGES" ]; then
		echo "skip $name: $PAGES not built"
		return
	fi
	timeout 120 "$PAGES" "$f" > "$T/out" 2> "$T/err"
	rc=$?
	sane "$name" || return
	if grep -qE -- "$pat" "$T/err"; then
		ok "$name"
	else
		fail "$name" "exit $rc; no /$pat/ in: $(head -c 300 "$T/err")"
	fi
}

K=$DIR/kdump-d31-lzo.kdump
E=$DIR/kdump-vmcore.elf
F=$DIR/kdump-d31-lzo.flat
VMLINUX=$(ls "$DIR"/../../vmlinux-* | head -1)

expect_error "missing file" "No such file" "$T/no-such-dump"
: > "$T/empty"
expect_error "empty file" "not a kernel dump|neither" "$T/empty"
echo "hello, not a dump" > "$T/text"
expect_error "text file" "neither a vmlinux nor a dump" "$T/text"
run "$VMLINUX"
if sane "vmlinux given to --dumpinfo" && [ $rc -eq 1 ] && grep -q "dump files only" "$T/err"; then
	ok "vmlinux given to --dumpinfo"
else
	fail "vmlinux given to --dumpinfo" "exit $rc: $(cat "$T/err")"
fi

# kdump-compressed: cut at each region, then damaged header fields
for cut in 100 4096 5000 $((0x3000 + 100)); do
	head -c $cut "$K" > "$T/k-cut-$cut"
	expect_error "kdump cut at $cut (headers, bitmaps)" "past the end|offset" "$T/k-cut-$cut"
done
# the descriptors follow the header, the sub header and the bitmaps, whose
# size depends on the machine's memory map (arm64's RAM starts at 1G)
desc=$(python3 -c 'import struct, sys
h = open(sys.argv[1], "rb").read(440)
bs, sub, bm = struct.unpack_from("<iII", h, 428)
print(bs * (1 + sub + bm))' "$K")
head -c $((desc + 1000)) "$K" > "$T/k-cut-desc"
expect_incomplete "kdump cut inside the page descriptors" "$T/k-cut-desc"
head -c $(( $(stat -c %s "$K") / 2 )) "$K" > "$T/k-cut-half"
expect_incomplete "kdump cut in the page data" "$T/k-cut-half"
pages_error "kdump cut in the page data: reads say truncated" "ends before|past the end|truncated" "$T/k-cut-half"
cp "$K" "$T/k-bs"; patch "$T/k-bs" 428 03100000
expect_error "kdump block size 0x1003" "block size" "$T/k-bs"
cp "$K" "$T/k-bm"; patch "$T/k-bm" 436 ffffff00
expect_error "kdump huge bitmap" "bitmap|past the end" "$T/k-bm"
cp "$K" "$T/k-sub"; patch "$T/k-sub" 432 ffffff7f
expect_error "kdump huge sub header" "sub header" "$T/k-sub"
cp "$K" "$T/k-ver"; patch "$T/k-ver" 8 00000000
expect_error "kdump header version 0" "header version" "$T/k-ver"
cp "$K" "$T/k-mapnr"; patch "$T/k-mapnr" $((4096 + 96)) ffffffffff000000
expect_error "kdump max_mapnr beyond the bitmap" "max_mapnr" "$T/k-mapnr"
# the first page descriptor that is not the shared zero page, damaged in
# three ways, one file each (the page lister stops at the first damage)
damage_desc() {  # damage_desc FILE HOW
	cp "$K" "$1"
	python3 - "$1" "$2" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
bs, sub, bmb = struct.unpack_from("<iiI", b, 428)
desc = (1 + sub + bmb) * bs
zero = struct.unpack_from("<q", b, desc)[0]
i = 0
while struct.unpack_from("<q", b, desc + 24 * i)[0] == zero:
    i += 1
at = desc + 24 * i
if sys.argv[2] == "past-end":
    struct.pack_into("<qI", b, at, len(b) + 4096, 100)
elif sys.argv[2] == "too-big":
    struct.pack_into("<I", b, at + 8, bs + 1)
else:
    o, s, fl = struct.unpack_from("<qII", b, at)
    b[o:o + s] = bytes([0x5a]) * s
open(sys.argv[1], "wb").write(b)
PY
}
damage_desc "$T/k-desc1" past-end
pages_error "kdump descriptor past the end: read as truncated" " 1 truncated" "$T/k-desc1"
damage_desc "$T/k-desc2" too-big
pages_error "kdump descriptor size > block size" "corrupt" "$T/k-desc2"
damage_desc "$T/k-desc3" garbage
pages_error "kdump page that does not decompress" "does not decompress|decompressed to" "$T/k-desc3"

# flattened: cut in the middle of its records
head -c $(( $(stat -c %s "$F") / 2 )) "$F" > "$T/f-cut"
expect_incomplete "flattened cut in the middle" "$T/f-cut"
cp "$F" "$T/f-rec"; patch "$T/f-rec" 4096 8000000000000000
expect_error "flattened record with a negative offset" "flattened record" "$T/f-rec"

# ELF: cut in each part, then damaged headers and notes
for cut in 30 100 $((0x1000 + 100)); do
	head -c $cut "$E" > "$T/e-cut-$cut"
	expect_error "ELF cut at $cut (headers, notes)" "past the end|offset" "$T/e-cut-$cut"
done
head -c $((0x3432000 + 4096)) "$E" > "$T/e-cut-load"
expect_incomplete "ELF cut in a PT_LOAD" "$T/e-cut-load"
pages_error "ELF cut in a PT_LOAD: reads say truncated" "past the end|truncated" "$T/e-cut-load"
head -c 8192 "$E" > "$T/e-phent" && patch "$T/e-phent" 54 2000
expect_error "ELF e_phentsize 32" "e_phentsize" "$T/e-phent"
head -c 8192 "$E" > "$T/e-note" && patch "$T/e-note" $((0x1000 + 4)) ffffff00
expect_error "ELF note descsz past the end" "note" "$T/e-note"
head -c 8192 "$E" > "$T/e-class" && patch "$T/e-class" 4 07
expect_error "ELF bad class" "ELF class" "$T/e-class"

# split sets: a part missing, a part of another dump
S1=$DIR/kdump-d31-zlib-split.1 S2=$DIR/kdump-d31-zlib-split.2
expect_error "split set without its second part" "missing" "$S1"
expect_error "split set without its first part" "missing" "$S2"
expect_error "split part with a whole dump" "split|part" "$S1" "$K"
expect_error "ELF and kdump as one dump" "one format|split" "$E" "$K"
