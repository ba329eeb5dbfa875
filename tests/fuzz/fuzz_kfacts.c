/* tests/fuzz/fuzz_kfacts.c — libFuzzer target for the kernel's self-descriptions: gunzip (as for
 * /proc/config.gz), then the .config, kallsyms and release parsers on the input as text (and on
 * what it decompresses to), writing values of every __kconfig type; the indexed lookups must give
 * the scans' answers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/inflate.h"
#include "loader/load/kfacts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void text(const char *t, size_t n)
{
	static const char *const names[] = {"CONFIG_HZ", "CONFIG_BPF", "CONFIG_DEFAULT_HOSTNAME", "_stext", "A"};
	static const struct obj_extern ex[] = {
		{.name = "b", .kcfg = KCFG_BOOL, .size = 1, .offset = 0},
		{.name = "c", .kcfg = KCFG_CHAR, .size = 1, .offset = 1},
		{.name = "t", .kcfg = KCFG_TRISTATE, .size = 4, .offset = 4},
		{.name = "i", .kcfg = KCFG_INT, .size = 8, .offset = 8, .kcfg_signed = true},
		{.name = "u", .kcfg = KCFG_INT, .size = 2, .offset = 16},
		{.name = "s", .kcfg = KCFG_STRING, .size = 12, .offset = 20},
	};
	uint8_t image[32];
	struct diag d;
	struct kfacts_index cix = {0}, kix = {0};
	if (kfacts_index_config(t, n, &cix) || kfacts_index_kallsyms(t, n, &kix))
		abort();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t vlen, vlen2 = 0;
		uint64_t addr = 0, addr2 = 0;
		const char *v = kfacts_config_find(t, n, names[i], &vlen);
		const char *v2 = kfacts_config_find_ix(t, n, &cix, names[i], &vlen2);
		if (v != v2 || (v && vlen != vlen2))
			abort();
		int k1 = kfacts_kallsyms_find(t, n, names[i], &addr), k2 = kfacts_kallsyms_find_ix(t, n, &kix, names[i], &addr2);
		if (k1 != k2 || (k1 && addr != addr2))
			abort();
		for (size_t k = 0; v && k < sizeof(ex) / sizeof(ex[0]); k++) {
			d.msg[0] = '\0';
			if (kfacts_config_set(&ex[k], v, vlen, image, &d) && !d.msg[0])
				abort();
		}
	}
	kfacts_index_free(&cix);
	kfacts_index_free(&kix);
	char release[65];
	size_t r = n < 64 ? n : 64;
	memcpy(release, t, r);
	release[r] = '\0';
	kfacts_kernel_version(release);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *out;
	size_t len;
	struct diag d = {{0}};
	text((const char *)data, size);
	if (gunzip(data, size, 1 << 20, &out, &len, &d) == 0) {
		text((const char *)out, len);
		free(out);
	} else if (!d.msg[0]) {
		abort();
	}
	return 0;
}
