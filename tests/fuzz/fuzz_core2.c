/* tests/fuzz/fuzz_core2.c — libFuzzer target for CO-RE against a target BTF that is not the object's
 * own (btf/core.h), as at load time against the kernel's: an object and a target BTF from the
 * input; every program linked, every CO-RE record resolved against the target and applied to the
 * instructions; the type compatibility check across both. Every failure must say why.
 * Input: u32 object length, the object (an ELF BPF object), then the target BTF (bit 31 of the
 * length: the target in the other byte order). Seeds: core_reloc.bpfel.o against the BTF of
 * objects built from the kernel's vmlinux.h and of other test objects (tests/fuzz/seeds.sh). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf/core.h"
#include "loader/load/reloc.h"
#include "loader/obj/obj.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4)
		return 0;
	uint32_t head;
	memcpy(&head, data, 4);
	bool swap = head >> 31;
	size_t olen = head & 0x7fffffff;
	data += 4;
	size -= 4;
	if (olen > size)
		olen = size;
	/* Aligned copies: the readers take file bytes as mapped. */
	uint8_t *obj_bytes = malloc(olen ? olen : 1), *tgt_bytes = malloc(size - olen + 1);
	if (!obj_bytes || !tgt_bytes) {
		free(obj_bytes);
		free(tgt_bytes);
		return 0;
	}
	memcpy(obj_bytes, data, olen);
	memcpy(tgt_bytes, data + olen, size - olen);
	struct obj o;
	struct btf_spec target;
	struct diag d = {{0}};
	if (obj_parse(&o, "fuzz.o", obj_bytes, olen, &d) != 0) {
		if (!d.msg[0])
			abort();
		goto out;
	}
	d.msg[0] = '\0';
	if (btf_parse(&target, tgt_bytes, (uint32_t)(size - olen), swap, &d) != 0) {
		if (!d.msg[0])
			abort();
		obj_close(&o);
		goto out;
	}
	struct core_cache cache = {0};
	for (uint32_t p = 0; p < o.nprogs && o.has_btf; p++) {
		struct linked_prog lp;
		if (reloc_link(&o, p, &lp, &d) != 0)
			continue;
		for (uint32_t k = 0; k < lp.ncore; k++) {
			struct core_result res;
			char what[160];
			d.msg[0] = '\0';
			core_relo_str(&o.btf, lp.core[k].r, what, sizeof(what));
			if (core_calc(&o.btf, &target, lp.core[k].r, o.elf.big_endian, &cache, &res, &d) == 0)
				reloc_core_patch(&lp, k, &res, &d);
			else if (!d.msg[0])
				abort();
		}
		reloc_free(&lp);
	}
	for (uint32_t id = 1; o.has_btf && id <= o.btf.nr_types && id < 256; id++)
		(void)core_type_compat(&o.btf, id, &target, (id * 31) % (target.nr_types + 1));
	core_cache_free(&cache);
	btf_close(&target);
	obj_close(&o);
out:
	free(obj_bytes);
	free(tgt_bytes);
	return 0;
}
