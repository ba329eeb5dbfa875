/* loader/load/kbtf.c — the kernel's BTF in the load: reading it once, from sysfs (mapped where the
 * kernel allows) or from the file --btf names (raw BTF, or an ELF file's .BTF section, read through
 * elf/), and the CO-RE pass that resolves a program's records against it (btf/core.c computes,
 * loader/load/reloc.c rewrites; this file narrates and decides which BTF to use). */
#include "loader/load/load_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/fs.h"
#include "btf/core.h"
#include "elf/elf.h"

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
static int read_vmlinux_btf(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	static const char path[] = "/sys/kernel/btf/vmlinux";
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool mapped = false;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* Absent: no sysfs here (an empty root, a chroot), or a kernel built without BTF. */
		struct diag sd = {""};
		int r = fs_sysfs_ensure(&sd);
		if (r < 0)
			return diag_set(d, r, "%s: %s: the kernel's BTF cannot be read", path, sd.msg);
		if (r == 1) {
			narrate(opts->say, "kernel BTF: sysfs was not mounted: mounted it read-only at /sys");
			fd = open(path, O_RDONLY | O_CLOEXEC);
		}
		if (fd < 0 && errno == ENOENT && fs_is_sysfs("/sys") == 1)
			return diag_set(d, -ENOENT, "%s is absent from a mounted sysfs: this kernel has no BTF "
					"(CONFIG_DEBUG_INFO_BTF)", path);
		if (fd < 0 && errno == ENOENT)
			return diag_set(d, -ENOENT, "%s is absent, and /sys is not a sysfs: the kernel's BTF cannot be read",
					path);
	}
	if (fd < 0)
		return diag_set(d, -errno, "%s: %s", path, strerror(errno));
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

/* --btf FILE: raw BTF (magic 0xEB9F in either byte order: /sys/kernel/btf/vmlinux copied off a
 * machine running the same kernel build, `bpftool btf dump file ... format raw`) or any ELF file
 * with a .BTF section (a vmlinux, an object clang or pahole gave BTF), whose bounds elf/ checks.
 * The whole file is read; the BTF points into it. */
static int read_btf_file(struct loaded *l, const struct load_opts *opts, const char *path, struct diag *d)
{
	struct stat st;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_set(d, -errno, "--btf %s: %s", path, strerror(errno));
	size_t hint = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 1 << 20;
	uint8_t *buf = load_read_fd(fd, hint, (size_t)1 << 30, &len);
	int read_err = errno;
	close(fd);
	if (!buf)
		return diag_set(d, -read_err, "--btf %s: %s", path, strerror(read_err));
	const uint8_t *btf = buf;
	uint64_t size = len;
	bool swap = false;
	const char *form = "raw BTF";
	int err = 0;
	if (len >= 2 && ((buf[0] == 0x9f && buf[1] == 0xeb) || (buf[0] == 0xeb && buf[1] == 0x9f))) {
		/* the magic 0xEB9F as a u16 in the file's byte order */
		uint16_t host = 0x0102;
		bool host_be = *(const uint8_t *)&host == 0x01, file_be = buf[0] == 0xeb;
		swap = host_be != file_be;
	} else if (len >= 4 && memcmp(buf, "\177ELF", 4) == 0) {
		struct elf_file f;
		err = elf_parse_sections(&f, buf, len, d);
		if (!err) {
			const struct elf_section *s = elf_find_section(&f, ".BTF");
			if (!s || !s->data || !s->size)
				err = diag_set(d, -ENOENT, "elf: no .BTF section");
			else {
				btf = s->data;
				size = s->size;
				swap = f.swap;
				form = "the .BTF section of an ELF file";
			}
			elf_close(&f);
		}
	} else {
		err = diag_set(d, -EINVAL, "neither raw BTF (magic 0xEB9F) nor an ELF file");
	}
	if (!err && size > UINT32_MAX)
		err = diag_set(d, -EFBIG, "BTF of %llu bytes", (unsigned long long)size);
	l->vmlinux = err ? NULL : calloc(1, sizeof(*l->vmlinux));
	if (!err && !l->vmlinux)
		err = diag_set(d, -ENOMEM, "out of memory");
	if (!err)
		err = btf_parse(l->vmlinux, btf, (uint32_t)size, swap, d);
	if (err) {
		free(l->vmlinux);
		l->vmlinux = NULL;
		free(buf);
		return diag_wrap(d, err, "--btf %s: ", path);
	}
	l->vmlinux_data = buf;
	l->vmlinux_size = len;
	l->vmlinux_mapped = false;
	narrate(opts->say, "kernel BTF: from %s (--btf), %s, %llu bytes, %u types%s", path, form,
		(unsigned long long)size, l->vmlinux->nr_types, swap ? ", byte-swapped" : "");
	return 0;
}

int load_vmlinux_btf(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	if (l->vmlinux)
		return 0;
	if (l->kbtf_err) /* asked before: the answer stands */
		return diag_set(d, l->kbtf_err, "%s", l->kbtf_why ? l->kbtf_why : "kernel BTF: out of memory");
	int err = opts->btf_path ? read_btf_file(l, opts, opts->btf_path, d) : read_vmlinux_btf(l, opts, d);
	if (err) {
		l->kbtf_err = err;
		l->kbtf_why = strdup(d->msg);
		narrate(opts->say, "kernel BTF: %s", d->msg);
		return err;
	}
	/* Names are what the kernel's BTF is searched by (CO-RE roots, kfuncs, attach targets): one
	 * hash table instead of a scan per lookup. Without the memory for it, lookups scan. */
	bool indexed = btf_index_names(l->vmlinux) == 0;
	narrate(opts->say, "kernel BTF: %u types%s", l->vmlinux->nr_types,
		indexed ? ", indexed by name" : ", no memory for a name index: lookups scan");
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
		lp->ncore == 1 ? "" : "s",
		!need_kernel ? "the object's own BTF" : opts->btf_path ? "the BTF of --btf" : "the kernel's BTF",
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
