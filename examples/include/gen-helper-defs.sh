#!/bin/sh
# gen-helper-defs.sh — write bpf_helper_defs.h (one declaration per BPF helper) from a UAPI linux/bpf.h.
# Owns: reading the helper doc comments and the __BPF_FUNC_MAPPER id list. Does not: invent helpers the
# header does not document, or know anything about a particular kernel beyond the header it is given.
#
#   sh gen-helper-defs.sh /usr/include/linux/bpf.h > bpf_helper_defs.h
#
# Where the facts come from (kernel include/uapi/linux/bpf.h, since 4.18):
# - every helper is documented in one comment block: a line holding its C prototype in kernel
#   types (" * void *bpf_map_lookup_elem(struct bpf_map *map, const void *key)"), then
#   "Description" and "Return" paragraphs (a few older helpers have only "Return"). The comment
#   leader's spacing varies (" * \tDescription" beside " *\tDescription").
# - its id is its position in the __BPF_FUNC_MAPPER(FN) list (FN(unspec) is 0) up to 6.1; from 6.2
#   the list is ___BPF_FUNC_MAPPER(FN, ctx...) and every entry spells its id: FN(name, id, ##ctx).
#   A few entries of older headers are undocumented (bpf_spin_lock in 5.1): they get no declaration.
# - a program calls helper N as "call N", which clang emits for a call through a constant function
#   pointer whose value is N: hence `static RET (* const bpf_NAME)(ARGS) = (void *) N;`.
# - the prototypes use kernel-internal types; BPF programs see the UAPI ones instead: u32 and
#   uint32_t become __u32, size_t unsigned long, the map argument is just a pointer (a BTF map
#   definition has its own anonymous struct type, so `void *`), and the socket/XDP contexts are
#   the UAPI mirrors (sk_buff -> __sk_buff, xdp_buff -> xdp_md, sk_msg_buff -> sk_msg_md).
# POSIX sh and awk only (Debian's awk is mawk: no gawk extensions, no regex intervals).

set -eu

if [ $# -ne 1 ] || [ ! -r "$1" ]; then
	echo "usage: sh gen-helper-defs.sh /usr/include/linux/bpf.h > bpf_helper_defs.h" >&2
	exit 2
fi

awk -v src="$1" '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# parenthesis balance of s: > 0 while a prototype is still open (it continues on the next line).
function depth(s,   t, o, c) {
	t = s; o = gsub(/\(/, "", t)
	t = s; c = gsub(/\)/, "", t)
	return o - c
}

# Rewrite one C type (+ optional parameter name) from kernel types into what a BPF program sees.
function ctype(s,   n, i, tok, out, w, nxt) {
	gsub(/\*/, " * ", s)
	gsub(/[ \t]+/, " ", s)
	s = trim(s)
	n = split(s, tok, " ")
	out = ""
	for (i = 1; i <= n; i++) {
		w = tok[i]
		nxt = (i < n) ? tok[i + 1] : ""
		if (w == "struct" && nxt == "bpf_map") { w = "void"; i++ }
		else if (w == "struct" && nxt == "sk_buff") { w = "struct __sk_buff"; i++ }
		else if (w == "struct" && nxt == "xdp_buff") { w = "struct xdp_md"; i++ }
		else if (w == "struct" && nxt == "sk_msg_buff") { w = "struct sk_msg_md"; i++ }
		else if (w ~ /^[us](8|16|32|64)$/) w = "__" w
		else if (w ~ /^uint(8|16|32|64)_t$/) { sub(/^uint/, "__u", w); sub(/_t$/, "", w) }
		else if (w ~ /^int(8|16|32|64)_t$/) { sub(/^int/, "__s", w); sub(/_t$/, "", w) }
		else if (w == "size_t") w = "unsigned long"
		else if (w == "bool") w = "_Bool"
		out = (out == "") ? w : out " " w
	}
	# "void * * p" -> "void **p"; "char *" stays "char *"
	while (sub(/\* /, "*", out)) ;
	return out
}

# Remember every "struct NAME" a declaration mentions, in order of first use.
function note_structs(s,   n, i, tok) {
	n = split(s, tok, /[ *]+/)
	for (i = 1; i < n; i++)
		if (tok[i] == "struct" && tok[i + 1] ~ /^[A-Za-z_][A-Za-z0-9_]*$/ && !(tok[i + 1] in seen_struct)) {
			seen_struct[tok[i + 1]] = 1
			structs[++nstructs] = tok[i + 1]
		}
}

# Parse " RET bpf_NAME(ARGS)" into decl_*[NAME]; quietly ignore text that is not a prototype.
# A helper documented more than once for different program types (bpf_get_socket_cookie,
# bpf_sk_assign) takes whichever context it is given: where the pointer types of one argument
# disagree, the declaration says `void *`, so every documented use compiles.
function take_proto(t,   name, ret, rest, i, ch, d, args, n, a, j, pname) {
	gsub(/[ \t]+/, " ", t)
	t = trim(t)
	if (!match(t, /bpf_[A-Za-z0-9_]+ ?\(/)) return
	name = substr(t, RSTART + 4, RLENGTH - 4)
	sub(/ ?\($/, "", name)
	ret = trim(substr(t, 1, RSTART - 1))
	rest = substr(t, RSTART + RLENGTH)
	if (ret == "" || ret !~ /^[A-Za-z_][A-Za-z0-9_ *]*$/) return
	d = 1; args = ""
	for (i = 1; i <= length(rest); i++) {
		ch = substr(rest, i, 1)
		if (ch == "(") d++
		else if (ch == ")" && --d == 0) break
		args = args ch
	}
	if (d != 0 || trim(substr(rest, i + 1)) != "") return
	n = split(args, a, ",")
	for (j = 1; j <= n; j++) {
		a[j] = ctype(a[j])
		if (a[j] == "") return
	}
	if (n == 0) { n = 1; a[1] = "void" }
	if (name in decl_ret) {
		if (decl_n[name] != n) return
		for (j = 1; j <= n; j++) {
			if (decl_arg[name, j] == a[j] || decl_arg[name, j] !~ /\*/ || a[j] !~ /\*/) continue
			pname = a[j]
			sub(/^.*\*/, "", pname)
			if (j == 1 || pname == "") pname = "ctx"
			decl_arg[name, j] = "void *" pname
		}
		return
	}
	decl_ret[name] = ctype(ret)
	decl_n[name] = n
	for (j = 1; j <= n; j++) decl_arg[name, j] = a[j]
	order[++ndecl] = name
}

function joined_args(name,   j, out) {
	out = decl_arg[name, 1]
	for (j = 2; j <= decl_n[name]; j++) out = out ", " decl_arg[name, j]
	return out
}

# ---- helper ids: the first __BPF_FUNC_MAPPER / ___BPF_FUNC_MAPPER definition with FN() entries ----
!ids_done && /^[ \t]*#[ \t]*define[ \t]+_+BPF_FUNC_MAPPER[ \t]*\(/ { in_mapper = 1 }
in_mapper {
	line = " " $0
	while (match(line, /[^A-Za-z0-9_]FN[ \t]*\([ \t]*[A-Za-z0-9_]+[ \t]*(,[ \t]*[0-9]+)?/)) {
		ent = substr(line, RSTART + 1, RLENGTH - 1)
		line = substr(line, RSTART + RLENGTH)
		sub(/^FN[ \t]*\([ \t]*/, "", ent)
		fname = ent
		sub(/[ \t]*,.*$/, "", fname)
		fname = trim(fname)
		if (ent ~ /,/) { fid = ent; sub(/^[^,]*,[ \t]*/, "", fid); fid += 0 }
		else fid = npos
		npos++
		if (fname in id) continue
		id[fname] = fid
		fnames[++nfnames] = fname
		if (fid > maxid) maxid = fid
	}
	if ($0 !~ /\\[ \t]*$/) { in_mapper = 0; if (npos > 0) ids_done = 1 }
	next
}

# ---- prototypes: the text right before a helper'"'"'s first heading ----
# The heading is "Description", or "Return" for the few helpers documented without a description
# (bpf_get_current_pid_tgid before 5.16). A prototype starts at the comment'"'"'s own indent (the
# paragraphs under the headings are indented by tabs) and goes on while its parentheses are open.
{
	if ($0 !~ /^[ \t]*\*([ \t]|$)/) { acc = ""; next }
	body = $0
	sub(/^[ \t]*\*/, "", body)
	text = trim(body)
	if (text == "") { acc = ""; next }
	if (text == "Description" || text == "Return") {
		if (acc != "" && depth(acc) == 0) take_proto(acc)
		acc = ""
		next
	}
	if (acc != "" && depth(acc) > 0 && length(acc) < 2000) acc = acc " " text
	else if (body ~ /^ ?[^ \t]/ || body ~ /^  [^ \t]/) acc = text
	else acc = ""
}

END {
	if (npos == 0) { print "gen-helper-defs: " src ": no __BPF_FUNC_MAPPER list found" > "/dev/stderr"; exit 1 }
	if (ndecl == 0) { print "gen-helper-defs: " src ": no documented helper prototypes found" > "/dev/stderr"; exit 1 }
	for (k = 1; k <= ndecl; k++) {
		name = order[k]
		if (!(name in id)) {
			print "gen-helper-defs: bpf_" name " is documented but has no id; skipped" > "/dev/stderr"
			continue
		}
		by_id[id[name]] = name
		note_structs(decl_ret[name] " " joined_args(name))
	}
	print "/* bpf_helper_defs.h: generated by examples/include/gen-helper-defs.sh from " src ". Do not edit."
	print " * One constant function pointer per documented BPF helper; its value is the helper id, so a call"
	print " * through it compiles to \"call ID\". Include <linux/types.h> (or vmlinux.h) first: __u32 etc. */"
	print "#ifndef __RAWLOAD_BPF_HELPER_DEFS_H"
	print "#define __RAWLOAD_BPF_HELPER_DEFS_H"
	print ""
	for (k = 1; k <= nstructs; k++) print "struct " structs[k] ";"
	print ""
	for (i = 0; i <= maxid; i++) {
		if (!(i in by_id)) continue
		name = by_id[i]
		r = decl_ret[name]
		sep = (r ~ /\*$/) ? "" : " "
		printf "static %s%s(* const bpf_%s)(%s) = (void *) %d;\n", r, sep, name, joined_args(name), i
	}
	missing = ""
	for (k = 1; k <= nfnames; k++)
		if (fnames[k] != "unspec" && !(fnames[k] in decl_ret)) missing = missing " bpf_" fnames[k]
	if (missing != "") print "/* listed in __BPF_FUNC_MAPPER but undocumented, so not declared:" missing " */"
	print ""
	print "#endif /* __RAWLOAD_BPF_HELPER_DEFS_H */"
}
' "$1"
