/* tests/unit/obj_expect.h — checking an object model against facts written by hand: open and
 * parse a test object (struct lobj), compare its programs, maps and relocations with tables of
 * expectations (each mismatch a failed check), and name the test objects in both byte orders. */
#ifndef RAWLOAD_OBJ_EXPECT_H
#define RAWLOAD_OBJ_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"
#include "loader/obj/obj.h"

#define N(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

/* A test object: its bytes and its model. */
struct lobj {
	const char *rel;
	uint8_t *buf;
	size_t size;
	struct obj o;
	struct diag d;
	int err;
};

/* Parse rel (relative to RAWLOAD_ROOT); on failure records a failed check. Returns 0 or l->err. */
int lopen(struct lobj *l, const char *rel);
/* Frees what lopen made, after success or failure. */
void lclose(struct lobj *l);
/* The BTF name of type id ("(none)" for none or no BTF, "(bad id)") and its kind (0xffff: none). */
const char *type_name(const struct obj *o, uint32_t id);
uint32_t type_kind(const struct obj *o, uint32_t id);

/* ---- expectations ----------------------------------------------------------------------------- */

struct prog_exp {
	const char *name, *sec;
	uint32_t first, count;   /* instruction range in the section (symbol value / 8, size / 8) */
	uint32_t prog_type;
	enum attach_kind attach;
	const char *target;
};

/* The model has exactly these n programs, each as described. */
void check_progs(const struct lobj *l, const struct prog_exp *e, uint32_t n);

struct map_exp {
	const char *name;
	enum obj_map_origin origin;
	uint32_t type, key_size, value_size, max_entries, flags, pinning;
	uint64_t map_extra;
	const char *key_type, *value_type; /* BTF names, NULL: no type id */
	uint64_t sec_off;
};

/* Map e->name is in the model as described. */
void check_map(const struct lobj *l, const struct map_exp *e);

struct reloc_exp {
	const char *code;
	uint32_t insn;
	enum obj_reloc_kind kind;
	const char *sym;
	const char *target; /* map name (MAP/DATA) or function name (CALL/FUNC) */
	uint32_t offset;    /* DATA */
	bool implicit;
};

/* The model has exactly these n relocations (and they are sorted). */
void check_relocs(const struct lobj *l, const struct reloc_exp *e, uint32_t n);

/* Object name, license, no kernel version, BTF and .BTF.ext present, ncodes code sections, and the
 * byte order its path says. */
void check_common(const struct lobj *l, const char *name, const char *license, uint32_t ncodes);
void check_no_maps(const struct lobj *l);

/* ---- the test objects ------------------------------------------------------------------------- */

/* build/progs/STEM.bpfel.o (order 0) or .bpfeb.o (1) into buf[n]. */
void path_of(char *buf, size_t n, const char *stem, int order);
/* examples: examples/NAME.o (k 0, bpfel on this host) and build/progs/NAME.bpfeb.o (k 1); returns buf. */
const char *ex_path(const char *stem, int k, char *buf, size_t n);

#endif
