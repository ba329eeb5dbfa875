/* bench/kbtf.c — the part of a CO-RE load that is rawload's own work on the kernel's BTF, alone:
 * reading /sys/kernel/btf/vmlinux and indexing it the way a load does (load_vmlinux_btf: mapped or
 * read, parsed and checked, indexed by name), then finding the CO-RE candidates of NAMES struct
 * names spread over the kernel's types (btf_names_next and a kind check, as btf/core.c does). Built
 * from rawload's own sources like rawload-static, so the bench runner's CPU and peak RSS are what
 * rawload spends on it. A bench tool, not part of rawload.
 *
 * usage: kbtf [NAMES]        (default 1000; prints what it found, exits 1 if a name was missed) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/load/load_internal.h"

int main(int argc, char **argv)
{
	long names = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
	struct loaded l;
	struct load_opts opts = {0};
	struct diag d = {0};

	memset(&l, 0, sizeof(l));
	if (names < 0 || load_vmlinux_btf(&l, &opts, &d)) {
		fprintf(stderr, "kbtf: %s\n", names < 0 ? "usage: kbtf [NAMES]" : d.msg);
		return 1;
	}
	const struct btf_spec *b = l.vmlinux;
	uint32_t structs = 0, looked = 0, found = 0, cands = 0;
	for (uint32_t id = 1; id <= b->nr_types; id++)
		structs += btf_kind(btf_type(b, id)) == BTF_KIND_STRUCT && btf_type(b, id)->name_off;
	uint32_t every = names && structs > names ? structs / (uint32_t)names : 1, k = 0;
	for (uint32_t id = 1; id <= b->nr_types && looked < names; id++) {
		const struct btf_type *t = btf_type(b, id);
		if (btf_kind(t) != BTF_KIND_STRUCT || !t->name_off || k++ % every)
			continue;
		const char *name = btf_type_name(b, t);
		uint32_t pos = 0, c, n = 0;
		bool self = false;
		while ((c = btf_names_next(b, name, btf_essential_len(name), &pos)))
			if (btf_kind(btf_type(b, c)) == BTF_KIND_STRUCT || btf_kind(btf_type(b, c)) == BTF_KIND_UNION) {
				n++;
				self |= c == id;
			}
		looked++;
		found += self;
		cands += n;
	}
	printf("kernel BTF: %u types, %s; %u struct names looked up, %u found, %u candidates\n", b->nr_types,
	       b->names ? "indexed by name" : "not indexed", looked, found, cands);
	return found == looked ? 0 : 1;
}
