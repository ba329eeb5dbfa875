/* loader/load/struct_ops.h — struct_ops maps in the load: the kernel's layout of each ops type the
 * object fills (`<type>` and `bpf_struct_ops_<type>` in the kernel's BTF), the object's members
 * mapped onto it by name, and what each struct_ops program is loaded as (attach_btf_id = the
 * kernel's struct, expected_attach_type = the member's index). The value image is kept for the
 * attach step, which puts the program fds in and registers it (loader/attach/struct_ops.c). */
#ifndef RAWLOAD_LOAD_STRUCT_OPS_H
#define RAWLOAD_LOAD_STRUCT_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/diag.h"
#include "loader/load/load.h"

struct sys_map_def;

/* A function pointer of the kernel's value that gets a program's fd. */
struct load_st_slot {
	uint32_t offset;        /* in the value (bpf_struct_ops_<type>) */
	uint32_t prog;          /* index into obj.progs */
};

/* One struct_ops map (per obj.st_ops), laid out the kernel's way. */
struct load_struct_ops {
	uint32_t value_type_id; /* bpf_struct_ops_<type> in the kernel's BTF: btf_vmlinux_value_type_id */
	uint32_t value_size;    /* its size: the map's value size */
	uint32_t type_id;       /* <type> in the kernel's BTF: the programs' attach_btf_id */
	uint8_t *image;         /* value_size bytes: the object's data members at the kernel's offsets,
	                         * pointer slots zero; owned */
	struct load_st_slot *slots; /* owned */
	uint32_t nslots;
};

/* What a struct_ops program is loaded as (per obj.progs). */
struct load_st_prog {
	bool used;              /* some struct_ops map that was laid out points to it */
	const char *refused_map; /* else, a map pointing to it that was refused (its name), or NULL */
	uint32_t btf_id;        /* attach_btf_id: the kernel's ops struct */
	uint32_t member;        /* expected_attach_type: the member's index in that struct */
	uint32_t st;            /* the first map using it: index into obj.st_ops */
	const char *member_name;
};

/* The kernel's layout of every struct_ops map of the object, from its BTF: fills l->st_ops and
 * l->st_progs. A map that cannot be laid out is refused (load_refuse_map) with why: the kernel has
 * no such ops type ("this kernel has no struct_ops type sched_ext_ops ..."), a member set in the
 * object is missing in the kernel's type or differs in kind or size, the kernel's BTF or the
 * object's cannot be had. Returns 0, or -ENOMEM with d set. */
int load_struct_ops_resolve(struct loaded *l, const struct load_opts *opts, struct diag *d);
/* The kernel-side definition of struct_ops map i: the kernel's value size and type id, the
 * object's BTF (the kernel wants it, with no key/value ids). */
void load_struct_ops_map_def(const struct loaded *l, uint32_t i, struct sys_map_def *def);
/* For struct_ops program i: 0 with *btf_id and *member set; 1 when no map that was laid out uses
 * it: then *refused_map (if given) names a refused map that would have, else NULL (no map uses it:
 * it is not loaded, as libbpf leaves such programs alone). */
int load_struct_ops_prog(const struct loaded *l, uint32_t i, uint32_t *btf_id, uint32_t *member,
			 const char **refused_map);
void load_struct_ops_free(struct loaded *l);

#endif
