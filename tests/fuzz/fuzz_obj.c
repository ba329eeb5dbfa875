/* tests/fuzz/fuzz_obj.c — libFuzzer target for the pure path from file bytes to a loadable
 * program: ELF, BTF and .BTF.ext parsing, the object model, linking and map patching (with made-up
 * fds), the inspect printers (to /dev/null) and rendering a zeroed value of every map's type.
 * Seeds: the examples and test objects (make fuzz copies them into the corpus). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/core.h"
#include "btf/render.h"
#include "loader/show/inspect.h"
#include "loader/obj/obj.h"
#include "loader/load/reloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null_out;
	struct obj o;
	struct diag d = {{0}};

	if (!null_out)
		null_out = fopen("/dev/null", "w");
	if (obj_parse(&o, "fuzz.o", data, size, &d) != 0) {
		if (!d.msg[0])
			abort(); /* every failure must say why */
		return 0;
	}
	int fds[1024];
	for (int i = 0; i < 1024; i++)
		fds[i] = 100 + i;
	struct core_cache cache = {0};
	for (uint32_t p = 0; p < o.nprogs; p++) {
		struct linked_prog lp;
		if (reloc_link(&o, p, &lp, &d) == 0) {
			if (o.nmaps <= 1024)
				reloc_patch_maps(&o, &lp, fds, &d);
			/* CO-RE against the object's own BTF: every record resolved and applied. */
			for (uint32_t k = 0; k < lp.ncore && o.has_btf; k++) {
				struct core_result res;
				char what[160];
				core_relo_str(&o.btf, lp.core[k].r, what, sizeof(what));
				if (core_calc(&o.btf, &o.btf, lp.core[k].r, o.elf.big_endian, &cache, &res, &d) == 0)
					reloc_core_patch(&lp, k, &res, &d);
				else if (!d.msg[0])
					abort();
			}
			reloc_free(&lp);
		}
	}
	core_cache_free(&cache);
	if (null_out) {
		inspect_print(&o, "fuzz.o", null_out, false);
		inspect_print(&o, "fuzz.o", null_out, true);
	}
	if (o.has_btf) {
		static uint8_t zero[4096];
		struct strbuf sb = {0};
		for (uint32_t i = 0; i < o.nmaps; i++) {
			uint32_t n = o.maps[i].value_size < sizeof(zero) ? o.maps[i].value_size : sizeof(zero);
			render_value(&sb, &o.btf, o.maps[i].btf_value, zero, n, o.maps[i].name, RENDER_TEXT);
			render_value(&sb, &o.btf, o.maps[i].btf_key, zero, n, "", RENDER_JSON);
			sb_reset(&sb);
		}
		sb_free(&sb);
	}
	obj_close(&o);
	return 0;
}
