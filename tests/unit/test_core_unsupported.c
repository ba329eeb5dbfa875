/* tests/unit/test_core_unsupported.c — CO-RE relocations are not resolved yet, so linking must
 * count them (the load pass refuses such a program rather than load the compiler's guessed
 * offsets). core_reloc.bpf.c has exactly one, in core_pid; the other objects have none. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "slurp.h"
#include "loader/obj.h"
#include "loader/reloc.h"

static uint32_t core_count(const char *rel, const char *prog)
{
	size_t size;
	uint8_t *buf = slurp(rel, &size);
	struct obj o;
	struct diag d = {{0}};
	uint32_t n = UINT32_MAX;
	CHECK(buf != NULL, "read %s", rel);
	if (buf && obj_parse(&o, rel, buf, size, &d) == 0) {
		int p = obj_find_prog(&o, prog);
		struct linked_prog lp;
		CHECK(p >= 0, "%s: no program %s", rel, prog);
		if (p >= 0 && reloc_link(&o, (uint32_t)p, &lp, &d) == 0) {
			n = lp.ncore;
			reloc_free(&lp);
		}
		obj_close(&o);
	}
	CHECK(d.msg[0] == '\0', "%s: %s", rel, d.msg);
	free(buf);
	return n;
}

TEST(core_relocations_counted_by_link)
{
	CHECK(core_count("build/progs/core_reloc.bpfel.o", "core_pid") == 1, "bpfel: one CO-RE record");
	CHECK(core_count("build/progs/core_reloc.bpfeb.o", "core_pid") == 1, "bpfeb: one CO-RE record");
	CHECK(core_count("examples/show-ip.o", "get_ips") == 0, "show-ip has none");
	CHECK(core_count("build/progs/subprogs.bpfel.o", "sub_a") == 0, "subprogs has none");
}
