/* loader/load/kbtf.c — the running kernel's BTF in the load: reading it once (mapped where the
 * kernel allows), and the CO-RE pass that resolves a program's records against it (btf/core.c
 * computes, loader/load/reloc.c rewrites; this file narrates and decides which BTF to use). */
#include "loader/load/load_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf/core.h"

void *load_read_fd(int fd, size_t hint, size_t max, size_t *len)
{
	size_t cap = hint ? hint : 4096, n = 0;
	char *buf = malloc(cap + 1), extra;
	int e = ENOMEM;
	while (buf) {
		ssize_t r = n < cap ? read(fd, buf + n, cap - n) : read(fd, &extra, 1);
		if (r == 0) { /* the end: a right-sized hint never grows the buffer */
			buf[n] = '\0';
			*len = n;
			return buf;
		}
		if (r < 0) {
			e = errno;
			break;
		}
		if (n < cap) {
			n += (size_t)r;
			continue;
		}
		char *p = cap < max ? realloc(buf, cap * 2 + 1) : NULL;
		if (!p) {
			e = cap < max ? ENOMEM : EFBIG;
			break;
		}
		buf = p;
		cap *= 2;
		buf[n++] = extra;
	}
	free(buf);
	errno = e;
	return NULL;
}

/* The kernel's BTF, when a program needs the id of a kernel function or tracepoint, or has CO-RE
 * records. Kernels since 6.16 let /sys/kernel/btf/vmlinux be mapped read-only: no copy of its
 * megabytes, and only the pages a lookup touches become ours. Older ones refuse the mmap; then it
 * is read whole, into a buffer sized by fstat (sysfs gives the size) and grown if that was short. */
int load_vmlinux_btf(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	static const char path[] = "/sys/kernel/btf/vmlinux";
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool mapped = false;

	if (l->vmlinux)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, -errno, "%s: %s (the kernel has no BTF)", path, strerror(errno));
	size_t cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 8 << 20;
	if (st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p != MAP_FAILED) {
			buf = p;
			len = (size_t)st.st_size;
			mapped = true;
		}
		narrate(opts->say, "kernel BTF: %s, %zu bytes, %s", path, cap,
			mapped ? "mapped" : "mmap refused, reading it");
	}
	if (!mapped)
		buf = load_read_fd(fd, cap, (size_t)1 << 30, &len);
	int read_err = errno;
	close(fd);
	if (!buf)
		return diag_set(d, -read_err, "%s: %s", path, strerror(read_err));
	l->vmlinux = calloc(1, sizeof(*l->vmlinux));
	int err = l->vmlinux ? btf_parse(l->vmlinux, buf, (uint32_t)len, false, d) : -ENOMEM;
	if (err) {
		free(l->vmlinux);
		l->vmlinux = NULL;
		if (mapped)
			munmap(buf, len);
		else
			free(buf);
		return err;
	}
	l->vmlinux_data = buf;
	l->vmlinux_size = len;
	l->vmlinux_mapped = mapped;
	return 0;
}

/* Pass "CO-RE": resolve each record of the linked program against the kernel's BTF and rewrite its
 * instruction. Only type_id_local records can do without the kernel's BTF. */
int load_apply_core(struct loaded *l, const struct load_opts *opts, const struct obj_prog *p,
		    struct linked_prog *lp, struct diag *d)
{
	const struct obj *o = l->o;
	bool need_kernel = false;
	uint32_t poisoned = 0;
	char what[160];
	int err;

	for (uint32_t k = 0; k < lp->ncore; k++)
		need_kernel |= lp->core[k].r->kind != BPF_CORE_TYPE_ID_LOCAL;
	if (need_kernel) {
		err = load_vmlinux_btf(l, opts, d);
		if (err)
			return diag_wrap(d, err, "prog '%s': CO-RE needs the kernel's BTF: ", p->name);
	}
	static const struct btf_spec none; /* no target: only type_id_local gets here without one */
	for (uint32_t k = 0; k < lp->ncore; k++) {
		const struct bpf_core_relo *r = lp->core[k].r;
		struct core_result res;
		err = core_calc(&o->btf, l->vmlinux ? l->vmlinux : &none, r, o->elf.big_endian, &l->core_cache, &res, d);
		if (!err)
			err = reloc_core_patch(lp, k, &res, d);
		if (err < 0)
			return diag_wrap(d, err, "prog '%s': CO-RE record %u (%s %s): ", p->name, k,
					 core_kind_name(r->kind), core_relo_str(&o->btf, r, what, sizeof(what)));
		poisoned += err == 1;
		if (!opts->say)
			continue; /* the reading of the record is for -v only */
		core_relo_str(&o->btf, r, what, sizeof(what));
		if (err == 1) {
			narrate(opts->say, "prog '%s':   insn %u: CO-RE %s %s: %s, instruction poisoned", p->name,
				lp->core[k].insn, core_kind_name(r->kind), what,
				res.poison ? "not in the kernel" : "field size changed incompatibly");
		} else {
			narrate(opts->say, "prog '%s':   insn %u: CO-RE %s %s: %llu -> %llu%s", p->name, lp->core[k].insn,
				core_kind_name(r->kind), what, (unsigned long long)res.orig_val,
				(unsigned long long)res.new_val, res.nmatch > 1 ? " (several kernel types agree)" : "");
		}
	}
	narrate(opts->say, "prog '%s': %u CO-RE relocation%s applied against %s%s", p->name, lp->ncore,
		lp->ncore == 1 ? "" : "s", need_kernel ? "the kernel's BTF" : "the object's own BTF",
		poisoned ? " (some poisoned: the verifier refuses them only if reached)" : "");
	return 0;
}


uint32_t load_kernel_find(struct loaded *l, uint32_t kind, const char *name)
{
	enum { SCANS = 16 }; /* a scan of the kernel's BTF is ~1 ms; building the index ~20 scans */
	if (!l->vmlinux_ix.keys && ++l->vmlinux_lookups > SCANS)
		btf_index_build(l->vmlinux, &l->vmlinux_ix); /* out of memory: keep scanning */
	return btf_index_find(l->vmlinux, &l->vmlinux_ix, kind, name);
}
