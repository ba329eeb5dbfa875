/* bpf/bpf_core_read.h — rawload's CO-RE header, source-compatible with libbpf's for the names
 * programs use: bpf_core_read(), BPF_CORE_READ() chains, BPF_CORE_READ_INTO(), the _STR_ and _USER
 * variants, BPF_CORE_READ_BITFIELD(_PROBED)(), bpf_core_field_*(), bpf_core_type_*() and
 * bpf_core_enum_value*(). Each expands to clang's CO-RE builtins, which record a .BTF.ext
 * relocation that the loader resolves against the running kernel's BTF (rawload: btf/core.c).
 * Written for rawload; the numbering of the builtins' kind arguments is clang's. */
#ifndef RAWLOAD_BPF_CORE_READ_H
#define RAWLOAD_BPF_CORE_READ_H

/* Second argument of __builtin_preserve_field_info(). */
enum bpf_field_info_kind {
	BPF_FIELD_BYTE_OFFSET = 0,
	BPF_FIELD_BYTE_SIZE = 1,
	BPF_FIELD_EXISTS = 2,
	BPF_FIELD_SIGNED = 3,
	BPF_FIELD_LSHIFT_U64 = 4,
	BPF_FIELD_RSHIFT_U64 = 5,
};

/* Second argument of __builtin_btf_type_id(). */
enum bpf_type_id_kind {
	BPF_TYPE_ID_LOCAL = 0,
	BPF_TYPE_ID_TARGET = 1,
};

/* Second argument of __builtin_preserve_type_info(). */
enum bpf_type_info_kind {
	BPF_TYPE_EXISTS = 0,
	BPF_TYPE_SIZE = 1,
	BPF_TYPE_MATCHES = 2,
};

/* Second argument of __builtin_preserve_enum_value(). */
enum bpf_enum_value_kind {
	BPF_ENUMVAL_EXISTS = 0,
	BPF_ENUMVAL_VALUE = 1,
};

/* Argument counting and pasting, for the variadic forms below (up to 9 arguments). */
#define ___rl_cat_(a, b) a##b
#define ___rl_cat(a, b) ___rl_cat_(a, b)
#define ___rl_nth(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, N, ...) N
#define ___rl_narg(...) ___rl_nth(_, ##__VA_ARGS__, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)

/* bpf_core_field_*(s->a.b) or, as in newer libbpf, bpf_core_field_*(type, a.b). */
#define ___rl_field_ref1(field) (field)
#define ___rl_field_ref2(type, field) (((typeof(type) *)0)->field)
#define ___rl_field_ref(...) ___rl_cat(___rl_field_ref, ___rl_narg(__VA_ARGS__))(__VA_ARGS__)

#define bpf_core_field_exists(...) __builtin_preserve_field_info(___rl_field_ref(__VA_ARGS__), BPF_FIELD_EXISTS)
#define bpf_core_field_size(...) __builtin_preserve_field_info(___rl_field_ref(__VA_ARGS__), BPF_FIELD_BYTE_SIZE)
#define bpf_core_field_offset(...) __builtin_preserve_field_info(___rl_field_ref(__VA_ARGS__), BPF_FIELD_BYTE_OFFSET)

#define bpf_core_type_id_local(type) __builtin_btf_type_id(*(typeof(type) *)0, BPF_TYPE_ID_LOCAL)
#define bpf_core_type_id_kernel(type) __builtin_btf_type_id(*(typeof(type) *)0, BPF_TYPE_ID_TARGET)
#define bpf_core_type_exists(type) __builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_EXISTS)
#define bpf_core_type_matches(type) __builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_MATCHES)
#define bpf_core_type_size(type) __builtin_preserve_type_info(*(typeof(type) *)0, BPF_TYPE_SIZE)

#define bpf_core_enum_value_exists(enum_type, enumerator) \
	__builtin_preserve_enum_value(*(typeof(enum_type) *)enumerator, BPF_ENUMVAL_EXISTS)
#define bpf_core_enum_value(enum_type, enumerator) \
	__builtin_preserve_enum_value(*(typeof(enum_type) *)enumerator, BPF_ENUMVAL_VALUE)

/* A bit-field read through bpf_probe_read_kernel(): load the bytes the field spans, then shift it
 * into place; offsets, size and shifts all come from relocations. */
#define BPF_CORE_READ_BITFIELD_PROBED(s, field)                                                          \
	({                                                                                               \
		unsigned long long ___rl_v = 0;                                                          \
		unsigned int ___rl_sz = __builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_SIZE);  \
		bpf_probe_read_kernel((char *)&___rl_v + (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 8 - ___rl_sz : 0), \
				      ___rl_sz,                                                          \
				      (const char *)(s) +                                                \
					      __builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_OFFSET)); \
		___rl_v <<= __builtin_preserve_field_info((s)->field, BPF_FIELD_LSHIFT_U64);            \
		if (__builtin_preserve_field_info((s)->field, BPF_FIELD_SIGNED))                        \
			___rl_v = (long long)___rl_v >>                                                  \
				  __builtin_preserve_field_info((s)->field, BPF_FIELD_RSHIFT_U64);       \
		else                                                                                     \
			___rl_v >>= __builtin_preserve_field_info((s)->field, BPF_FIELD_RSHIFT_U64);    \
		___rl_v;                                                                                 \
	})

/* The same for memory a program may read directly (BTF-typed pointers, tp_btf/ and fentry/). */
#define BPF_CORE_READ_BITFIELD(s, field)                                                                 \
	({                                                                                               \
		const void *___rl_p = (const void *)(s) +                                                \
				      __builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_OFFSET);  \
		unsigned long long ___rl_v;                                                              \
		switch (__builtin_preserve_field_info((s)->field, BPF_FIELD_BYTE_SIZE)) {                \
		case 1: ___rl_v = *(const unsigned char *)___rl_p; break;                                \
		case 2: ___rl_v = *(const unsigned short *)___rl_p; break;                               \
		case 4: ___rl_v = *(const unsigned int *)___rl_p; break;                                 \
		case 8: ___rl_v = *(const unsigned long long *)___rl_p; break;                           \
		default: ___rl_v = 0; break;                                                             \
		}                                                                                        \
		___rl_v <<= __builtin_preserve_field_info((s)->field, BPF_FIELD_LSHIFT_U64);            \
		if (__builtin_preserve_field_info((s)->field, BPF_FIELD_SIGNED))                        \
			___rl_v = (long long)___rl_v >>                                                  \
				  __builtin_preserve_field_info((s)->field, BPF_FIELD_RSHIFT_U64);       \
		else                                                                                     \
			___rl_v >>= __builtin_preserve_field_info((s)->field, BPF_FIELD_RSHIFT_U64);    \
		___rl_v;                                                                                 \
	})

/* One relocated read: src is an address expression (&s->a.b) whose field offsets are recorded. */
#define bpf_core_read(dst, sz, src) \
	bpf_probe_read_kernel(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_user(dst, sz, src) \
	bpf_probe_read_user(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_str(dst, sz, src) \
	bpf_probe_read_kernel_str(dst, sz, (const void *)__builtin_preserve_access_index(src))
#define bpf_core_read_user_str(dst, sz, src) \
	bpf_probe_read_user_str(dst, sz, (const void *)__builtin_preserve_access_index(src))
/* Plain reads, no relocation (BPF_PROBE_READ*). */
#define ___rl_probe_read(dst, sz, src) bpf_probe_read_kernel(dst, sz, (const void *)(src))
#define ___rl_probe_read_user(dst, sz, src) bpf_probe_read_user(dst, sz, (const void *)(src))
#define ___rl_probe_read_str(dst, sz, src) bpf_probe_read_kernel_str(dst, sz, (const void *)(src))
#define ___rl_probe_read_user_str(dst, sz, src) bpf_probe_read_user_str(dst, sz, (const void *)(src))

/* Pointer chains: s->a->b->c reads s->a, then (that)->b, then (that)->c, each through `rd`; the
 * last step with `last` into dst. The n-th step's temporary is named after n, so no step's
 * declaration shadows the one it reads from. A step may itself be a member path (a.b). */
/* (void *): the destination may be typed const (typeof a const member); it is written all the same. */
#define ___rl_into1(rd, last, dst, s, a) last((void *)(dst), sizeof(*(dst)), &((s)->a))
#define ___rl_step(n, rd, s, a) \
	typeof((s)->a) ___rl_t##n; rd((void *)&___rl_t##n, sizeof(___rl_t##n), &((s)->a))
#define ___rl_into2(rd, last, dst, s, a, ...) ({ ___rl_step(2, rd, s, a); ___rl_into1(rd, last, dst, ___rl_t2, __VA_ARGS__); })
#define ___rl_into3(rd, last, dst, s, a, ...) ({ ___rl_step(3, rd, s, a); ___rl_into2(rd, last, dst, ___rl_t3, __VA_ARGS__); })
#define ___rl_into4(rd, last, dst, s, a, ...) ({ ___rl_step(4, rd, s, a); ___rl_into3(rd, last, dst, ___rl_t4, __VA_ARGS__); })
#define ___rl_into5(rd, last, dst, s, a, ...) ({ ___rl_step(5, rd, s, a); ___rl_into4(rd, last, dst, ___rl_t5, __VA_ARGS__); })
#define ___rl_into6(rd, last, dst, s, a, ...) ({ ___rl_step(6, rd, s, a); ___rl_into5(rd, last, dst, ___rl_t6, __VA_ARGS__); })
#define ___rl_into7(rd, last, dst, s, a, ...) ({ ___rl_step(7, rd, s, a); ___rl_into6(rd, last, dst, ___rl_t7, __VA_ARGS__); })
#define ___rl_into8(rd, last, dst, s, a, ...) ({ ___rl_step(8, rd, s, a); ___rl_into7(rd, last, dst, ___rl_t8, __VA_ARGS__); })
#define ___rl_into9(rd, last, dst, s, a, ...) ({ ___rl_step(9, rd, s, a); ___rl_into8(rd, last, dst, ___rl_t9, __VA_ARGS__); })
#define ___rl_into(rd, last, dst, s, ...) \
	___rl_cat(___rl_into, ___rl_narg(__VA_ARGS__))(rd, last, dst, s, __VA_ARGS__)

/* The type at the end of a chain: typeof(s->a->b->c). */
#define ___rl_arrow1(s, a) (s)->a
#define ___rl_arrow2(s, a, ...) ___rl_arrow1((s)->a, __VA_ARGS__)
#define ___rl_arrow3(s, a, ...) ___rl_arrow2((s)->a, __VA_ARGS__)
#define ___rl_arrow4(s, a, ...) ___rl_arrow3((s)->a, __VA_ARGS__)
#define ___rl_arrow5(s, a, ...) ___rl_arrow4((s)->a, __VA_ARGS__)
#define ___rl_arrow6(s, a, ...) ___rl_arrow5((s)->a, __VA_ARGS__)
#define ___rl_arrow7(s, a, ...) ___rl_arrow6((s)->a, __VA_ARGS__)
#define ___rl_arrow8(s, a, ...) ___rl_arrow7((s)->a, __VA_ARGS__)
#define ___rl_arrow9(s, a, ...) ___rl_arrow8((s)->a, __VA_ARGS__)
#define ___rl_type(s, ...) typeof(___rl_cat(___rl_arrow, ___rl_narg(__VA_ARGS__))(s, __VA_ARGS__))

#define BPF_CORE_READ_INTO(dst, src, a, ...) ___rl_into(bpf_core_read, bpf_core_read, dst, src, a, ##__VA_ARGS__)
#define BPF_CORE_READ_USER_INTO(dst, src, a, ...) \
	___rl_into(bpf_core_read_user, bpf_core_read_user, dst, src, a, ##__VA_ARGS__)
#define BPF_PROBE_READ_INTO(dst, src, a, ...) ___rl_into(___rl_probe_read, ___rl_probe_read, dst, src, a, ##__VA_ARGS__)
#define BPF_PROBE_READ_USER_INTO(dst, src, a, ...) \
	___rl_into(___rl_probe_read_user, ___rl_probe_read_user, dst, src, a, ##__VA_ARGS__)
/* The _STR_ forms read the last step as a string of at most sizeof(*dst) bytes (dst points to
 * an array, as in libbpf: BPF_CORE_READ_STR_INTO(&ev->comm, task, comm)). */
#define BPF_CORE_READ_STR_INTO(dst, src, a, ...) \
	___rl_into(bpf_core_read, ___rl_str_last, dst, src, a, ##__VA_ARGS__)
#define BPF_CORE_READ_USER_STR_INTO(dst, src, a, ...) \
	___rl_into(bpf_core_read_user, ___rl_user_str_last, dst, src, a, ##__VA_ARGS__)
#define BPF_PROBE_READ_STR_INTO(dst, src, a, ...) \
	___rl_into(___rl_probe_read, ___rl_probe_str_last, dst, src, a, ##__VA_ARGS__)
#define ___rl_str_last(dst, sz, src) bpf_core_read_str(dst, sz, src)
#define ___rl_user_str_last(dst, sz, src) bpf_core_read_user_str(dst, sz, src)
#define ___rl_probe_str_last(dst, sz, src) ___rl_probe_read_str(dst, sz, src)

/* The value at the end of a chain. */
#define BPF_CORE_READ(src, a, ...)                                                                  \
	({                                                                                          \
		___rl_type((src), a, ##__VA_ARGS__) ___rl_r;                                        \
		BPF_CORE_READ_INTO(&___rl_r, (src), a, ##__VA_ARGS__);                              \
		___rl_r;                                                                            \
	})
#define BPF_CORE_READ_USER(src, a, ...)                                                             \
	({                                                                                          \
		___rl_type((src), a, ##__VA_ARGS__) ___rl_r;                                        \
		BPF_CORE_READ_USER_INTO(&___rl_r, (src), a, ##__VA_ARGS__);                         \
		___rl_r;                                                                            \
	})
#define BPF_PROBE_READ(src, a, ...)                                                                 \
	({                                                                                          \
		___rl_type((src), a, ##__VA_ARGS__) ___rl_r;                                        \
		BPF_PROBE_READ_INTO(&___rl_r, (src), a, ##__VA_ARGS__);                             \
		___rl_r;                                                                            \
	})

#endif
