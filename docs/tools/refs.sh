#!/bin/sh
# docs/tools/refs.sh DOC... — every file and function a document names in `backticks` outside its
# fenced blocks must exist in the tree, so a rename or a move is caught (tests/cli/docs.sh):
#   `loader/load/load.c`                 the file exists (a path with a '/': .c .h .sh .awk .sed .md)
#   `tcx.c`                              some .c or .h file of the tree has that name
#   `load_object()`                      some .c or .h file of the tree defines or declares it
#                                        (a line starting at column 0 that names it before a '(',
#                                        or a #define of it)
#   `loader/load/load.c:load_object()`   that file does
# System calls and library functions are written with their manual section, `bpf(2)`,
# `if_nametoindex(3)`, and are not looked for. Prints one line per missing name; exit 1 if any.
set -u
cd "$(dirname "$0")/../.." || exit 1
SRCS=$(find common elf btf bpf loader examples tests bench -name '*.[ch]' 2>/dev/null | sort)

# Does FILE define or declare function NAME?
defines() {
	grep -Eq "^([A-Za-z_].*[ *])?$2\(|^#define $2\(" "$1"
}

missing=0
for doc in "$@"; do
	awk '
		/^```/ { fence = !fence; next }
		fence { next }
		{
			line = $0
			while (match(line, /`[^`]+`/)) {
				print FNR "\t" substr(line, RSTART + 1, RLENGTH - 2)
				line = substr(line, RSTART + RLENGTH)
			}
		}' "$doc" >"${TMPDIR:-/tmp}/refs.$$" || exit 1
	while IFS='	' read -r lineno ref; do
		path="" func=""
		case $ref in
		*" "* | *"	"*) continue ;;
		*/*.c:*"()" | */*.h:*"()") path=${ref%%:*} func=${ref#*:} func=${func%"()"} ;;
		*/*.c | */*.h | */*.sh | */*.awk | */*.sed | */*.md) path=$ref ;;
		*.c | *.h) # a bare file name: some file of the tree has it
			case " $(echo $SRCS) " in *"/$ref "*) continue ;; esac
			echo "$doc:$lineno: \`$ref\`: no file of the tree is called that"
			missing=$((missing + 1))
			continue
			;;
		*"()") func=${ref%"()"} ;;
		*) continue ;;
		esac
		case $func in *[!A-Za-z0-9_]*) continue ;; esac
		if [ -n "$path" ] && [ ! -f "$path" ]; then
			echo "$doc:$lineno: \`$ref\`: no file $path"
			missing=$((missing + 1))
			continue
		fi
		[ -n "$func" ] || continue
		if [ -n "$path" ]; then
			defines "$path" "$func" && continue
			echo "$doc:$lineno: \`$ref\`: $path does not define $func()"
		else
			# shellcheck disable=SC2086 # the file list splits on purpose
			grep -Eq "^([A-Za-z_].*[ *])?$func\(|^#define $func\(" $SRCS && continue
			echo "$doc:$lineno: \`$ref\`: no file of the tree defines $func()"
		fi
		missing=$((missing + 1))
	done <"${TMPDIR:-/tmp}/refs.$$"
	rm -f "${TMPDIR:-/tmp}/refs.$$"
done
[ "$missing" -eq 0 ]
