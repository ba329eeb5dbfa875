/* tests/unit/test_obj_broken.c — objects broken on purpose, one field at a time (map records,
 * license, .maps relocations, a program's size), refused by obj_parse with the errno and message
 * that name the problem. Random and exhaustive breakage is test_robust_mutations.c's. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "loader/obj/obj.h"
#include "obj_expect.h"
#include "slurp.h"

/* A private copy of rel, with the file offset of section `sec` (by name). */
struct copy {
	uint8_t *buf;
	size_t size;
	bool be;
};

static int copy_open(struct copy *c, const char *rel)
{
	c->buf = slurp(rel, &c->size);
	c->be = c->buf && c->buf[5] == 2;
	return c->buf ? 0 : -1;
}

static uint64_t sec_off(const struct copy *c, const char *name, uint64_t *size)
{
	struct elf_file f;
	struct diag d;
	uint64_t off = 0;
	if (elf_parse(&f, c->buf, c->size, &d))
		return 0;
	const struct elf_section *s = elf_find_section(&f, name);
	if (s && s->data) {
		off = (uint64_t)(s->data - c->buf);
		if (size)
			*size = s->size;
	}
	elf_close(&f);
	return off;
}

static void cput32(struct copy *c, uint64_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		c->buf[off + i] = (uint8_t)(v >> (c->be ? 8 * (3 - i) : 8 * i));
}
static void cput64(struct copy *c, uint64_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		c->buf[off + i] = (uint8_t)(v >> (c->be ? 8 * (7 - i) : 8 * i));
}

static void expect_obj_reject(const struct copy *c, int want, const char *needle, const char *what)
{
	struct obj o;
	struct diag d = {""};
	int err = obj_parse(&o, "broken.o", c->buf, c->size, &d);
	CHECK(err == want, "%s: obj_parse returned %d, expected %d (%s)", what, err, want, d.msg);
	CHECK(strstr(d.msg, needle) != NULL, "%s: message '%s' lacks '%s'", what, d.msg, needle);
	if (!err)
		obj_close(&o);
}

TEST(obj_broken_on_purpose)
{
	for (int k = 0; k < 2; k++) {
		char p[128];
		struct copy c;
		uint64_t off, size = 0;

		/* iproute2 pinning 3 (custom): not supported */
		path_of(p, sizeof(p), "legacy_iproute2", k);
		if (copy_open(&c, p) == 0) {
			off = sec_off(&c, "maps", NULL);
			cput32(&c, off + 24, 3);
			expect_obj_reject(&c, -ENOTSUP, "custom pinning 3", "iproute2 pinning 3");
			cput32(&c, off + 24, 2);
			cput32(&c, off + 36 + 28, 7); /* tc_seen.inner_id names no map */
			expect_obj_reject(&c, -EINVAL, "inner_id 7", "iproute2 inner_id without a map");
			free(c.buf);
		}
		/* samples/bpf: inner_map_idx on an ARRAY; a non-zero unknown trailing byte */
		path_of(p, sizeof(p), "legacy_samples", k);
		if (copy_open(&c, p) == 0) {
			off = sec_off(&c, "maps", NULL);
			cput32(&c, off + 20, 1);
			expect_obj_reject(&c, -EINVAL, "inner_map_idx 1", "inner_map_idx on an ARRAY");
			free(c.buf);
		}
		/* the version section must be 4 bytes; the license NUL-terminated */
		path_of(p, sizeof(p), "bad_verifier", k);
		if (copy_open(&c, p) == 0) {
			off = sec_off(&c, "license", &size);
			memcpy(c.buf + off, "GPLx", 4);
			expect_obj_reject(&c, -EINVAL, "license", "license without NUL");
			free(c.buf);
		}
		/* .maps relocation on a misaligned slot */
		path_of(p, sizeof(p), "btf_maps", k);
		if (copy_open(&c, p) == 0) {
			off = sec_off(&c, ".rel.maps", &size);
			cput64(&c, off, 0x5c); /* inner_a's slot 0 at 0x58 -> 0x5c */
			expect_obj_reject(&c, -EINVAL, "misaligned", "misaligned values slot");
			cput64(&c, off, 0x68); /* a second initialiser of slot 2 */
			expect_obj_reject(&c, -EINVAL, "initialised twice", "slot initialised twice");
			cput64(&c, off, 0x48); /* inside outer's definition, before `values` */
			expect_obj_reject(&c, -EINVAL, "not in a 'values' initialiser", "relocation before values");
			free(c.buf);
		}
		/* a program instruction count that is not whole */
		path_of(p, sizeof(p), "sections", k);
		if (copy_open(&c, p) == 0) {
			struct elf_file f;
			struct diag d;
			if (elf_parse(&f, c.buf, c.size, &d) == 0) {
				uint64_t shoff = 0;
				for (int i = 0; i < 8; i++)
					shoff |= (uint64_t)c.buf[40 + (c.be ? 7 - i : i)] << (8 * i);
				const struct elf_section *s = elf_find_section(&f, "xdp");
				uint32_t idx = elf_section_index(&f, s);
				elf_close(&f);
				cput64(&c, shoff + (uint64_t)idx * 64 + 32, 12);
				expect_obj_reject(&c, -EINVAL, "whole number of instructions", "xdp of 12 bytes");
			}
			free(c.buf);
		}
	}
}
