/* tests/fuzz/fuzz_elfbin.c — libFuzzer target for what uprobes read from an untrusted executable or
 * shared library: elf_parse_binary, then elf_sym_file_offset for a few names (one that exists in
 * the seeds, a versioned one, one that does not) and elf_funcs_matching for a few patterns. Every
 * failure must say why; every offset found must lie inside the input. Seeds: the uprobe targets (make fuzz copies them into the corpus). */
#include <stdint.h>
#include <stdlib.h>

#include "elf/funcoff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"rl_target_func", "main", "getppid@@GLIBC_2.2.5", "no_such"};
	struct elf_file f;
	struct diag d = {{0}};
	if (elf_parse_binary(&f, data, size, &d) != 0) {
		if (!d.msg[0])
			abort();
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct elf_func_loc loc;
		d.msg[0] = '\0';
		int err = elf_sym_file_offset(&f, names[i], &loc, &d);
		if ((err && !d.msg[0]) || (!err && loc.offset >= size))
			abort();
	}
	/* uprobe.multi's patterns: every match inside the input, sorted, each offset once. */
	static const char *const patterns[] = {"rl_*", "*", "ma?n"};
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		struct elf_func_match *m;
		uint32_t n;
		d.msg[0] = '\0';
		int err = elf_funcs_matching(&f, patterns[i], &m, &n, &d);
		if (err && !d.msg[0])
			abort();
		for (uint32_t k = 0; !err && k < n; k++)
			if (m[k].offset >= size || (k && m[k].offset <= m[k - 1].offset) || !elf_glob_match(m[k].name, patterns[i]))
				abort();
		if (!err)
			free(m);
	}
	elf_close(&f);
	return 0;
}
