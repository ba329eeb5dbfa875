#!/bin/sh
# The documents under docs/ name only what exists, and quote the source as it is (any user):
# every file and function docs/walkthrough.md and docs/kernel.md name in backticks exists in the
# tree (docs/tools/refs.sh), and every code block, cut again from the source by its patterns,
# equals what the document shows (docs/tools/gen.sh --check-code). The quoted runs need root:
# tests/kernel/docs.sh checks those.
set -u
cd "${RAWLOAD_ROOT:-$(dirname "$0")/../..}" || exit 1
rc=0
sh docs/tools/refs.sh docs/walkthrough.md docs/kernel.md || rc=1
sh docs/tools/gen.sh --check-code || rc=1
exit $rc
