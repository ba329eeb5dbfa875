/* tests/unit/test_elf_glob.c — glob patterns over symbol names (elf_glob_match, libbpf's '*' and '?'
 * rules) and elf_funcs_matching on the uprobe targets the Makefile builds: the same functions and
 * offsets elf_sym_file_offset gives one by one (readelf's, see test_elf_funcoff.c), .dynsym when
 * there is no .symtab, sorted and once per offset, nothing matched said. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "slurp.h"
#include "elf/elf.h"
#include "elf/funcoff.h"

TEST(elf_glob_patterns)
{
	static const struct {
		const char *str, *pat;
		bool match;
	} cases[] = {
		{"rl_target_func", "rl_target_*", true}, {"rl_target_func", "rl_target_func", true},
		{"rl_target_func", "rl_target", false},  {"rl_target_func", "*", true},
		{"", "*", true},                         {"", "", true},
		{"a", "", false},                        {"", "?", false},
		{"main", "ma?n", true},                  {"man", "ma?n", false},
		{"getppid", "getp?id", true},            {"getpgid", "getp?id", true},
		{"getpid", "getp?id", false},            {"getpwuid", "getp*id", true},
		{"abcabd", "*abd", true},                {"abcabc", "*abd", false},
		{"aXbXc", "a*b*c", true},                {"aXbXd", "a*b*c", false},
		{"vfs_read", "*_read*", true},           {"vfs_write", "*_read*", false},
		{"x", "**?**", true},                    {"", "**?**", false},
		/* many stars on a long near-miss: linear backtracking, no explosion */
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(elf_glob_match(cases[i].str, cases[i].pat) == cases[i].match, "'%s' against '%s': expected %s",
		      cases[i].str, cases[i].pat, cases[i].match ? "a match" : "none");
}

static void check_matches(const char *path, const char *pattern, const char *const *names, size_t n_names)
{
	size_t size;
	uint8_t *buf = slurp(path, &size);
	REQUIRE(buf, "cannot read %s (make build/uprobe_target ...)", path);
	struct elf_file f;
	struct diag d = {""};
	int err = elf_parse_binary(&f, buf, size, &d);
	CHECK(err == 0, "%s: %s", path, d.msg);
	if (!err) {
		struct elf_func_match *m = NULL;
		uint32_t n = 0;
		err = elf_funcs_matching(&f, pattern, &m, &n, &d);
		if (!n_names) {
			CHECK(err == -ENOENT && strstr(d.msg, pattern), "%s '%s': %d %s", path, pattern, err, d.msg);
		} else {
			CHECK(err == 0 && n >= n_names, "%s '%s': %d, %u matches: %s", path, pattern, err, n, d.msg);
			for (size_t k = 0; !err && k < n_names; k++) {
				struct elf_func_loc loc;
				int e = elf_sym_file_offset(&f, names[k], &loc, &d);
				bool found = false;
				for (uint32_t i = 0; i < n; i++)
					found |= e == 0 && m[i].offset == loc.offset && !strcmp(m[i].name, names[k]);
				CHECK(found, "%s '%s': %s (offset %#llx) not among the matches", path, pattern, names[k],
				      (unsigned long long)loc.offset);
			}
			for (uint32_t i = 1; !err && i < n; i++)
				CHECK(m[i - 1].offset < m[i].offset, "%s '%s': offsets not sorted and unique at %u", path, pattern, i);
			if (n_names == 1)
				CHECK(n == 1, "%s '%s': %u matches, expected 1", path, pattern, n);
		}
		free(m);
		elf_close(&f);
	}
	free(buf);
}

TEST(elf_funcs_matching_targets)
{
	static const char *const target[] = {"rl_target_func"}, *const main_only[] = {"main"},
				 *const both[] = {"rl_target_func", "main"};
	check_matches("build/uprobe_target", "rl_target_*", target, 1);
	check_matches("build/uprobe_target", "ma?n", main_only, 1);
	check_matches("build/uprobe_target", "*", both, 2);
	check_matches("build/uprobe_target", "rl_nothing*", NULL, 0);
	check_matches("build/uprobe_target", "getppid", NULL, 0); /* undefined there: libc's */
	check_matches("build/uprobe_target_nopie", "rl_*", target, 1);
	check_matches("build/uprobe_target_dynsym", "rl_target_f?nc", target, 1);
	check_matches("build/uprobe_target_dynsym", "*", both, 2);
}
