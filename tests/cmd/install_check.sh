#!/bin/bash
# install_check.sh: make install PREFIX=/usr DESTDIR=tmp puts the binary, the
# man page and defs.h where they belong; the man page renders cleanly; defs.h
# compiles on its own.  Output: "ok NAME" / "FAIL NAME: why" lines.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/crash-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
# the plain build, whatever BUILD the test runner passes to the tests
if env -u BUILD -u SANITIZE make -s -C "$TOP" install PREFIX=/usr DESTDIR="$T/root" \
	> "$T/log" 2>&1; then
	echo "ok   make install"
else
	echo "FAIL make install: $(tail -3 "$T/log" | tr '\n' ' ')"
fi
for f in usr/bin/crash usr/share/man/man8/crash.8 usr/include/crash/defs.h \
	usr/bin/crash-dump usr/share/man/man8/crash-dump.8 \
	usr/bin/crash-kexec usr/share/man/man8/crash-kexec.8; do
	if [ -f "$T/root/$f" ]; then echo "ok   installed $f"; else echo "FAIL installed $f: missing"; fi
done
if [ -x "$T/root/usr/bin/crash" ] && "$T/root/usr/bin/crash" --version | grep -q '^crash '; then
	echo "ok   installed crash runs"
else
	echo "FAIL installed crash runs: no version line"
fi
if MANWIDTH=80 man --warnings -l "$TOP/crash.8" > "$T/man.txt" 2> "$T/man.err" &&
	[ ! -s "$T/man.err" ] && grep -q -- '--dumpinfo' "$T/man.txt"; then
	echo "ok   crash.8 renders without warnings"
else
	echo "FAIL crash.8 renders without warnings: $(head -3 "$T/man.err" | tr '\n' ' ')"
fi
for m in capture/crash-dump.8:--split capture/crash-kexec.8:--reuse-cmdline; do
	if MANWIDTH=80 man --warnings -l "$TOP/${m%%:*}" > "$T/man.txt" 2> "$T/man.err" &&
		[ ! -s "$T/man.err" ] && grep -q -- "${m#*:}" "$T/man.txt"; then
		echo "ok   ${m%%:*} renders without warnings"
	else
		echo "FAIL ${m%%:*} renders without warnings: $(head -3 "$T/man.err" | tr '\n' ' ')"
	fi
done
if [ -x "$T/root/usr/bin/crash-kexec" ] && "$T/root/usr/bin/crash-kexec" --version | grep -q '^crash-kexec '; then
	echo "ok   installed crash-kexec runs"
else
	echo "FAIL installed crash-kexec runs: no version line"
fi
printf '#include <crash/defs.h>\nint main(void) { return CRASH_ERR_HOLE == 7 ? 0 : 1; }\n' > "$T/ext.c"
if cc -Wall -Wextra -Werror -I"$T/root/usr/include" -o "$T/ext" "$T/ext.c" 2> "$T/cc.err" && "$T/ext"; then
	echo "ok   defs.h compiles alone"
else
	echo "FAIL defs.h compiles alone: $(head -3 "$T/cc.err" | tr '\n' ' ')"
fi
