/* loader/obj/obj.h — the object model: what an ELF BPF object contains, as data, with no kernel
 * involved. Built by obj_parse() from the file bytes (pure, deterministic: the same file gives the
 * same model on any machine, in either byte order). `rawload inspect` prints it; the load passes
 * (loader/load/load.h) turn it into kernel objects. Strings point into the file or into the model; the
 * model borrows the file bytes, which must outlive it. */
#ifndef RAWLOAD_OBJ_H
#define RAWLOAD_OBJ_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"
#include "btf/ext.h"
#include "common/diag.h"
#include "elf/elf.h"
#include "loader/obj/secdef.h"

/* An executable section: its instructions in host byte order. */
struct obj_code {
	uint32_t sec;                  /* ELF section index */
	const char *name;
	const struct bpf_insn *insns;  /* into the file when its order is the host's, else owned */
	uint32_t count;
	bool owned;
};

/* A function: a program's entry or a subprogram (in .text, or static inside a program section). */
struct obj_func {
	const char *name;
	uint32_t code;                 /* index into obj.codes */
	uint32_t first, count;         /* instruction range inside the section */
	bool global;                   /* STB_GLOBAL/WEAK symbol */
	int prog;                      /* index into obj.progs when this is a program's entry, else -1 */
};

struct obj_prog {
	const char *name;
	uint32_t func;                 /* index into obj.funcs */
	const char *sec_name;
	const struct secdef *def;      /* NULL: section name not known (kept and reported) */
	const char *target;            /* attach target from the section name, "" when none */
	const struct secdef_legacy *legacy; /* the old prefix rule that gave def ("xdp" for section
	                                * "xdp_vlan01"), NULL when a current name matched (or none) */
	char *forced;                  /* owned: the section name --type gave it ("sk_skb/stream_verdict"),
	                                * which def and target come from; NULL when its section decided */
};

enum obj_map_origin {
	MAP_BTF,      /* a variable in the BTF-defined .maps section */
	MAP_LEGACY,   /* a struct bpf_map_def record in the "maps" section */
	MAP_DATA,     /* global data section (.data, .rodata, .bss, .data.*, ...) as an ARRAY map */
	MAP_INNER,    /* template for a map-in-map's inner maps ("outer.inner") */
	MAP_STRUCT_OPS, /* a variable in .struct_ops / .struct_ops.link: a kernel ops table (obj.st_ops) */
};

enum obj_data_kind {
	DATA_NONE, DATA_DATA, DATA_RODATA, DATA_BSS,
	DATA_KCONFIG, /* the __kconfig externs: values from the running kernel, written at load, frozen */
};

/* Legacy pinning values: libbpf's LIBBPF_PIN_BY_NAME is 1; iproute2's PIN_OBJECT_NS is 1 and
 * PIN_GLOBAL_NS 2. The origin tells them apart. */
enum { PIN_NONE = 0, PIN_BY_NAME = 1, PIN_IPROUTE2_OBJECT_NS = 1, PIN_IPROUTE2_GLOBAL_NS = 2 };

struct obj_map {
	char *name;                    /* owned; full name (kernel gets at most 15 chars) */
	enum obj_map_origin origin;
	enum obj_data_kind data;       /* for MAP_DATA */
	uint32_t type, key_size, value_size, max_entries, flags, numa_node, pinning;
	uint64_t map_extra;
	uint32_t btf_key, btf_value;   /* BTF type ids of key and value (0: none) */
	int inner;                     /* index of the MAP_INNER template, -1 when none */
	int legacy_inner_idx;          /* 28-byte legacy layout's inner_map_idx, -1 when none */
	uint32_t sec;                  /* ELF section defining it (0 for MAP_INNER) */
	uint64_t sec_off;              /* its symbol's offset in that section */
	const uint8_t *init;           /* MAP_DATA: initial image (value_size bytes), NULL for .bss */
	uint32_t first_init, ninit;    /* static initialisers: obj.inits[first_init .. +ninit) */
	uint32_t values_off;           /* MAP_BTF: byte offset of `values` in the definition, or UINT32_MAX */
};

/* One slot of a map's static `.values = { [slot] = &x }` initialiser. */
struct obj_init {
	uint32_t map;                  /* the map being initialised (index into obj.maps) */
	uint32_t slot;
	bool is_prog;                  /* prog array: index is a program; map-in-map: a map */
	uint32_t index;                /* into obj.progs or obj.maps */
};

enum obj_reloc_kind {
	RELOC_MAP,       /* ld_imm64 of a map: BPF_PSEUDO_MAP_FD */
	RELOC_DATA,      /* ld_imm64 of global data: BPF_PSEUDO_MAP_VALUE + offset */
	RELOC_CALL,      /* bpf-to-bpf call (from an ELF relocation, or pc-relative in one section) */
	RELOC_FUNC,      /* ld_imm64 of a function's address (callback): BPF_PSEUDO_FUNC */
	RELOC_EXTERN,    /* a __ksym variable or address, or a kfunc call (a __kconfig extern is
	                  * RELOC_DATA into the .kconfig map) */
	RELOC_BAD,       /* a reference the model cannot resolve: an undefined symbol that is no extern,
	                  * a symbol in a section that is neither map, data nor code, a relocation on
	                  * the wrong instruction. `why` says which; the programs that reach this
	                  * instruction cannot load, the others can. */
};

struct obj_reloc {
	uint32_t code;         /* index into obj.codes */
	uint32_t insn;         /* instruction index inside that section */
	enum obj_reloc_kind kind;
	const char *sym;       /* the symbol named (for calls: the target function) */
	uint32_t map;          /* RELOC_MAP/RELOC_DATA: index into obj.maps */
	uint32_t offset;       /* RELOC_DATA: byte offset inside the map's value */
	uint32_t func;         /* RELOC_CALL/RELOC_FUNC: index into obj.funcs */
	uint32_t ext;          /* RELOC_EXTERN (and RELOC_DATA of a __kconfig): index into obj.externs */
	bool implicit;         /* RELOC_CALL without an ELF relocation (static call in one section) */
	char *why;             /* RELOC_BAD: what is wrong, one line starting with "SECTION+INSN: " (owned) */
};

/* A function-pointer member of a struct_ops variable set to a program (an ELF relocation in the
 * section: `.init = (void *)rl_init`). */
struct obj_st_func {
	const char *member;            /* its name in the object's struct */
	uint32_t index;                /* its member index in the object's struct */
	uint32_t offset;               /* its byte offset in the struct */
	uint32_t prog;                 /* index into obj.progs (a struct_ops program) */
};

/* BPF_F_LINK, the map flag of a struct_ops map registered through a link: kernel 6.4, newer than
 * the 6.1 UAPI headers this builds against. */
enum { OBJ_MAP_F_LINK = 1u << 13 };

/* A variable of .struct_ops or .struct_ops.link: a kernel ops table (tcp_congestion_ops, ...) to
 * fill with programs and register. The kernel's own layout of the type is looked up at load by
 * the struct's name; the object's layout says where each value and pointer is here. */
struct obj_struct_ops {
	uint32_t map;                  /* its map: index into obj.maps (type STRUCT_OPS) */
	const char *type_name;         /* the struct's name, the kernel type it stands for */
	uint32_t type_id;              /* that struct in the object's BTF */
	const uint8_t *data;           /* its initial value: size bytes in the file (file byte order) */
	uint32_t size;
	bool link;                     /* .struct_ops.link: registered through a bpf_link (BPF_F_LINK) */
	uint32_t first_func, nfuncs;   /* its programs: obj.st_funcs[first_func .. +nfuncs) */
};

/* An undefined symbol the program uses, by what its BTF says it is (libbpf's conventions). */
enum obj_extern_kind {
	EXT_KCONFIG,       /* extern ... __kconfig: a value of the kernel's config (or LINUX_*) */
	EXT_KSYM,          /* extern ... __ksym with a type: a kernel variable, by its BTF id */
	EXT_KSYM_TYPELESS, /* extern const void x __ksym: a kernel symbol's address (kallsyms) */
	EXT_KFUNC,         /* an extern function __ksym: a kernel function called as a kfunc */
};

/* How a __kconfig value is written into the .kconfig map. */
enum obj_kcfg_type { KCFG_BOOL, KCFG_CHAR, KCFG_TRISTATE, KCFG_INT, KCFG_STRING };

/* An undefined symbol no extern can be made of (its BTF says neither __kconfig nor __ksym, or
 * gives it a type the loader cannot fill): the relocations that use it become RELOC_BAD. */
struct obj_unresolved {
	const char *name;
	char *why;                     /* owned: "extern 'x': neither __kconfig nor __ksym (...)" */
};

struct obj_extern {
	const char *name;
	enum obj_extern_kind kind;
	bool weak;                     /* __weak: may be missing (reads as 0) */
	uint32_t btf_id;               /* its VAR or FUNC in the object's BTF */
	uint32_t type_id;              /* the VAR's type or the FUNC's prototype */
	enum obj_kcfg_type kcfg;       /* EXT_KCONFIG only, likewise below */
	bool kcfg_signed;              /* KCFG_INT */
	uint32_t size;                 /* bytes: 1, 2, 4 or 8; a char array's length */
	uint32_t offset;               /* in the .kconfig map */
};

struct obj {
	struct elf_file elf;
	bool has_btf, has_ext;
	struct btf_spec btf;           /* .BTF with DATASEC sizes and offsets filled in from the ELF
	                                * (clang leaves them to the loader); parsed from btf_blob */
	uint8_t *btf_blob;             /* owned: that BTF as one host-order blob, ready for BTF_LOAD */
	uint32_t btf_blob_size;
	struct btf_ext_spec ext;
	char name[64];                 /* object name: file basename up to its first dot */
	const char *license;           /* "license" section, or NULL */
	uint32_t kern_version;         /* "version" section, or 0 */
	struct obj_code *codes;
	uint32_t ncodes;
	struct obj_func *funcs;
	uint32_t nfuncs;
	struct obj_prog *progs;
	uint32_t nprogs;
	struct obj_map *maps;
	uint32_t nmaps;
	struct obj_init *inits;
	uint32_t ninits;
	struct obj_extern *externs;
	uint32_t nexterns;
	struct obj_unresolved *unresolved;
	uint32_t nunresolved;
	int kconfig_map;               /* index of the .kconfig map, -1 when no __kconfig extern */
	struct obj_struct_ops *st_ops; /* struct_ops variables, in section and offset order */
	uint32_t nst_ops;
	struct obj_st_func *st_funcs;  /* their program members, grouped per variable */
	uint32_t nst_funcs;
	struct obj_reloc *relocs;      /* sorted by (code, insn) */
	uint32_t nrelocs;
	const char *unsupported;       /* a section whose meaning rawload cannot load yet
	                                * (".addr_space.1"), or NULL; the load refuses the object */
	struct obj_index *ix;          /* lookups by name and place, built by obj_parse (loader/obj/index.c);
	                                * NULL in a hand-made model: lookups scan */
};

/* Build the model of the object in data[0..size). path gives the object name. The bytes must
 * outlive the model. Returns 0, or a negative errno with d filled; on error nothing is left to
 * free. What concerns one program only (an undefined symbol, a reference into a section that is
 * no map, data or code, a call that lands nowhere) does not fail the parse: it becomes a RELOC_BAD
 * relocation, and that program's problem (reloc_prog_problem). */
int obj_parse(struct obj *o, const char *path, const uint8_t *data, size_t size, struct diag *d);
void obj_close(struct obj *o);

/* --type TYPE[:ATTACH] for program prog: its type, attach type and target become those of the
 * section name TYPE/ATTACH (secdef_from_type), whatever its own section says. Returns 0, or -EINVAL
 * with d set ("--type 'x': ...") when that names nothing, -ENOMEM. */
int obj_force_type(struct obj *o, uint32_t prog, const char *type, struct diag *d);

/* Lookups by name; -1 when absent. */
int obj_find_map(const struct obj *o, const char *name);
int obj_find_prog(const struct obj *o, const char *name);
int obj_find_extern(const struct obj *o, const char *name);
/* Where a MAP_DATA map's contents come from: its ELF section's name, or ".kconfig". */
const char *obj_map_source(const struct obj *o, const struct obj_map *m);
const char *obj_extern_kind_name(enum obj_extern_kind kind);
/* The relocation at (code, insn), or NULL. */
const struct obj_reloc *obj_reloc_at(const struct obj *o, uint32_t code, uint32_t insn);

static inline bool insn_is_ld_imm64(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_IMM | BPF_DW);
}
static inline bool insn_is_call(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_CALL);
}

const char *obj_map_type_name(uint32_t type);
const char *obj_reloc_kind_name(enum obj_reloc_kind kind);

#endif
