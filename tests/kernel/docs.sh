#!/bin/sh
# docs/walkthrough.md and docs/kernel.md show what rawload prints and does today: their quoted
# -v output, strace lines and code are made again from real runs (docs/tools/runs.sh: a veth
# pair between two namespaces of its own, 25 datagrams, one known exec, the attach kinds under
# strace) and compared with the documents, run-to-run details normalised (docs/tools/normalise.sed).
# A difference fails with "DOC is stale: run make docs" and the diff.
set -u
cd "${RAWLOAD_ROOT:-$(dirname "$0")/../..}" || exit 1
[ "$(id -u)" -eq 0 ] || { echo "docs: skip: not root"; exit 77; }
exec sh docs/tools/gen.sh --check
