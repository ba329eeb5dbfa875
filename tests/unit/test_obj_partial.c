/* tests/unit/test_obj_partial.c — an object some of whose programs cannot load for reasons of the
 * object (tests/progs/partial.bpf.c): the model is built whole, in both byte orders; the program
 * with an ld_imm64 of a name nothing defines and the one in an unknown section are marked with
 * their reason (reloc_prog_problem), the others are not. */
#include <string.h>

#include "check.h"
#include "loader/load/reloc.h"
#include "loader/obj/obj.h"
#include "obj_expect.h"

TEST(obj_partial_marks_programs)
{
	static const char *const clean[] = {
		"count_xdp", "uses_future_map", "uses_future_flag", "calls_future_helper", "calls_skb_helper",
		"uses_missing_kconfig", "uses_missing_kfunc", "core_missing",
	};
	for (int k = 0; k < 2; k++) {
		char p[128], why[320];
		struct lobj l;
		path_of(p, sizeof(p), "partial", k);
		if (lopen(&l, p))
			continue;
		CHECK(l.o.nprogs == 10 && l.o.nmaps == 4, "%s: %u programs, %u maps", p, l.o.nprogs, l.o.nmaps);
		for (size_t i = 0; i < N(clean); i++) {
			int x = obj_find_prog(&l.o, clean[i]);
			CHECK(x >= 0 && !reloc_prog_problem(&l.o, (uint32_t)x, why, sizeof(why)), "%s: %s: %s", p, clean[i],
			      x < 0 ? "missing" : why);
		}
		/* The undefined name: no extern, one unresolved symbol, one RELOC_BAD on the ld_imm64. */
		CHECK(l.o.nunresolved == 1 && !strcmp(l.o.unresolved[0].name, "rawload_nowhere") &&
			      strstr(l.o.unresolved[0].why, "neither __kconfig nor __ksym"),
		      "%s: %u unresolved", p, l.o.nunresolved);
		CHECK(obj_find_extern(&l.o, "rawload_nowhere") < 0 && obj_find_extern(&l.o, "CONFIG_RAWLOAD_PARTIAL_MISSING") >= 0 &&
			      obj_find_extern(&l.o, "bpf_rawload_no_such_kfunc") >= 0,
		      "%s: externs", p);
		uint32_t bad = 0;
		for (uint32_t i = 0; i < l.o.nrelocs; i++)
			if (l.o.relocs[i].kind == RELOC_BAD) {
				bad++;
				CHECK(!strcmp(l.o.relocs[i].sym, "rawload_nowhere") &&
					      insn_is_ld_imm64(&l.o.codes[l.o.relocs[i].code].insns[l.o.relocs[i].insn]) &&
					      strstr(l.o.relocs[i].why, "extern 'rawload_nowhere'"),
				      "%s: bad relocation %s: %s", p, l.o.relocs[i].sym, l.o.relocs[i].why);
			}
		CHECK(bad == 1, "%s: %u bad relocations", p, bad);
		int u = obj_find_prog(&l.o, "uses_undefined");
		CHECK(u >= 0 && reloc_prog_problem(&l.o, (uint32_t)u, why, sizeof(why)) &&
			      strstr(why, "extern 'rawload_nowhere': neither __kconfig nor __ksym"),
		      "%s: uses_undefined not marked", p);
		u = obj_find_prog(&l.o, "in_unknown_section");
		CHECK(u >= 0 && !l.o.progs[u].def && reloc_prog_problem(&l.o, (uint32_t)u, why, sizeof(why)) &&
			      strstr(why, "section 'rawload/unknown' names no program type"),
		      "%s: in_unknown_section not marked", p);
		lclose(&l);
	}
}
