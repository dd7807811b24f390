#!/bin/bash
# make-e2e.sh [ARCH [KVER]]: the capture side of the project, end to end, under
# QEMU: the kit's kdump boot (make-dumps.sh, scenario "e2e") with the
# project's own programs in the guest instead of kexec-tools and
# makedumpfile's dumps:
#   first kernel    crash-kexec -p loads the capture kernel (crashkernel=),
#                   after trying -s, -e, -l, -u, -u -p and bad kernels on
#                   this real kernel (scenarios/e2e/load.sh); sysrq-c
#   capture kernel  crash-dump -l -d 31 /proc/vmcore -> kdump-ours-d31-lzo.kdump
#                   and, from the same vmcore, makedumpfile -l -d 31 ->
#                   kdump-d31-lzo.kdump (the reference); then crash-kexec -p
#                   without crashkernel= memory, -l, lockdown, and -e into
#                   the -l kernel (scenarios/e2e/capture.sh)
# The guest runs static builds (make static: build/static/crash-kexec,
# crash-dump). Prints the dump directory ($CACHE/x86_64-<kver>/dumps/e2e).
# Cached by its inputs: the static programs, the scenario scripts, the
# kit's guest /init and the kernel (make-dumps.sh's settings key hashes
# them); about a second when nothing changed.
# Environment: as make-dumps.sh (CACHE, SUITE, FX_TIMEOUT [300], ...);
#   E2E_BIN  a directory with static crash-kexec and crash-dump
#            (default: make static, then build/static)
set -euo pipefail
KIT=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$KIT/../.." && pwd)
. "$KIT/lib/common.sh"
arch_setup "${1:-x86_64}"
[ "$ARCH" = x86_64 ] || die "the e2e run is made for x86_64 only"

BIN=${E2E_BIN:-}
if [ -z "$BIN" ]; then
	env -u BUILD -u SANITIZE make -s -C "$TOP" static >&2 || die "make static failed"
	BIN=$TOP/build/static
fi
for f in crash-kexec crash-dump; do
	[ -x "$BIN/$f" ] || die "$BIN/$f is missing"
	# no PT_INTERP: statically linked (the guest has no libraries for it)
	"$PY" - "$BIN/$f" <<-'PY' || die "$BIN/$f is not statically linked"
	import struct, sys
	b = open(sys.argv[1], "rb").read(65536)
	phoff, = struct.unpack_from("<Q", b, 0x20)
	phentsize, phnum = struct.unpack_from("<HH", b, 0x36)
	sys.exit(any(struct.unpack_from("<I", b, phoff + i * phentsize)[0] == 3
	             for i in range(phnum)))
	PY
done

KDIR=$("$KIT/fetch-kernel.sh" "$ARCH" ${2:+"$2"})
KVER=${KDIR##*/$ARCH-}
# The guest's files, staged in the cache: the programs, and a copy of the
# kernel without its Authenticode signature, which a locked-down kernel
# must refuse (the kernel ignores a missing signature otherwise).
S=$KDIR/dumps/.e2e-files
mkdir -p "$S"
exec 9>"$KDIR/dumps/.lock-e2e-files"
flock 9
install -m 755 "$BIN/crash-kexec" "$BIN/crash-dump" "$S/"
"$PY" - "$KDIR/vmlinuz-$KVER" "$S/vmlinuz-unsigned" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
pe = struct.unpack_from("<I", b, 0x3c)[0]
if b[:2] != b"MZ" or b[pe:pe + 4] != b"PE\0\0":
    sys.exit("%s: not a PE image" % sys.argv[1])
opt = pe + 24
dd = opt + (112 if struct.unpack_from("<H", b, opt)[0] == 0x20b else 96)
off, size = struct.unpack_from("<II", b, dd + 4 * 8)   # entry 4: certificates
struct.pack_into("<II", b, dd + 4 * 8, 0, 0)
if off and off + size == len(b):
    del b[off:]
open(sys.argv[2], "wb").write(b)
PY
E=$KIT/scenarios/e2e
# lib/init.sh is listed so that the set is remade when the guest's /init
# changes (the settings key hashes every scenario file)
# crashkernel=192M: the capture kernel then has room to load a kernel
# with -l (the kernel takes no more than half its memory for that)
export SCENARIO_SCRIPT=$E/run.sh SCENARIO_NAME=e2e LIVE_BOOT=0 CRASHKERNEL=${CRASHKERNEL:-192M}
export SCENARIO_FILES="$E/e2e-lib.sh $E/load.sh $E/capture.sh $S/crash-kexec $S/crash-dump $S/vmlinuz-unsigned $KIT/lib/init.sh"
export FX_TIMEOUT=${FX_TIMEOUT:-300}
"$KIT/make-dumps.sh" "$ARCH" ${2:+"$2"}
