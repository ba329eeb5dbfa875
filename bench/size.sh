#!/bin/sh
# bench/size.sh — `make size`: where the bytes of the static binary go, by folder, by file and by
# libc member, from the linker's map rather than from symbol sizes (LTO inlines across files, and
# strings, tables and padding have no symbol).
#
# usage: size.sh SHIPPED ATTRIB MAP
#   SHIPPED  the binary `make static` makes (-Os, LTO, stripped): its size and sections
#   ATTRIB   the same sources and flags linked without LTO (each object keeps its file name in the
#            map), with -Wl,-Map=MAP
# Every byte of ATTRIB is accounted for: input sections (code, read-only data, data) of each object
# or libc member, alignment fill inside output sections, and the rest of the file (ELF and program
# headers, padding between page-aligned segments, the section table). POSIX sh and awk.
set -u
[ $# -eq 3 ] || {
	echo "usage: size.sh SHIPPED ATTRIB MAP" >&2
	exit 2
}
SHIPPED=$1 ATTRIB=$2 MAP=$3
for f in "$SHIPPED" "$ATTRIB" "$MAP"; do
	[ -r "$f" ] || {
		echo "size: $f is missing" >&2
		exit 1
	}
done
command -v readelf >/dev/null 2>&1 || {
	echo "size: readelf (binutils) is missing" >&2
	exit 1
}

fsize() { wc -c <"$1" | tr -d ' '; }

shipped=$(fsize "$SHIPPED")
attrib=$(fsize "$ATTRIB")
# Allocated sections with bytes in the file, "name size(hex)", from the section table.
readelf -SW "$ATTRIB" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 ~ /^\./ && $2 != "NOBITS" && $7 ~ /A/ { print $1, $5 }' >"$MAP.sections"

awk -v total="$attrib" -v shipped="$shipped" '
function hex(s) { # "0x1f" -> 31 (POSIX awk has no strtonum)
	s = tolower(s); sub(/^0x/, "", s); v = 0
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
function kind(sec) { # which column an output section counts in
	if (sec ~ /^\.(init|text|fini|plt)/) return "text"
	if (sec ~ /^\.(rodata|eh_frame)/) return "rodata"
	return "data"
}
function part(file,    f) { # folder (the CLI: loader/cli/ and main.c; libc, startup)
	if (file ~ /libc\.a\(/) return "libc (musl)"
	if (file ~ /\.o$/ && file ~ /^(\.\/)?(build\/size\/)?(common|elf|btf|bpf|loader)\//) {
		f = file; sub(/^\.\//, "", f); sub(/^build\/size\//, "", f)
		if (f == "loader/main.o" || f ~ /^loader\/cli\//) return "loader/cli/+main.c"
		sub(/\/[^\/]*$/, "/", f); return f
	}
	return "startup files, libgcc"
}
function name_of(file,    f) { # a source file or a libc member
	f = file
	if (f ~ /libc\.a\(/) { sub(/.*libc\.a\(/, "", f); sub(/\)$/, "", f); return "libc: " f }
	sub(/^\.\//, "", f); sub(/^build\/size\//, "", f); sub(/\.o$/, ".c", f)
	return f
}
function add(file, sec, size) {
	if (!(sec in filebacked) || size == 0) return
	k = kind(sec); p = part(file); n = name_of(file)
	P[p, k] += size; P[p, "all"] += size; parts[p] = 1
	if (p != "libc (musl)" && p != "startup files, libgcc") { F[n, k] += size; F[n, "all"] += size; files[n] = 1 }
	if (p == "libc (musl)") { L[n] += size }
	counted += size
}
FNR == NR { filebacked[$1] = 1; secsize[$1] = hex($2); next }
/^Linker script and memory map/ { inmap = 1; next }
!inmap { next }
/^\/DISCARD\// { out = ""; next }
/^\.[^ ]/ { out = $1; pending = ""; next }           # an output section
/^ \*fill\*/ { if (out in filebacked) { fill += hex($3); fillk[kind(out)] += hex($3) } next }
/^ \*\(/ || /^ *\[!provide\]/ || /^LOAD / || /^OUTPUT/ { next }
/^ [^ ]/ {                                              # an input section
	if (NF >= 4 && $2 ~ /^0x/) { add($4, out, hex($3)); pending = "" }
	else if (NF == 1) pending = $1
	next
}
/^ +0x/ && pending != "" && NF == 3 { add($3, out, hex($2)); pending = ""; next }
END {
	secs = 0
	for (s in secsize) secs += secsize[s]
	linker = secs - counted - fill
	rest = total - secs
	order = "common/ elf/ btf/ bpf/ loader/obj/ loader/load/ loader/attach/ loader/show/ loader/cli/+main.c"
	printf "rawload-static (make static: -Os, LTO, stripped): %d bytes\n", shipped
	printf "attribution build (the same sources and flags without LTO, so the link map keeps each file): %d bytes;\n", total
	printf "  LTO takes %d bytes off it. Every byte below is from the attribution build.\n\n", total - shipped
	printf "%-34s %8s %8s %8s %8s %6s\n", "part", "code", "rodata", "data", "bytes", "%"
	n = split(order, o, " ")
	for (i = 1; i <= n; i++) row(o[i])
	row("libc (musl)"); row("startup files, libgcc")
	printf "%-34s %8d %8d %8d %8d %5.1f%%\n", "alignment fill inside sections", fillk["text"], fillk["rodata"], fillk["data"], fill, fill * 100 / total
	# Positive: bytes no input section brought (GOT and the like). Negative: merged strings
	# (.rodata.*.str1.1) the map lists in more than one file but the linker kept once.
	if (linker > 0) printf "%-34s %8s %8s %8s %8d %5.1f%%\n", "made by the linker (GOT, ...)", "", "", "", linker, linker * 100 / total
	if (linker < 0) printf "%-34s %8s %8s %8s %8d %5.1f%%\n", "strings shared across files", "", "", "", linker, linker * 100 / total
	printf "%-34s %8s %8s %8s %8d %5.1f%%\n", "headers, segment padding, sections", "", "", "", rest, rest * 100 / total
	printf "%-34s %8s %8s %8s %8d\n", "total", "", "", "", counted + fill + linker + rest
	own = 0
	for (i = 1; i <= n; i++) own += P[o[i], "all"]
	printf "\nrawload'"'"'s own code and data: %d bytes; libc: %d bytes\n", own, P["libc (musl)", "all"]

	printf "\n%-34s %8s %8s %8s %8s\n", "file", "code", "rodata", "data", "bytes"
	m = 0
	for (f in files) fl[++m] = f
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (F[fl[j], "all"] > F[fl[i], "all"]) { t = fl[i]; fl[i] = fl[j]; fl[j] = t }
	for (i = 1; i <= m; i++) printf "%-34s %8d %8d %8d %8d\n", fl[i], F[fl[i], "text"], F[fl[i], "rodata"], F[fl[i], "data"], F[fl[i], "all"]

	printf "\nlibc members, largest first (the rest summed):\n"
	m = 0
	for (f in L) ll[++m] = f
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (L[ll[j]] > L[ll[i]]) { t = ll[i]; ll[i] = ll[j]; ll[j] = t }
	other = 0
	for (i = 1; i <= m; i++) if (i <= 25) printf "  %-32s %8d\n", substr(ll[i], 7), L[ll[i]]; else other += L[ll[i]]
	if (m > 25) printf "  %-32s %8d\n", sprintf("%d other members", m - 25), other
}
function row(p) {
	if (!(p in parts)) return
	printf "%-34s %8d %8d %8d %8d %5.1f%%\n", p, P[p, "text"], P[p, "rodata"], P[p, "data"], P[p, "all"], P[p, "all"] * 100 / total
}' "$MAP.sections" "$MAP"
