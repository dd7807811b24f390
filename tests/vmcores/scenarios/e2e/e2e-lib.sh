# Sourced by load.sh and capture.sh.  e2e NAME WANT CMD...: run CMD and
# append each line of its output as "FIXTURE: e2e NAME | LINE", then
# "FIXTURE: e2e NAME rc=RC want=WANT", to $E2E_LOG, for the host test
# (tests/cmd/e2e_check.py); true if RC is WANT.  A file, or /dev/kmsg: the
# kernel's log, which the dump keeps (the serial console can garble lines).
CK=/scenario/crash-kexec
E2E_LOG=${E2E_LOG:-/dev/kmsg}
e2e() {
	_n=$1 _want=$2
	shift 2
	"$@" > /tmp/e2e.out 2>&1
	_rc=$?
	while IFS= read -r _l; do
		echo "FIXTURE: e2e $_n | $_l" >> "$E2E_LOG"
	done < /tmp/e2e.out
	echo "FIXTURE: e2e $_n rc=$_rc want=$_want" >> "$E2E_LOG"
	[ "$_rc" = "$_want" ]
}
