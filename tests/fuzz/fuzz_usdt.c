/* tests/fuzz/fuzz_usdt.c — libFuzzer target for what USDT attaching reads from an untrusted
 * executable or shared library: elf_parse_binary, every .note.stapsdt note (elf_usdt_next), its
 * place in the file (elf_usdt_locate), and its argument string read for each machine rawload knows
 * and written in both spec layouts. Every failure must say why; every offset found must lie inside
 * the input; the walk must end. Seeds: the USDT targets (make fuzz copies them into the corpus). */
#include <stdint.h>
#include <stdlib.h>

#include "elf/usdt.h"
#include "loader/attach/usdt_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t machines[] = {ELF_EM_X86_64, ELF_EM_AARCH64, ELF_EM_S390};
	struct elf_file f;
	struct diag d = {{0}};
	if (elf_parse_binary(&f, data, size, &d) != 0) {
		if (!d.msg[0])
			abort();
		return 0;
	}
	struct elf_usdt_iter it;
	struct elf_usdt_note n;
	int r = elf_usdt_iter_init(&f, &it, &d);
	size_t count = 0;
	while (!r && (r = elf_usdt_next(&it, &n, &d)) == 1) {
		r = 0;
		if (++count > size / 12 + 1) /* each note takes at least its 12-byte header */
			abort();
		struct elf_usdt_loc loc;
		d.msg[0] = '\0';
		int err = elf_usdt_locate(&f, &n, &loc, &d);
		if ((err && !d.msg[0]) || (!err && (loc.offset >= size || (loc.sema_offset && loc.sema_offset + 2 > size))))
			abort();
		for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++) {
			struct usdt_spec spec;
			uint8_t value[USDT_SPEC_SIZE_V2];
			d.msg[0] = '\0';
			err = usdt_spec_parse(n.args, machines[m], &spec, &d);
			if (err && !d.msg[0])
				abort();
			if (!err && (spec.nargs > USDT_MAX_ARGS ||
				     usdt_spec_encode(&spec, USDT_SPEC_SIZE_V2, value, &d) != 0))
				abort();
			if (!err)
				(void)usdt_spec_encode(&spec, USDT_SPEC_SIZE_V1, value, &d);
		}
	}
	if (r < 0 && !d.msg[0])
		abort();
	elf_close(&f);
	return 0;
}
