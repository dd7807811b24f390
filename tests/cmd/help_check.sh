#!/bin/bash
# help_check.sh DUMPDIR: every command that `help` lists has a help page
# with NAME, SYNOPSIS, DESCRIPTION and EXAMPLES, an entry in crash.8, and
# a SYNOPSIS that a bad option prints back ("Usage:").
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CRASH=${CRASH:-$TOP/crash}
D=$1
VMLINUX=$(ls "$D"/../../vmlinux-* | head -1)
DUMP=$D/kdump-d31-lzo.kdump
set -f	# from here, "*" is a command name, not a pattern
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; }
T=$(mktemp -d /tmp/crash-help.XXXXXX)
trap 'rm -rf "$T"' EXIT

echo help | "$CRASH" -s "$VMLINUX" "$DUMP" > "$T/list" 2> "$T/err"
cmds=$(awk '{ print $1 }' "$T/list")
[ "$(echo "$cmds" | wc -w)" -ge 20 ] && ok "help lists the commands" ||
	fail "help lists the commands" "$(head -3 "$T/list" "$T/err")"
for c in $cmds; do
	echo "help $c" | "$CRASH" -s "$VMLINUX" "$DUMP" > "$T/page" 2>&1
	missing=
	for s in NAME SYNOPSIS DESCRIPTION EXAMPLES; do
		grep -q "^$s\$" "$T/page" || missing="$missing $s"
	done
	[ -z "$missing" ] && ok "help $c: a full page" ||
		fail "help $c: a full page" "no$missing"
	case $c in q) name=exit ;; '*') name='\*' ;; *) name=$c ;; esac
	grep -qE "^\.SS $name\$" "$TOP/crash.8" && ok "crash.8 has $c" ||
		fail "crash.8 has $c" "no .SS $name page"
done
# a bad option gives the synopsis back, as the classic crash does
for c in ps bt set task foreach sys; do
	echo "$c -Z" | "$CRASH" -s "$VMLINUX" "$DUMP" > "$T/usage" 2>&1
	if grep -q "^Usage:" "$T/usage" && grep -q "Enter \"help $c\" for details." "$T/usage"; then
		ok "$c -Z: usage"
	else
		fail "$c -Z: usage" "$(head -3 "$T/usage")"
	fi
done

# crash.8's command pages are the help texts as they are now (make man)
"$CRASH" --man-commands > "$T/man.want"
sed -n '/^\.\\" BEGIN GENERATED COMMANDS/,/^\.\\" END GENERATED COMMANDS/p' \
	"$TOP/crash.8" | sed '1d;$d' > "$T/man.got"
if [ -s "$T/man.want" ] && cmp -s "$T/man.want" "$T/man.got"; then
	ok "crash.8's command pages are the help texts (make man)"
else
	fail "crash.8's command pages are the help texts (make man)" \
		"$(diff "$T/man.got" "$T/man.want" | head -5)"
fi

# man ./crash.8 (and the capture programs' pages) render cleanly: groff
# has nothing to warn about
for page in crash.8 capture/crash-dump.8 capture/crash-kexec.8; do
	warn=$(groff -man -ww -Tutf8 "$TOP/$page" 2>&1 >"$T/rendered")
	if [ -z "$warn" ] && [ "$(wc -l < "$T/rendered")" -gt 50 ]; then
		ok "man $page renders without warnings"
	else
		fail "man $page renders without warnings" "$(echo "$warn" | head -3)"
	fi
done
