/* loader/load/externs.c — pass "resolve externs": what the running kernel says of each extern the
 * object declares. __kconfig values come from its config (/boot/config-RELEASE, else
 * /proc/config.gz) and uname; __ksym variables and kfuncs from its BTF (ids, types checked
 * against the object's declarations); typeless __ksym from /proc/kallsyms. A missing __weak
 * extern is 0; any other missing one is refused (l->ext_refused, with why), and so are the
 * programs that use it; the rest of the object loads. Parsing is in kfacts.c. */
#include "loader/load/load_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "btf/core.h"
#include "common/inflate.h"
#include "loader/load/kfacts.h"

/* A whole file into a malloc'ed, NUL-terminated buffer; NULL with errno set. */
static char *read_file(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = load_read_fd(fd, 1 << 16, max, len);
	int e = errno;
	close(fd);
	errno = e;
	return buf;
}

/* The kernel's .config text: /boot/config-RELEASE (Debian's and most distributions'), else
 * /proc/config.gz (CONFIG_IKCONFIG_PROC). NULL with d set when neither is readable. */
static char *kernel_config(const char *release, const struct load_opts *opts, size_t *len, struct diag *d)
{
	char path[300];
	snprintf(path, sizeof(path), "/boot/config-%s", release);
	char *text = read_file(path, 64 << 20, len);
	if (text) {
		narrate(opts->say, "externs: kernel config from %s (%zu bytes)", path, *len);
		return text;
	}
	size_t gz_len;
	char *gz = read_file("/proc/config.gz", 16 << 20, &gz_len);
	if (!gz) {
		diag_set(d, -ENOENT, "externs: the kernel's config is in neither %s nor /proc/config.gz", path);
		return NULL;
	}
	uint8_t *out;
	int err = gunzip((const uint8_t *)gz, gz_len, 64 << 20, &out, len, d);
	free(gz);
	if (err) {
		diag_wrap(d, err, "externs: /proc/config.gz: ");
		return NULL;
	}
	narrate(opts->say, "externs: kernel config from /proc/config.gz (%zu bytes compressed, %zu as text)", gz_len,
		*len);
	return (char *)out;
}

struct ext_state {
	struct utsname uts;
	char *config, *kallsyms;
	size_t config_len, kallsyms_len;
	int config_err;
	/* Past a few lookups, the texts are indexed once (kfacts.h) rather than read once per extern. */
	struct kfacts_index config_ix, kallsyms_ix;
	uint32_t config_lookups, kallsyms_lookups;
};
enum { TEXT_SCANS = 16 };

/* libbpf's LINUX_HAS_* values, read off the kernel's BTF rather than probed:
 *  - LINUX_HAS_SYSCALL_WRAPPER: system calls enter through __<arch>_sys_<name>(struct pt_regs *)
 *    (x86-64 since 4.17, arm64 since 4.19, s390, riscv): BPF_KSYSCALL reads arguments from there;
 *  - LINUX_HAS_BPF_COOKIE: the kernel knows the helper bpf_get_attach_cookie (5.15). */
static int kernel_feature(struct loaded *l, const struct load_opts *opts, struct ext_state *st,
			  const struct obj_extern *e, struct diag *d)
{
	int err = load_vmlinux_btf(l, opts, d);
	if (err)
		return diag_wrap(d, err, "extern '%s': ", e->name);
	uint64_t v = 0;
	if (strcmp(e->name, "LINUX_HAS_SYSCALL_WRAPPER") == 0) {
		const char *prefix = kfacts_syscall_prefix(st->uts.machine);
		char name[64];
		if (prefix) {
			snprintf(name, sizeof(name), "%sclose", prefix);
			v = load_kernel_find(l, BTF_KIND_FUNC, name) != 0;
		}
	} else {
		uint32_t id = load_kernel_find(l, BTF_KIND_ENUM, "bpf_func_id");
		const struct btf_type *t = id ? btf_type(l->vmlinux, id) : NULL;
		for (uint32_t i = 0; t && i < btf_vlen(t) && !v; i++)
			v = strcmp(btf_str(l->vmlinux, btf_enums(t)[i].name_off), "BPF_FUNC_get_attach_cookie") == 0;
	}
	narrate(opts->say, "externs: %s = %llu (from the kernel's BTF)", e->name, (unsigned long long)v);
	return kfacts_set_int(e, v, l->kconfig_image, d);
}

static int resolve_kconfig(struct loaded *l, const struct load_opts *opts, struct ext_state *st,
			   const struct obj_extern *e, struct diag *d)
{
	uint8_t *image = l->kconfig_image;
	if (strcmp(e->name, "LINUX_KERNEL_VERSION") == 0) {
		uint32_t v = kfacts_kernel_version(st->uts.release);
		narrate(opts->say, "externs: %s = %#x (uname release %s)", e->name, v, st->uts.release);
		return kfacts_set_int(e, v, image, d);
	}
	if (strcmp(e->name, "LINUX_HAS_SYSCALL_WRAPPER") == 0 || strcmp(e->name, "LINUX_HAS_BPF_COOKIE") == 0)
		return kernel_feature(l, opts, st, e, d);
	if (strncmp(e->name, "CONFIG_", 7) != 0) {
		if (e->weak) {
			narrate(opts->say, "externs: %s is not known to rawload: 0 (weak)", e->name);
			return 0;
		}
		return diag_set(d, -ENOTSUP, "extern '%s': __kconfig values other than CONFIG_*, "
				"LINUX_KERNEL_VERSION, LINUX_HAS_SYSCALL_WRAPPER and LINUX_HAS_BPF_COOKIE not "
				"supported yet", e->name);
	}
	if (!st->config && !st->config_err) {
		struct diag cd = {""};
		st->config = kernel_config(st->uts.release, opts, &st->config_len, &cd);
		if (!st->config) {
			st->config_err = -ENOENT;
			diag_set(d, -ENOENT, "%s", cd.msg);
		}
	}
	size_t vlen;
	if (st->config && !st->config_ix.keys && ++st->config_lookups > TEXT_SCANS)
		kfacts_index_config(st->config, st->config_len, &st->config_ix); /* out of memory: scans */
	const char *v = st->config ? kfacts_config_find_ix(st->config, st->config_len, &st->config_ix, e->name, &vlen)
				   : NULL;
	if (!v) {
		if (e->weak) {
			narrate(opts->say, "externs: %s is not set: 0 (weak)", e->name);
			return 0;
		}
		if (!st->config)
			return diag_wrap(d, -ENOENT, "extern '%s': ", e->name);
		return diag_set(d, -ESRCH, "extern '%s': not set in the kernel's config", e->name);
	}
	narrate(opts->say, "externs: %s = %.*s", e->name, (int)vlen, v);
	return kfacts_config_set(e, v, vlen, image, d);
}

static int resolve_btf(struct loaded *l, const struct load_opts *opts, const struct obj_extern *e,
		       struct reloc_ext_value *v, struct diag *d)
{
	int err = load_vmlinux_btf(l, opts, d);
	if (err)
		return diag_wrap(d, err, "extern '%s': ", e->name);
	uint32_t kind = e->kind == EXT_KFUNC ? BTF_KIND_FUNC : BTF_KIND_VAR;
	uint32_t id = load_kernel_find(l, kind, e->name);
	if (!id) {
		if (e->weak) {
			narrate(opts->say, "externs: %s '%s' is not in the kernel: 0 (weak)", obj_extern_kind_name(e->kind),
				e->name);
			return 0;
		}
		return diag_set(d, -ESRCH, "extern '%s': the kernel's BTF has no %s of that name", e->name,
				btf_kind_name(kind));
	}
	/* The object's declaration must describe what the kernel has (libbpf checks the same). */
	if (!core_type_compat(&l->o->btf, e->type_id, l->vmlinux, btf_type(l->vmlinux, id)->type))
		return diag_set(d, -EINVAL, "extern '%s': declared as a type the kernel's %s [%u] does not match",
				e->name, btf_kind_name(kind), id);
	v->found = true;
	v->btf_id = id;
	narrate(opts->say, "externs: %s '%s' = kernel BTF id %u", obj_extern_kind_name(e->kind), e->name, id);
	return 0;
}

static int resolve_address(const struct load_opts *opts, struct ext_state *st, const struct obj_extern *e,
			   struct reloc_ext_value *v, struct diag *d)
{
	if (!st->kallsyms) {
		st->kallsyms = read_file("/proc/kallsyms", 256 << 20, &st->kallsyms_len);
		if (!st->kallsyms)
			return diag_set(d, -errno, "extern '%s': /proc/kallsyms: %s", e->name, strerror(errno));
	}
	uint64_t addr;
	if (!st->kallsyms_ix.keys && ++st->kallsyms_lookups > TEXT_SCANS)
		kfacts_index_kallsyms(st->kallsyms, st->kallsyms_len, &st->kallsyms_ix); /* out of memory: scans */
	if (!kfacts_kallsyms_find_ix(st->kallsyms, st->kallsyms_len, &st->kallsyms_ix, e->name, &addr)) {
		if (e->weak) {
			narrate(opts->say, "externs: '%s' is not in kallsyms: 0 (weak)", e->name);
			return 0;
		}
		return diag_set(d, -ESRCH, "extern '%s': not in /proc/kallsyms", e->name);
	}
	if (!addr)
		return diag_set(d, -EPERM, "extern '%s': /proc/kallsyms shows address 0 (kernel.kptr_restrict hides it)",
				e->name);
	v->found = true;
	v->addr = addr;
	narrate(opts->say, "externs: '%s' at %#llx (kallsyms)", e->name, (unsigned long long)addr);
	return 0;
}

/* Externs whose value comes from the kernel's BTF: __ksym variables, kfuncs, LINUX_HAS_*. */
static bool needs_kernel_btf(const struct obj_extern *e)
{
	return e->kind == EXT_KSYM || e->kind == EXT_KFUNC ||
	       (e->kind == EXT_KCONFIG && (strcmp(e->name, "LINUX_HAS_SYSCALL_WRAPPER") == 0 ||
					   strcmp(e->name, "LINUX_HAS_BPF_COOKIE") == 0));
}

int load_resolve_externs(struct loaded *l, const struct load_opts *opts, struct diag *d)
{
	const struct obj *o = l->o;
	struct ext_state st = {0};
	int err = 0;

	if (!o->nexterns)
		return 0;
	l->ext_vals = calloc(o->nexterns, sizeof(*l->ext_vals));
	if (o->kconfig_map >= 0)
		l->kconfig_image = calloc(1, o->maps[o->kconfig_map].value_size);
	if (!l->ext_vals || (o->kconfig_map >= 0 && !l->kconfig_image))
		return diag_set(d, -ENOMEM, "externs: out of memory");
	uname(&st.uts);
	for (uint32_t i = 0; i < o->nexterns && err != -ENOMEM; i++) {
		const struct obj_extern *e = &o->externs[i];
		struct diag ed = {""};
		switch (e->kind) {
		case EXT_KCONFIG:
			err = resolve_kconfig(l, opts, &st, e, &ed);
			l->ext_vals[i].found = !err;
			break;
		case EXT_KSYM:
		case EXT_KFUNC:
			err = resolve_btf(l, opts, e, &l->ext_vals[i], &ed);
			break;
		case EXT_KSYM_TYPELESS:
			err = resolve_address(opts, &st, e, &l->ext_vals[i], &ed);
			break;
		}
		/* No value: the programs that use it are refused, not the object. */
		if (err && err != -ENOMEM)
			err = load_refuse_ext(l, opts, i, load_kbtf_missing(l) && needs_kernel_btf(e), "%s", ed.msg);
		if (err == -ENOMEM)
			diag_set(d, err, "%s", ed.msg[0] ? ed.msg : "externs: out of memory");
	}
	kfacts_index_free(&st.config_ix);
	kfacts_index_free(&st.kallsyms_ix);
	free(st.config);
	free(st.kallsyms);
	return err == -ENOMEM ? err : 0;
}
