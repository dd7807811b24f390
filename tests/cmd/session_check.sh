#!/bin/bash
# session_check.sh DUMPDIR...: opening a vmlinux with a dump -- the checks
# that they belong together and the KASLR offset -- on real fixtures.
# Output: "ok NAME" / "FAIL NAME: why" lines.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CRASH=${CRASH:-$TOP/crash}
T=$(mktemp -d /tmp/crash-session.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; }

run() {  # run ARGS...: crash in batch with "sym jiffies" then q
	printf 'sym jiffies\nq\n' | timeout 120 "$CRASH" -s "$@" > "$T/out" 2> "$T/err"
	rc=$?
}

expect() {  # expect NAME RC PATTERN(stderr or stdout) ARGS...
	local name=$1 want=$2 pat=$3
	shift 3
	run "$@"
	if [ $rc -ge 124 ] || grep -qE 'Sanitizer|runtime error' "$T/err"; then
		fail "$name" "exit $rc: $(head -c 300 "$T/err")"
	elif [ $rc -ne "$want" ]; then
		fail "$name" "exit $rc, want $want: $(head -c 300 "$T/err")"
	elif ! grep -qE -- "$pat" "$T/out" "$T/err"; then
		fail "$name" "no /$pat/ in: $(head -c 300 "$T/err") $(head -c 300 "$T/out")"
	else
		ok "$name"
	fi
}

dirs=("$@")
for d in "${dirs[@]}"; do
	vmlinux=$(ls "$d"/../../vmlinux-* | head -1)
	kver=${vmlinux##*/vmlinux-}
	other=""
	for o in "${dirs[@]}"; do
		[ "$o" != "$d" ] && other=$(ls "$o"/../../vmlinux-* | head -1)
	done
	expect "$kver: vmlinux and dump open" 0 "\(D\) jiffies" "$vmlinux" "$d/kdump-d31-lzo.kdump"
	expect "$kver: files in either order" 0 "\(D\) jiffies" "$d/kdump-d31-lzo.kdump" "$vmlinux"
	expect "$kver: split dump with its vmlinux" 0 "\(D\) jiffies" "$vmlinux" \
		"$d/kdump-d31-zlib-split.1" "$d/kdump-d31-zlib-split.2"
	# the KASLR offset of a dump without VMCOREINFO is found
	want=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["dumps"]["qemu-kaslr-novmci.elf"]["kaslr_offset"], 16))' "$d/facts.json")
	run "$vmlinux" "$d/qemu-kaslr-novmci.elf"
	link=$(awk '$3 == "jiffies" { print $1 }' "$d"/../../System.map-*)
	got=$(awk '$3 == "jiffies" { print $1 }' "$T/out")
	if [ -n "$got" ] && [ $((16#$got - 16#$link)) -eq "$want" ]; then
		ok "$kver: KASLR found without VMCOREINFO ($(printf %x "$want"))"
	else
		fail "$kver: KASLR found without VMCOREINFO" "jiffies at '$got', System.map $link, want offset $(printf %x "$want"): $(head -c 300 "$T/err")"
	fi
	expect "$kver: a wrong --kaslr is an error" 1 "linux_banner.*--kaslr" \
		--kaslr=200000 "$vmlinux" "$d/kdump-d31-lzo.kdump"
	expect "$kver: --force goes on with a wrong --kaslr" 0 "WARNING.*--force" \
		--force --kaslr=200000 "$vmlinux" "$d/kdump-d31-lzo.kdump"
	if [ -n "$other" ]; then
		expect "$kver: another kernel's vmlinux is refused" 1 "does not match the dump.*build-id" \
			"$other" "$d/kdump-d31-lzo.kdump"
	fi
	expect "$kver: two vmlinux files" 1 "second vmlinux" "$vmlinux" "$vmlinux" "$d/kdump-d31-lzo.kdump"
	expect "$kver: a dump alone opens" 0 "no symbols" "$d/kdump-d31-lzo.kdump"
	# a vmlinux without .symtab
	objcopy --strip-all "$vmlinux" "$T/stripped" 2> /dev/null
	expect "$kver: a stripped vmlinux says so" 0 "stripped|no symbol" "$T/stripped" "$d/kdump-d31-lzo.kdump"
	rm -f "$T/stripped"
	# a vmlinux of another architecture (a binary relabelled as aarch64)
	python3 -c 'import sys
b = bytearray(open("/bin/true", "rb").read()); b[18:20] = (183).to_bytes(2, "little")
open(sys.argv[1], "wb").write(b)' "$T/arm64-vmlinux"
	expect "$kver: a vmlinux of another architecture" 1 "kernel for aarch64.*x86_64" \
		"$T/arm64-vmlinux" "$d/kdump-d31-lzo.kdump"
	expect "$kver: unknown option" 2 "try 'crash --help'" --no-such-option "$vmlinux" "$d/kdump-d31-lzo.kdump"
	expect "$kver: --kaslr=junk" 2 "hex offset" --kaslr=zz "$vmlinux" "$d/kdump-d31-lzo.kdump"
done
