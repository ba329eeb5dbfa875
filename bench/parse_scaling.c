/* bench/parse_scaling.c — how parsing grows with the object: objects made by genobj (no clang) with
 * 1,000, 10,000 and 100,000 programs and maps go through rawload's pure path (obj_parse, linking
 * every program, the BTF rewrite for old kernels, inspect as text and JSON into /dev/null), and
 * the CPU time of each step is printed with the growth from one size to the next. Linear growth:
 * ten times the input takes at most about twelve times the time. No kernel, any user.
 * BTF-defined maps, .bss variables and kfunc externs are listed in a DATASEC, whose vlen is 16 bits:
 * that family stops at 60,000. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loader/load/btf_fixup.h"
#include "loader/load/reloc.h"
#include "loader/obj/obj.h"
#include "loader/show/inspect.h"
#include "tests/tools/genobj.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

enum { PARSE, LINK, FIXUP, INSPECT, STEPS };

/* Best of `rounds` for each step; 0 or -1 (with why). */
static int measure(const uint8_t *buf, size_t len, FILE *null_out, int rounds, double best[STEPS], char *why, size_t n)
{
	for (int s = 0; s < STEPS; s++)
		best[s] = -1;
	for (int r = 0; r < rounds; r++) {
		struct obj o;
		struct diag d = {{0}};
		double t[STEPS], t0 = cpu_now();
		if (obj_parse(&o, "gen.o", buf, len, &d)) {
			snprintf(why, n, "obj_parse: %.200s", d.msg);
			return -1;
		}
		t[PARSE] = cpu_now() - t0;
		t0 = cpu_now();
		for (uint32_t p = 0; p < o.nprogs; p++) {
			struct linked_prog lp;
			if (reloc_link(&o, p, &lp, &d)) {
				snprintf(why, n, "reloc_link: %.200s", d.msg);
				obj_close(&o);
				return -1;
			}
			reloc_free(&lp);
		}
		t[LINK] = cpu_now() - t0;
		t0 = cpu_now();
		if (o.has_btf) {
			uint8_t *blob;
			uint32_t size;
			if (btf_fixup_build(&o, SANITIZE_ALL, &blob, &size, &d) == 0)
				free(blob);
		}
		t[FIXUP] = cpu_now() - t0;
		t0 = cpu_now();
		inspect_print(&o, "gen.o", null_out, false);
		inspect_print(&o, "gen.o", null_out, true);
		t[INSPECT] = cpu_now() - t0;
		obj_close(&o);
		for (int s = 0; s < STEPS; s++)
			if (best[s] < 0 || t[s] < best[s])
				best[s] = t[s];
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;
	static const struct {
		const char *what;
		struct genobj_opts o; /* counts of 1 mean "n" */
		uint32_t sizes[3];
	} families[] = {
		{"N programs, N legacy maps (each program loads its map)", {.progs = 1, .legacy_maps = 1}, {1000, 10000, 100000}},
		{"N programs with BTF and func/line info, in one prog array", {.progs = 1, .btf = true, .prog_array = true},
		 {1000, 10000, 100000}},
		{"N programs, N BTF maps, N .bss variables, N kfunc externs", {.progs = 1, .btf_maps = 1, .bss_vars = 1, .kfuncs = 1, .btf = true},
		 {1000, 10000, 60000}},
	};
	FILE *null_out = fopen("/dev/null", "w");
	if (!null_out || rounds < 1)
		return 1;
	int nonlinear = 0;
	printf("parse scaling: CPU seconds, best of %d (obj_parse; reloc_link of every program; the BTF rewrite for old kernels; inspect as text and JSON)\n",
	       rounds);
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		printf("\n%s\n", families[f].what);
		printf("  %8s %10s %10s %10s %10s %10s %10s %9s\n", "N", "bytes", "parse", "link all", "btf rewrite",
		       "inspect", "total", "per N");
		double prev_total = 0;
		uint32_t prev_n = 0;
		for (int k = 0; k < 3; k++) {
			uint32_t n = families[f].sizes[k];
			struct genobj_opts o = families[f].o;
			o.progs *= n;
			o.legacy_maps *= n;
			o.btf_maps *= n;
			o.bss_vars *= n;
			o.kfuncs *= n;
			uint8_t *buf;
			size_t len;
			if (genobj_build(&o, &buf, &len)) {
				printf("  %8u: genobj failed\n", n);
				return 1;
			}
			double t[STEPS];
			char why[256];
			if (measure(buf, len, null_out, rounds, t, why, sizeof(why))) {
				printf("  %8u: %s\n", n, why);
				free(buf);
				return 1;
			}
			free(buf);
			double total = t[PARSE] + t[LINK] + t[FIXUP] + t[INSPECT];
			printf("  %8u %10zu %10.4f %10.4f %10.4f %10.4f %10.4f %7.2f us\n", n, len, t[PARSE], t[LINK],
			       t[FIXUP], t[INSPECT], total, total / n * 1e6);
			if (prev_n) {
				/* Growth for the size step, and what it would be for a tenfold step at that rate. */
				double factor = (double)n / prev_n, growth = total / prev_total;
				double per_tenfold = growth / factor * 10;
				bool ok = per_tenfold <= 12;
				nonlinear += !ok;
				printf("  %8s %ux the input: %.1fx the time (%.1fx per tenfold): %s\n", "", (unsigned)(factor + 0.5),
				       growth, per_tenfold, ok ? "linear" : "NOT linear");
			}
			prev_total = total;
			prev_n = n;
		}
	}
	printf("\n%s\n", nonlinear ? "parse scaling: NOT linear in every step (see above)"
				   : "parse scaling: linear (every tenfold step within 12x the time)");
	fclose(null_out);
	return nonlinear ? 1 : 0;
}
