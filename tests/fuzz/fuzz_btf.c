/* tests/fuzz/fuzz_btf.c — libFuzzer target for BTF on its own (as from /sys/kernel/btf/vmlinux):
 * parse in both byte orders, then walk every type: sizes, names, C declarators, and rendering
 * the input's own bytes as a value of each type. */
#include <stdint.h>
#include <stdlib.h>

#include "btf/btf.h"
#include "btf/render.h"

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
			render_value(&sb, &b, id, data, (uint32_t)size, "saddr", RENDER_TEXT);
			render_value(&sb, &b, id, data, (uint32_t)size, "protocol", RENDER_JSON);
			sb_reset(&sb);
		}
		sb_free(&sb);
		btf_close(&b);
	}
	return 0;
}
