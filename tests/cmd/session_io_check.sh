#!/bin/bash
# session_io_check.sh DUMPDIR...: command lines as the classic crash takes
# them: | shell pipelines, > and >> files, !shell, quotes, comments, and
# errors that leave the session going.  Output: "ok NAME" / "FAIL NAME: why".
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CRASH=${CRASH:-$TOP/crash}
D=$1
VMLINUX=$(ls "$D"/../../vmlinux-* | head -1)
T=$(mktemp -d /tmp/crash-io.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; }

cat > "$T/script" <<SCRIPT
# a comment line
log | grep -c FIXTURE-MARKER
sym jiffies > $T/out1
sym linux_banner >> $T/out1
!echo shell-says-hi
eval "0x10 | 0x1"
no-such-command
struct list_head | head -1
sym jiffies > /nonexistent-dir/x
rd -a linux_banner | wc -l
sym 'jiffies'
sym "jiffies"
SCRIPT
"$CRASH" -s -i "$T/script" "$VMLINUX" "$D/kdump-d31-lzo.kdump" < /dev/null > "$T/stdout" 2> "$T/stderr"
rc=$?
line() { sed -n "${1}p" "$T/stdout"; }
[ $rc -eq 0 ] && ok "script runs to the end" || fail "script runs to the end" "exit $rc"
[ "$(line 1)" = 1 ] && ok "| to a shell pipeline" || fail "| to a shell pipeline" "got '$(line 1)'"
if [ "$(wc -l < "$T/out1")" = 2 ] && grep -q "(D) jiffies" "$T/out1" && grep -q linux_banner "$T/out1"; then
	ok "> and >> to a file"
else
	fail "> and >> to a file" "$(cat "$T/out1" 2>&1 | head -3)"
fi
[ "$(line 2)" = shell-says-hi ] && ok "!shell command" || fail "!shell command" "got '$(line 2)'"
[ "$(line 3)" = "hexadecimal: 11  " ] && ok "quotes keep | in a word" || fail "quotes keep | in a word" "got '$(line 3)'"
grep -q "command not found: no-such-command" "$T/stderr" && ok "unknown command: an error, and on" ||
	fail "unknown command: an error, and on" "$(head -3 "$T/stderr")"
[ "$(line 7)" = "struct list_head {" ] && ok "a pipe after an error" || fail "a pipe after an error" "got '$(line 7)'"
grep -q "nonexistent-dir/x" "$T/stderr" && ok "> to an impossible file: one error" ||
	fail "> to an impossible file: one error" "$(cat "$T/stderr")"
[ "$(line 8)" = 4 ] && ok "a string through wc" || fail "a string through wc" "got '$(line 8)'"
# apostrophes stay in the word (ps 'REGEX' needs them), as in the classic
# crash, which answers this "symbol not found: 'jiffies'"; double quotes go
grep -q "symbol not found: 'jiffies'" "$T/stdout" "$T/stderr" && ok "single quotes stay" ||
	fail "single quotes stay" "$(grep -h "jiffies'" "$T/stdout" "$T/stderr")"
grep -q "(D) jiffies$" "$T/stdout" && ok "double quotes go" || fail "double quotes go" "$(tail -3 "$T/stdout")"

# rd -r: raw bytes into a file (the banner's first 16; then up to -e)
printf 'rd -r %s/raw linux_banner 16\nrd -r %s/raw2 -e linux_banner+5 linux_banner\nrd -r %s/raw3 linux_banner\n' \
	"$T" "$T" "$T" > "$T/script2"
"$CRASH" -s -i "$T/script2" "$VMLINUX" "$D/kdump-d31-lzo.kdump" < /dev/null > "$T/stdout2" 2> "$T/stderr2"
if [ "$(head -c 9 "$T/raw" 2>/dev/null)" = "Linux ver" ] && [ "$(stat -c %s "$T/raw")" = 16 ] &&
	[ "$(stat -c %s "$T/raw2" 2>/dev/null)" = 5 ] && grep -q "16 bytes copied" "$T/stdout2"; then
	ok "rd -r copies raw bytes (count, -e)"
else
	fail "rd -r copies raw bytes (count, -e)" "$(cat "$T/stdout2" "$T/stderr2" | head -4)"
fi
[ ! -e "$T/raw3" ] && grep -q "rd: -r needs a count" "$T/stderr2" && ok "rd -r without a length: an error" ||
	fail "rd -r without a length: an error" "$(cat "$T/stderr2")"
