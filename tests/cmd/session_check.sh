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

arch_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["arch"])' "$1/facts.json"; }

dirs=("$@")
for d in "${dirs[@]}"; do
	vmlinux=$(ls "$d"/../../vmlinux-* | head -1)
	kver=${vmlinux##*/vmlinux-}
	arch=$(arch_of "$d")
	other="" foreign=""	# another kernel of this architecture, of another
	for o in "${dirs[@]}"; do
		[ "$o" = "$d" ] && continue
		if [ "$(arch_of "$o")" = "$arch" ]; then
			other=$(ls "$o"/../../vmlinux-* | head -1)
		else
			foreign=$(ls "$o"/../../vmlinux-* | head -1)
		fi
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
	if [ -n "$foreign" ]; then
		expect "$kver: a kernel of another architecture is refused" 1 \
			"is a kernel for .*, but the dump .* of a machine of $arch" \
			"$foreign" "$d/kdump-d31-lzo.kdump"
	fi
	expect "$kver: two vmlinux files" 1 "second vmlinux" "$vmlinux" "$vmlinux" "$d/kdump-d31-lzo.kdump"
	expect "$kver: a dump alone opens" 0 "no symbols" "$d/kdump-d31-lzo.kdump"
	# a vmlinux without .symtab (the host's objcopy may not know the
	# dumped machine's ELF: then the symbol table is unlabelled by hand)
	objcopy --strip-all "$vmlinux" "$T/stripped" 2> /dev/null ||
		python3 -c 'import shutil, struct, sys
shutil.copyfile(sys.argv[1], sys.argv[2])
with open(sys.argv[2], "r+b") as f:
	h = f.read(64)
	shoff, = struct.unpack_from("<Q", h, 0x28)
	shentsize, shnum = struct.unpack_from("<HH", h, 0x3a)
	for i in range(shnum):
		f.seek(shoff + i * shentsize + 4)
		if struct.unpack("<I", f.read(4))[0] == 2:	# SHT_SYMTAB
			f.seek(-4, 1)
			f.write(struct.pack("<I", 0))' "$vmlinux" "$T/stripped"
	expect "$kver: a stripped vmlinux says so" 0 "stripped|no symbol" "$T/stripped" "$d/kdump-d31-lzo.kdump"
	rm -f "$T/stripped"
	# a vmlinux of another architecture (a binary relabelled as aarch64,
	# or as x86_64 for an arm64 dump)
	if [ "$arch" = x86_64 ]; then em=183 other_arch=aarch64; else em=62 other_arch=x86_64; fi
	python3 -c 'import sys
b = bytearray(open("/bin/true", "rb").read()); b[18:20] = int(sys.argv[2]).to_bytes(2, "little")
open(sys.argv[1], "wb").write(b)' "$T/other-vmlinux" "$em"
	expect "$kver: a vmlinux of another architecture" 1 "kernel for $other_arch.*$arch" \
		"$T/other-vmlinux" "$d/kdump-d31-lzo.kdump"
	expect "$kver: unknown option" 1 "invalid option: --no-such-option" --no-such-option "$vmlinux" "$d/kdump-d31-lzo.kdump"
	expect "$kver: --kaslr=junk" 1 "hex offset" --kaslr=zz "$vmlinux" "$d/kdump-d31-lzo.kdump"
done
