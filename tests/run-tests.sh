#!/bin/bash
# run-tests.sh: every test of the project, the way CI runs them (make check).
#   1. unit tests (synthetic dumps the tests write), also under ASan+UBSan
#   2. the real dumps (tests/vmcores: made once under QEMU, then cached)
#   3. command-level tests on them (tests/cmd/*.sh, tests/cmd/*_check.py),
#      with the normal build and again with the sanitizer build
#   4. a short libFuzzer run over the dump readers (tests/fuzz)
# Ends with one line "N passed, N failed, N skipped".
# Env: BUILD (build), SANITIZE_TOO (1), FUZZ_SECONDS (60),
#      FIXTURE_SUITES ("bookworm trixie"), FIXTURE_ARCHES ("x86_64 arm64").
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
# dates print in local time, ours and the classic crash's (its chroot is UTC)
export TZ=UTC
BUILD=${BUILD:-build}
LOG=$(mktemp -d /tmp/crash-tests.XXXXXX)
trap 'rm -rf "$LOG"' EXIT
passed=0 failed=0 skipped=0

count() {  # count FILE: tally the ok/FAIL/skip lines of one test program
	local p f s
	p=$(grep -ac '^ok' "$1") f=$(grep -ac '^FAIL' "$1") s=$(grep -ac '^skip' "$1")
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	grep -aE '^(FAIL|skip)' "$1" | sed 's/^/  /'
	echo "  -> $p passed, $f failed, $s skipped"
}

fail() {  # fail NAME WHY: a test program that could not run is a failure
	echo "  FAIL $1: $2"
	failed=$((failed + 1))
}

unit() {  # unit BINARY LABEL
	echo "== unit tests ($2)"
	if [ ! -x "$1" ]; then
		fail "unit tests ($2)" "$1 was not built"
		return
	fi
	"$1" > "$LOG/unit.out" 2>&1
	local rc=$?
	grep -aE '^(    |FAIL)' "$LOG/unit.out" | head -50
	local p f
	p=$(grep -ac '^ok' "$LOG/unit.out") f=$(grep -ac '^FAIL' "$LOG/unit.out")
	passed=$((passed + p)) failed=$((failed + f))
	echo "  -> $p passed, $f failed"
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		fail "unit tests ($2)" "exited $rc (a crash or a sanitizer report?)"
		tail -20 "$LOG/unit.out"
	fi
}

cmd_tests() {  # cmd_tests BUILD-DIR LABEL DUMPDIR...: with BUILD-DIR/bin/crash
	local build=$1 label=$2 t name
	shift 2
	for t in tests/cmd/*.sh tests/cmd/*_check.py; do
		[ -f "$t" ] || continue
		name=${t##*/}
		echo "== $name ($label)"
		if ! CRASH=$TOP/$build/bin/crash BUILD=$build "$t" "$@" \
			> "$LOG/$name.out" 2> "$LOG/$name.err"; then
			fail "$name ($label)" "exited non-zero"
			tail -20 "$LOG/$name.err"
		fi
		count "$LOG/$name.out"
	done
}

unit "$BUILD/unit-tests" "$BUILD"

echo "== real dumps (tests/vmcores/ensure-fixtures.sh; first run ~5 min)"
if tests/vmcores/ensure-fixtures.sh > "$LOG/fixtures.out" 2> "$LOG/fixtures.err"; then
	mapfile -t DIRS < "$LOG/fixtures.out"
	echo "  ${#DIRS[@]} dump sets: ${DIRS[*]}"
else
	tail -30 "$LOG/fixtures.err"
	fail "fixtures" "could not make the real dumps"
	DIRS=()
fi
if [ ${#DIRS[@]} -gt 0 ]; then
	cmd_tests "$BUILD" "$BUILD" "${DIRS[@]}"
fi

if [ "${SANITIZE_TOO:-1}" = 1 ]; then
	echo "== building with ASan + UBSan (build-san/)"
	if env -u BUILD make -s SANITIZE=1 BUILD=build-san build-san/bin/crash \
		build-san/bin/crash-dump build-san/bin/crash-kexec \
		build-san/unit-tests tools \
		> "$LOG/san.out" 2>&1; then
		unit build-san/unit-tests "ASan+UBSan"
		if [ ${#DIRS[@]} -gt 0 ]; then
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
				cmd_tests build-san "ASan+UBSan" "${DIRS[@]}"
		fi
	else
		tail -30 "$LOG/san.out"
		fail "sanitizer build" "make SANITIZE=1 failed"
	fi
fi

echo "== fuzzing the dump readers (libFuzzer, ${FUZZ_SECONDS:-60} s)"
tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-60}" "${DIRS[0]:-}" > "$LOG/fuzz.out" 2>&1
count "$LOG/fuzz.out"

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
