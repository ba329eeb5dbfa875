/* tests/fuzz/fuzz_btf.c — libFuzzer target for BTF on its own (as from /sys/kernel/btf/vmlinux):
 * parse in both byte orders, then walk every type: sizes, names, C declarators, rendering the
 * input's own bytes as a value of the first 512 types (within a small budget), and CO-RE: every
 * relocation kind on the first 16 types with each access string the strings hold, resolved
 * against the same BTF. */
#include <stdint.h>
#include <stdlib.h>

#include "btf/btf.h"
#include "btf/core.h"
#include "btf/render.h"

/* Offsets of up to n strings that look like access strings ("0:1:2"). */
static uint32_t access_strings(const struct btf_spec *b, uint32_t *offs, uint32_t n)
{
	uint32_t found = 0;
	for (uint32_t i = 0; i < b->strs_len && found < n; i++) {
		if (i && b->strs[i - 1])
			continue;
		uint32_t k = i;
		while (k < b->strs_len && ((b->strs[k] >= '0' && b->strs[k] <= '9') || b->strs[k] == ':'))
			k++;
		if (k > i && k < b->strs_len && !b->strs[k])
			offs[found++] = i;
	}
	return found;
}

static void core_all(const struct btf_spec *b)
{
	uint32_t offs[4], n = access_strings(b, offs, 4);
	struct core_cache cache = {0};
	char what[96];
	for (uint32_t id = 0; id <= b->nr_types && id < 16; id++)
		for (uint32_t kind = 0; kind <= BPF_CORE_TYPE_MATCHES + 1; kind++)
			for (uint32_t s = 0; s < n; s++) {
				struct bpf_core_relo r = {0, id, offs[s], kind};
				struct core_result res;
				struct diag d = {{0}};
				core_relo_str(b, &r, what, sizeof(what));
				if (core_calc(b, b, &r, kind & 1, &cache, &res, &d) && !d.msg[0])
					abort();
				(void)core_type_compat(b, id, b, (id * 7) % (b->nr_types + 1));
			}
	core_cache_free(&cache);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > UINT32_MAX)
		return 0;
	for (int swap = 0; swap < 2; swap++) {
		struct btf_spec b;
		struct diag d = {{0}};
		if (btf_parse(&b, data, (uint32_t)size, swap, &d) != 0) {
			if (!d.msg[0])
				abort();
			continue;
		}
		struct strbuf sb = {0};
		char name[128];
		for (uint32_t id = 0; id <= b.nr_types && id < 4096; id++) {
			uint32_t sz;
			btf_size(&b, id, &sz);
			btf_skip_mods(&b, id);
			btf_type_str(&b, id, name, sizeof(name));
			if (id >= 512)
				continue;
			/* A small budget each: the budget itself is fuzz_render's subject. */
			struct render_budget bg = render_budget_default(NULL);
			bg.bytes = 4096;
			bg.steps = 1 << 14;
			render_value_budget(&sb, &b, id, data, (uint32_t)size, "saddr", RENDER_TEXT, &bg);
			bg = render_budget_default(NULL);
			bg.bytes = 4096;
			bg.steps = 1 << 14;
			render_value_budget(&sb, &b, id, data, (uint32_t)size, "protocol", RENDER_JSON, &bg);
			sb_reset(&sb);
		}
		sb_free(&sb);
		core_all(&b);
		btf_close(&b);
	}
	return 0;
}
