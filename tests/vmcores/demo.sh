#!/bin/bash
# demo.sh: make a real dump (bookworm's kernel under QEMU, crashed with
# sysrq-c, captured by kdump + makedumpfile) and open it with crash.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
ROOT=${CRASH_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/crash-fixtures}
DIR=$(CACHE=$ROOT/bookworm SUITE=bookworm "$HERE/make-dumps.sh" x86_64)
VMLINUX=$(ls "$DIR"/../../vmlinux-*)
DUMP=$DIR/kdump-d31-lzo.kdump
echo "+ crash --dumpinfo $DUMP" >&2
"$TOP/crash" --dumpinfo "$DUMP"
echo >&2
echo "+ crash $VMLINUX $DUMP" >&2
if [ -t 0 ]; then
	exec "$TOP/crash" "$VMLINUX" "$DUMP"
else
	printf '%s\n' help "sym schedule" "whatis init_task" "struct -o list_head" \
		"rd -a linux_banner" "vtop jiffies" q | "$TOP/crash" "$VMLINUX" "$DUMP"
fi
