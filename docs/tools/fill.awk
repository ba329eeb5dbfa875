# docs/tools/fill.awk — fills the quoted blocks of a document from what they quote, so the quotes
# cannot drift from the program: `awk -v runs=DIR -v mode=all -f docs/tools/fill.awk DOC > NEW`.
# POSIX awk (mawk: no regex intervals). A block is an HTML comment (invisible once rendered)
# followed at once by a fenced block, whose contents this script replaces:
#
#   <!-- quote RUN.STREAM          the lines of DIR/RUN.STREAM (STREAM: out, err or strace; the runs
#   from: ERE                        are docs/tools/runs.sh's) ...
#   to: ERE                        ... from the first line matching `from` to the first one after
#   -->                              it matching `to`, both included (defaults: first, last line)
#   ```
#   (replaced)
#   ```
#
#   <!-- code PATH                 the same over a source file of the tree; tabs that indent become
#   from: ^int load_object\(         four spaces, and lines left out inside the range become one
#   to: ^}                           "..." line
#   -->
#
# More keys, applied in this order: `after: ERE` (look for `from` only after the first line matching
# this), `grep: ERE` (keep only lines matching one of the grep keys; repeatable), `drop: ERE` (leave
# out lines matching one of these; repeatable), `head: N`, `tail: N` (the first or last N left).
# mode=code refills only code blocks and keeps quoted output as it is (no runs needed).
# A pattern that matches nothing, or a block that comes out empty, is an error: the document names
# something that is no longer there. Errors go to stderr as DOC:LINE: ..., and the exit status is 1.

function fail(msg) {
	printf "%s:%d: %s\n", FILENAME, dline, msg > "/dev/stderr"
	errors++
}

# Lines of the block's source, selected by the keys, into sel[1..nsel]. 0 on failure.
function select(path, is_code,   n, line, i, s, e, k, keep, gap) {
	n = 0
	while ((getline line < path) > 0)
		src[++n] = line
	close(path)
	if (n == 0)
		return fail("'" path "' is missing or empty") * 0
	s = 1
	if (key["after"] != "") {
		for (i = 1; i <= n && src[i] !~ key["after"]; i++)
			;
		if (i > n)
			return fail(path ": no line matches after: " key["after"]) * 0
		s = i
	}
	if (key["from"] != "") {
		for (i = s; i <= n && src[i] !~ key["from"]; i++)
			;
		if (i > n)
			return fail(path ": no line matches from: " key["from"]) * 0
		s = i
	}
	e = n
	if (key["to"] != "") {
		for (i = s + 1; i <= n && src[i] !~ key["to"]; i++)
			;
		if (i > n)
			return fail(path ": no line after the start matches to: " key["to"]) * 0
		e = i
	}
	nsel = 0
	gap = 0
	for (i = s; i <= e; i++) {
		keep = ngrep == 0
		for (k = 1; k <= ngrep && !keep; k++)
			keep = src[i] ~ greps[k]
		for (k = 1; k <= ndrop && keep; k++)
			keep = src[i] !~ drops[k]
		line = src[i]
		if (is_code) {
			while (match(line, /^ *\t/))
				line = substr(line, 1, RLENGTH - 1) "    " substr(line, RLENGTH + 1)
		}
		if (!keep) {
			gap = is_code
			continue
		}
		if (gap && nsel > 0) { # "...", indented like the line after it
			match(line, /^ */)
			sel[++nsel] = substr(line, 1, RLENGTH) "..."
		}
		gap = 0
		sel[++nsel] = line
	}
	if (key["head"] != "" && nsel > key["head"] + 0)
		nsel = key["head"] + 0
	if (key["tail"] != "" && nsel > key["tail"] + 0) {
		k = nsel - key["tail"]
		for (i = 1; i <= key["tail"] + 0; i++)
			sel[i] = sel[i + k]
		nsel = key["tail"] + 0
	}
	if (nsel == 0)
		return fail(path ": the block selects no line") * 0
	return 1
}

function reset() {
	split("", key)
	ngrep = ndrop = 0
	kind = source = ""
}

BEGIN {
	if (mode == "")
		mode = "all"
	state = "text"
}

state == "text" && /^<!-- (quote|code) / {
	reset()
	dline = FNR
	kind = $2
	source = $3
	print
	if ($0 ~ /-->[ \t]*$/)
		state = "fence"
	else
		state = "keys"
	next
}

state == "keys" {
	print
	if ($0 ~ /^-->[ \t]*$/) {
		state = "fence"
		next
	}
	if (!match($0, /^[a-z]+: /)) {
		fail("not a key line: " $0)
		next
	}
	k = substr($0, 1, RLENGTH - 2)
	v = substr($0, RLENGTH + 1)
	if (k == "grep")
		greps[++ngrep] = v
	else if (k == "drop")
		drops[++ndrop] = v
	else if (k == "from" || k == "to" || k == "after" || k == "head" || k == "tail")
		key[k] = v
	else
		fail("unknown key '" k "'")
	next
}

state == "fence" {
	if ($0 !~ /^```/) {
		fail("a " kind " comment must be followed by a fenced block")
		state = "text"
		print
		next
	}
	print
	nold = 0
	state = "body"
	next
}

state == "body" {
	if ($0 !~ /^```[ \t]*$/) {
		old[++nold] = $0
		next
	}
	filled = 0
	if (kind == "code") {
		filled = select(source, 1)
	} else if (mode == "all") {
		if (runs == "")
			fail("quote blocks need -v runs=DIR")
		else
			filled = select(runs "/" source, 0)
	}
	if (filled)
		for (i = 1; i <= nsel; i++)
			print sel[i]
	else
		for (i = 1; i <= nold; i++)
			print old[i]
	print
	state = "text"
	next
}

{ print }

END {
	if (state != "text") {
		dline = FNR
		fail("the document ends inside a " kind " block")
	}
	exit errors ? 1 : 0
}
