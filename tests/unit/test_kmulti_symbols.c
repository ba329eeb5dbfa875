/* tests/unit/test_kmulti_symbols.c — the kernel functions a kprobe.multi pattern names, from text in
 * the two formats rawload reads: tracefs's available_filter_functions ("name" or "name [module]"
 * per line) and /proc/kallsyms ("address type name [module]", text symbols only, no __pfx_
 * paddings); sorted, each name once, a last line without a newline read too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "loader/attach/attach.h"

static void check(const char *text, bool kallsyms, const char *pattern, int want_err, const char *want)
{
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	REQUIRE(buf, "malloc");
	memcpy(buf, text, len + 1);
	const char **syms = NULL;
	uint32_t n = 0;
	int err = attach_kmulti_symbols(buf, len, kallsyms, pattern, &syms, &n);
	char got[256] = "";
	for (uint32_t i = 0; !err && i < n; i++) {
		strcat(got, i ? " " : "");
		strncat(got, syms[i], sizeof(got) - strlen(got) - 1);
	}
	CHECK(err == want_err && (err || strcmp(got, want) == 0), "'%s' (%s): %d '%s', expected %d '%s'", pattern,
	      kallsyms ? "kallsyms" : "filter list", err, got, want_err, want);
	free(syms);
	free(buf);
}

TEST(kmulti_symbols)
{
	static const char filter[] = "vfs_read\nvfs_write\n__x64_sys_kill\n__ia32_sys_kill\nkill_pid\n"
				     "tcp_sendmsg [tcp_extra]\ndup_static\ndup_static\nvfs_readv";
	check(filter, false, "vfs_read*", 0, "vfs_read vfs_readv");
	check(filter, false, "__*_sys_kill", 0, "__ia32_sys_kill __x64_sys_kill");
	check(filter, false, "tcp_sendmsg", 0, "tcp_sendmsg");
	check(filter, false, "dup_*", 0, "dup_static");
	check(filter, false, "kill?pid", 0, "kill_pid");
	check(filter, false, "nothing*", -ENOENT, "");
	check("", false, "*", -ENOENT, "");

	static const char kallsyms[] = "ffffffff8137ba10 T __pfx___x64_sys_kill\n"
				       "ffffffff8137ba20 T __x64_sys_kill\n"
				       "ffffffff8137bb10 t __ia32_sys_kill\n"
				       "ffffffff82a00000 D __x86_sys_kill_table\n"
				       "ffffffff82a00010 d __y_sys_kill\n"
				       "ffffffffc0001000 t __mod_sys_kill\t[rl_mod]\n"
				       "malformed line\n"
				       "ffffffff8137bc00 W __weak_sys_kill";
	check(kallsyms, true, "__*_sys_kill", 0, "__ia32_sys_kill __mod_sys_kill __x64_sys_kill");
	check(kallsyms, true, "*", 0, "__ia32_sys_kill __mod_sys_kill __x64_sys_kill");
	check(kallsyms, true, "__pfx_*", -ENOENT, "");
}
