#!/bin/bash
# run-fuzz.sh [SECONDS] [DUMPDIR]: build the libFuzzer target with clang
# (ASan + UBSan) and run it for SECONDS (default 60), seeded with the heads
# of real dumps (headers, notes, bitmaps, first descriptors) when DUMPDIR is
# given.  Output: "ok fuzz ..." or "FAIL fuzz ...: why".
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-60}
DIR=${2:-}
OUT=$TOP/build-fuzz
mkdir -p "$OUT/corpus"
if ! command -v clang > /dev/null; then
	echo "skip fuzz: clang is not installed"
	exit 0
fi
PKG_CFLAGS=$(pkg-config --cflags libelf zlib lzo2 libzstd snappy)
# every library crash links with (liblzma, libopcodes, ...): the Makefile's
PKG_LIBS=$(make -s --no-print-directory -C "$TOP" print-libs)
# the sources git tracks (work in progress beside them stays out)
SRCS=$(cd "$TOP" && { git ls-files 'src/*.c' 2>/dev/null || ls src/*/*.c src/*.c; } |
	grep -v '^src/main.c$')
if ! (cd "$TOP" && clang -g -O1 -std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	$PKG_CFLAGS -o "$OUT/fuzz_dump" tests/fuzz/fuzz_dump.c $SRCS \
	$PKG_LIBS -lstdc++) > "$OUT/build.log" 2>&1; then
	echo "FAIL fuzz build: $(tail -5 "$OUT/build.log" | tr '\n' ' ')"
	exit 0
fi
if [ -n "$DIR" ]; then
	for f in "$DIR"/kdump-d31-lzo.kdump "$DIR"/kdump-d31-zlib.kdump \
		"$DIR"/kdump-vmcore.elf "$DIR"/kdump-d31-lzo.flat \
		"$DIR"/qemu-kaslr-vmci-zlib.kdump "$DIR"/kdump-d31-zlib-split.2; do
		[ -f "$f" ] && head -c 65536 "$f" > "$OUT/corpus/seed-$(basename "$f")"
	done
fi
cd "$OUT"
# inputs that once failed (tests/fuzz/regressions) must pass first
for f in "$TOP"/tests/fuzz/regressions/*; do
	[ -f "$f" ] || continue
	if ./fuzz_dump "$f" > regression.log 2>&1; then
		echo "ok   fuzz regression $(basename "$f")"
	else
		echo "FAIL fuzz regression $(basename "$f"): $(grep -m1 -E 'ERROR|SUMMARY' regression.log)"
	fi
done
if ./fuzz_dump -max_total_time="$SECS" -max_len=131072 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 corpus > fuzz.log 2>&1; then
	echo "ok   fuzz dump_open ${SECS}s: $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' fuzz.log | grep -o '[0-9]*$') inputs, no crash"
else
	echo "FAIL fuzz dump_open: $(grep -m1 -E 'ERROR|SUMMARY|timeout' fuzz.log) (input in $OUT: crash-*/timeout-*)"
fi
rm -f /tmp/crash-fuzz-*.dump
