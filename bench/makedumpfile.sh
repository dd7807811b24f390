#!/bin/bash
# bench/makedumpfile.sh: build a current makedumpfile (with lzo, snappy and
# zstd) for the capture benchmark and tests: Debian's 1.7.2 has neither
# snappy nor zstd, and 1.7.6 keeps free pages on 6.10+ kernels.  Prints the
# path of the program.  Cached in ${XDG_CACHE_HOME:-~/.cache}/crash-bench/.
#   MAKEDUMPFILE_GIT  where to get it (default: the local mirror if there,
#                     else https://github.com/makedumpfile/makedumpfile)
#   MAKEDUMPFILE_REV  which commit (default b7587f1, 1.7.9+, tested with)
set -euo pipefail
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/crash-bench/makedumpfile
REV=${MAKEDUMPFILE_REV:-b7587f1}
MIRROR=/work/.mirror/makedumpfile+makedumpfile/repo
GIT=${MAKEDUMPFILE_GIT:-}
if [ -z "$GIT" ]; then
	if [ -d "$MIRROR" ]; then GIT=$MIRROR
	else GIT=https://github.com/makedumpfile/makedumpfile; fi
fi
if [ -x "$CACHE/makedumpfile" ] && [ "$(cat "$CACHE/.rev" 2>/dev/null)" = "$REV" ]; then
	echo "$CACHE/makedumpfile"
	exit 0
fi
rm -rf "$CACHE.new"
mkdir -p "$CACHE.new/src"
if [ -d "$GIT" ] && git -C "$GIT" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$GIT" archive "$REV" | tar -x -C "$CACHE.new/src"
else
	git clone -q "$GIT" "$CACHE.new/git"
	git -C "$CACHE.new/git" archive "$REV" | tar -x -C "$CACHE.new/src"
fi
make -C "$CACHE.new/src" -j2 LINKTYPE=dynamic USELZO=on USESNAPPY=on \
	USEZSTD=on >"$CACHE.new/build.log" 2>&1 ||
	{ tail -20 "$CACHE.new/build.log" >&2; exit 1; }
cp "$CACHE.new/src/makedumpfile" "$CACHE.new/makedumpfile"
echo "$REV" > "$CACHE.new/.rev"
rm -rf "$CACHE"
mv "$CACHE.new" "$CACHE"
echo "$CACHE/makedumpfile"
