/* tests/tools/genobj.h — BPF objects of any size, written as ELF bytes directly (no clang): N XDP or
 * tracepoint programs, N maps (BTF-defined in .maps, or legacy records in "maps"), N global
 * variables in .bss, N kfunc externs, a prog array initialised with every program, with the BTF and
 * the .BTF.ext func_info/line_info a compiler would emit. For the parse-scaling benchmark
 * (bench/), the scaling unit test and the large-object CLI test. Host byte order, little or big. */
#ifndef RAWLOAD_GENOBJ_H
#define RAWLOAD_GENOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct genobj_opts {
	uint32_t progs;        /* programs: each loads its map (if any), calls its kfunc (if any),
	                        * returns 2 (XDP_PASS) */
	uint32_t btf_maps;     /* BTF-defined ARRAY maps in .maps (at most 65535: a DATASEC's vlen) */
	uint32_t legacy_maps;  /* 20-byte struct bpf_map_def records in "maps" */
	uint32_t bss_vars;     /* 4-byte globals in .bss (at most 65535 with BTF) */
	uint32_t kfuncs;       /* extern kfuncs (__ksym) in .ksyms (at most 65535) */
	bool prog_array;       /* one more BTF map: a PROG_ARRAY whose `values` hold every program */
	bool btf;              /* emit .BTF and .BTF.ext (func_info and line_info per program) */
	bool section_per_prog; /* each program in its own section "tp/gen/pN" (at most 65000), else
	                        * all in one "xdp" section */
};

/* Build the object; *out is malloc'd (*len bytes). Program i references map i % maps (BTF maps
 * first, then legacy), variable i % vars and kfunc i % kfuncs. Returns 0 or -1 (a count out of
 * range, or out of memory). */
int genobj_build(const struct genobj_opts *o, uint8_t **out, size_t *len);

#endif
