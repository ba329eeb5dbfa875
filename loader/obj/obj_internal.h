/* loader/obj/obj_internal.h — shared between the parts of obj_parse (obj.c, loader/obj/maps.c,
 * loader/obj/externs.c, loader/obj/relocs.c). Not for other modules. */
#ifndef RAWLOAD_OBJ_INTERNAL_H
#define RAWLOAD_OBJ_INTERNAL_H

#include "loader/obj/obj.h"

/* Index into o->codes of ELF section sec, or -1. */
int obj_code_of_section(const struct obj *o, uint32_t sec);
/* Index into o->funcs of the function starting at (code, insn), or -1. */
int obj_func_at(const struct obj *o, uint32_t code, uint32_t insn);
/* Index into o->maps of the map defined at (sec, off), or -1. */
int obj_map_at(const struct obj *o, uint32_t sec, uint64_t off);
/* Index into o->maps of the global-data map for ELF section sec, or -1. */
int obj_data_map_of_section(const struct obj *o, uint32_t sec);

/* Index into o->maps of the BTF-defined map whose definition holds byte off of section sec (the
 * one starting last at or before it), or -1. */
int obj_btf_map_owning(const struct obj *o, uint32_t sec, uint64_t off);
/* First type of kind and name in the object's BTF, or 0 (btf_find through the index). */
uint32_t obj_btf_find(const struct obj *o, uint32_t kind, const char *name);

/* The indexes (loader/obj/index.c), (re)built as obj_parse reaches what they index; each returns
 * 0 or -ENOMEM with d set. obj_close frees them. */
int obj_index_codes(struct obj *o, struct diag *d);   /* after the code sections */
int obj_index_btf(struct obj *o, struct diag *d);     /* after the BTF */
int obj_index_progs(struct obj *o, struct diag *d);   /* after the programs */
int obj_index_maps(struct obj *o, struct diag *d);    /* after every map (the .kconfig one too) */
int obj_index_externs(struct obj *o, struct diag *d); /* after the externs */
void obj_index_free(struct obj *o);

/* Binary search in relocs[0..n), sorted by (code, insn). */
const struct obj_reloc *obj_reloc_search(const struct obj_reloc *relocs, uint32_t n, uint32_t code,
					 uint32_t insn);

/* Append a zeroed map named name; returns its index or a negative errno. Pointers into o->maps
 * do not survive this call. (loader/obj/maps.c) */
int obj_add_map(struct obj *o, const char *name, struct diag *d);
/* libbpf's name for the internal map of section sec (".bss", ".kconfig", ...). (loader/obj/maps.c) */
void obj_data_map_name(const char *obj_name, const char *sec, char out[16]);

int obj_parse_maps(struct obj *o, struct diag *d);      /* loader/obj/maps.c */
int obj_parse_externs(struct obj *o, struct diag *d);   /* loader/obj/externs.c, after maps */
/* The unresolved symbol called name, or NULL (o->unresolved is sorted by name). (externs.c) */
const struct obj_unresolved *obj_find_unresolved(const struct obj *o, const char *name);
int obj_parse_inits(struct obj *o, struct diag *d);     /* loader/obj/maps.c, after programs */
int obj_parse_relocs(struct obj *o, struct diag *d);    /* loader/obj/relocs.c */
int obj_parse_struct_ops(struct obj *o, struct diag *d); /* loader/obj/struct_ops.c, after maps */

#endif
