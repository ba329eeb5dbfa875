/* tests/unit/test_scaling.c — parsing grows linearly with the object: objects made by genobj with
 * N = 1,000 and 16 N programs, maps, variables, kfuncs, prog-array slots or sections go through
 * obj_parse, linking every program, the BTF rewrite for old kernels and inspect (text and JSON);
 * the larger takes at most 2.5 x 16 times the CPU time of the smaller (a quadratic pass gives 256).
 * Under the sanitizers (RAWLOAD_ROBUST_SCALE below 100) the larger object is 8 N. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "loader/load/btf_fixup.h"
#include "loader/load/reloc.h"
#include "loader/obj/obj.h"
#include "loader/show/inspect.h"
#include "tests/tools/genobj.h"
#include "check.h"

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds for one pass over the object (the best of three), or -1 when it fails. */
static double parse_time(const uint8_t *buf, size_t len, FILE *null_out, char *why, size_t n)
{
	double best = -1;
	for (int round = 0; round < 3; round++) {
		struct obj o;
		struct diag d = {{0}};
		double t0 = cpu_seconds();
		if (obj_parse(&o, "gen.o", buf, len, &d)) {
			snprintf(why, n, "obj_parse: %.300s", d.msg);
			return -1;
		}
		for (uint32_t p = 0; p < o.nprogs; p++) {
			struct linked_prog lp;
			if (reloc_link(&o, p, &lp, &d)) {
				snprintf(why, n, "reloc_link %u: %.300s", p, d.msg);
				obj_close(&o);
				return -1;
			}
			reloc_free(&lp);
		}
		if (o.has_btf) {
			uint8_t *blob;
			uint32_t size;
			if (btf_fixup_build(&o, SANITIZE_ALL, &blob, &size, &d) == 0)
				free(blob);
		}
		inspect_print(&o, "gen.o", null_out, false);
		inspect_print(&o, "gen.o", null_out, true);
		obj_close(&o);
		double t = cpu_seconds() - t0;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

TEST(parse_scales_linearly)
{
	const char *scale = getenv("RAWLOAD_ROBUST_SCALE");
	uint32_t n = 1000, factor = scale && atoi(scale) < 100 ? 8 : 16;
	static const struct {
		const char *what;
		struct genobj_opts o; /* counts of 1 mean "n" */
	} cases[] = {
		{"programs and legacy maps", {.progs = 1, .legacy_maps = 1}},
		{"programs and BTF maps", {.progs = 1, .btf_maps = 1, .btf = true}},
		{"programs and .bss variables", {.progs = 1, .bss_vars = 1, .btf = true}},
		{"programs calling kfuncs", {.progs = 1, .kfuncs = 1, .btf = true}},
		{"programs in a prog array", {.progs = 1, .prog_array = true, .btf = true}},
		{"a section per program", {.progs = 1, .btf_maps = 1, .btf = true, .section_per_prog = true}},
	};
	FILE *null_out = fopen("/dev/null", "w");
	REQUIRE(null_out, "/dev/null");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double t[2] = {-1, -1};
		for (int k = 0; k < 2; k++) {
			uint32_t count = k ? n * factor : n;
			struct genobj_opts o = cases[c].o;
			o.progs *= count;
			o.legacy_maps *= count;
			o.btf_maps *= count;
			o.bss_vars *= count;
			o.kfuncs *= count;
			uint8_t *buf;
			size_t len;
			char why[400] = "";
			if (genobj_build(&o, &buf, &len)) {
				CHECK(0, "%s: genobj %u", cases[c].what, count);
				break;
			}
			t[k] = parse_time(buf, len, null_out, why, sizeof(why));
			free(buf);
			CHECK(t[k] >= 0, "%s, %u: %s", cases[c].what, count, why);
			if (t[k] < 0)
				break;
		}
		if (t[0] < 0 || t[1] < 0)
			continue;
		/* Below a millisecond the clock's grain would decide: count it as one. */
		double ratio = t[1] / (t[0] > 1e-3 ? t[0] : 1e-3);
		CHECK(ratio <= 2.5 * factor, "%s: %u took %.4f s, %u took %.4f s: %.1f times for %u times the size",
		      cases[c].what, n, t[0], n * factor, t[1], ratio, factor);
		if (getenv("RAWLOAD_NOTES"))
			printf("  note: %s: %u: %.4f s, %u: %.4f s (x%.1f)\n", cases[c].what, n, t[0], n * factor, t[1], ratio);
	}
	fclose(null_out);
}
