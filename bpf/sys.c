/* bpf/sys.c — the bpf(2) system call and one thin wrapper per command (see sys.h).
 * Owns: filling union bpf_attr and calling the kernel. Doesn't own: deciding what to load, verifier
 * log growth, name sanitising (the loader does those), printing anything. */
#include "bpf/sys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Bytes of union bpf_attr up to the end of FIELD. Passing this rather than sizeof(union bpf_attr)
 * keeps the call valid on older kernels, which refuse a larger attr whose unknown tail is not zero
 * (kernel/bpf/syscall.c, bpf_check_uarg_tail_zero). */
#define ATTR_SIZE(field) (offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

/* How often PROG_LOAD is retried when the verifier was interrupted (EAGAIN). */
#define PROG_LOAD_TRIES 5

static uint64_t ptr_to_u64(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Copy a name into a BPF_OBJ_NAME_LEN buffer, truncating; the buffer is already zeroed. */
static void copy_name(char *dst, const char *name)
{
	if (!name)
		return;
	size_t n = strlen(name);
	if (n > BPF_OBJ_NAME_LEN - 1)
		n = BPF_OBJ_NAME_LEN - 1;
	memcpy(dst, name, n);
}

int sys_bpf(int cmd, union bpf_attr *attr, unsigned int size)
{
	long r = syscall(__NR_bpf, cmd, attr, size);
	return r < 0 ? -errno : (int)r;
}

int sys_map_create(const struct sys_map_def *def)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = def->type;
	a.key_size = def->key_size;
	a.value_size = def->value_size;
	a.max_entries = def->max_entries;
	a.map_flags = def->flags;
	a.numa_node = def->numa_node;
	a.map_extra = def->map_extra;
	copy_name(a.map_name, def->name);
	if (def->inner_map_fd > 0)
		a.inner_map_fd = (uint32_t)def->inner_map_fd;
	a.btf_vmlinux_value_type_id = def->btf_vmlinux_value_type_id;
	if (def->btf_fd > 0) {
		a.btf_fd = (uint32_t)def->btf_fd;
		a.btf_key_type_id = def->btf_key_type_id;
		a.btf_value_type_id = def->btf_value_type_id;
	}
	return sys_bpf(BPF_MAP_CREATE, &a, ATTR_SIZE(map_extra));
}

/* LOOKUP, UPDATE and DELETE share one attr layout; value is NULL for DELETE. */
static int map_elem(int cmd, int map_fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = ptr_to_u64(key);
	a.value = ptr_to_u64(value);
	a.flags = flags;
	return sys_bpf(cmd, &a, ATTR_SIZE(flags));
}

int sys_map_lookup(int map_fd, const void *key, void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, map_fd, key, value, flags);
}

int sys_map_update(int map_fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, map_fd, key, value, flags);
}

int sys_map_delete(int map_fd, const void *key)
{
	return map_elem(BPF_MAP_DELETE_ELEM, map_fd, key, NULL, 0);
}

int sys_map_next_key(int map_fd, const void *key, void *next_key)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = ptr_to_u64(key);
	a.next_key = ptr_to_u64(next_key);
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &a, ATTR_SIZE(next_key));
}

int sys_map_lookup_batch(int map_fd, void *in_batch, void *out_batch, void *keys, void *values,
			 uint32_t *count, uint64_t elem_flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.batch.map_fd = (uint32_t)map_fd;
	a.batch.in_batch = ptr_to_u64(in_batch);
	a.batch.out_batch = ptr_to_u64(out_batch);
	a.batch.keys = ptr_to_u64(keys);
	a.batch.values = ptr_to_u64(values);
	a.batch.count = *count;
	a.batch.elem_flags = elem_flags;
	int r = sys_bpf(BPF_MAP_LOOKUP_BATCH, &a, ATTR_SIZE(batch));
	/* The kernel writes count back on success and on ENOENT (end of the walk). */
	*count = a.batch.count;
	return r;
}

int sys_map_freeze(int map_fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	return sys_bpf(BPF_MAP_FREEZE, &a, ATTR_SIZE(map_fd));
}

/* BPF_PROG_LOAD's log_true_size (6.4+) follows core_relo_rec_size; older UAPI headers (Debian 12's
 * are 6.1's) lack the field. Older kernels take the longer attr as long as its tail is zero. */
#define PROG_LOG_TRUE_SIZE_OFF (offsetof(union bpf_attr, core_relo_rec_size) + sizeof(uint32_t))
_Static_assert(PROG_LOG_TRUE_SIZE_OFF + sizeof(uint32_t) <= sizeof(union bpf_attr), "bpf_attr too small");

int sys_prog_load(const struct sys_prog_def *def)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = def->type;
	a.expected_attach_type = def->expected_attach_type;
	a.prog_flags = def->prog_flags;
	a.insns = ptr_to_u64(def->insns);
	a.insn_cnt = def->insn_cnt;
	a.license = ptr_to_u64(def->license);
	a.kern_version = def->kern_version;
	copy_name(a.prog_name, def->name);
	if (def->btf_fd > 0) {
		a.prog_btf_fd = (uint32_t)def->btf_fd;
		a.func_info = ptr_to_u64(def->func_info);
		a.func_info_rec_size = def->func_info_rec_size;
		a.func_info_cnt = def->func_info_cnt;
		a.line_info = ptr_to_u64(def->line_info);
		a.line_info_rec_size = def->line_info_rec_size;
		a.line_info_cnt = def->line_info_cnt;
	}
	a.attach_btf_id = def->attach_btf_id;
	if (def->attach_prog_fd > 0)
		a.attach_prog_fd = (uint32_t)def->attach_prog_fd;
	if (def->log_buf && def->log_size) {
		a.log_buf = ptr_to_u64(def->log_buf);
		a.log_size = def->log_size;
		/* The kernel refuses a buffer with level 0 (EINVAL); a buffer means "I want a log". */
		a.log_level = def->log_level ? def->log_level : 1;
		def->log_buf[0] = '\0';
	}

	size_t attr_size = ATTR_SIZE(attach_prog_fd);
	if (def->log_buf && def->log_size && def->log_true_size)
		attr_size = PROG_LOG_TRUE_SIZE_OFF + sizeof(uint32_t);

	int r = -EAGAIN;
	for (int i = 0; i < PROG_LOAD_TRIES && r == -EAGAIN; i++)
		r = sys_bpf(BPF_PROG_LOAD, &a, attr_size);
	if (attr_size > ATTR_SIZE(attach_prog_fd))
		memcpy(def->log_true_size, (const char *)&a + PROG_LOG_TRUE_SIZE_OFF, sizeof(uint32_t));
	return r;
}

int sys_btf_load(const void *data, uint32_t size, char *log_buf, uint32_t log_size, uint32_t log_level)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = ptr_to_u64(data);
	a.btf_size = size;
	if (log_buf && log_size) {
		a.btf_log_buf = ptr_to_u64(log_buf);
		a.btf_log_size = log_size;
		a.btf_log_level = log_level ? log_level : 1;
		log_buf[0] = '\0';
	}
	return sys_bpf(BPF_BTF_LOAD, &a, ATTR_SIZE(btf_log_level));
}

int sys_obj_pin(int fd, const char *path)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.pathname = ptr_to_u64(path);
	a.bpf_fd = (uint32_t)fd;
	return sys_bpf(BPF_OBJ_PIN, &a, ATTR_SIZE(file_flags));
}

int sys_obj_get(const char *path, uint32_t file_flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.pathname = ptr_to_u64(path);
	a.file_flags = file_flags;
	return sys_bpf(BPF_OBJ_GET, &a, ATTR_SIZE(file_flags));
}

int sys_link_create(int prog_fd, int target, uint32_t attach_type, uint32_t flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)prog_fd;
	a.link_create.target_fd = (uint32_t)target; /* same bytes as target_ifindex */
	a.link_create.attach_type = attach_type;
	a.link_create.flags = flags;
	return sys_bpf(BPF_LINK_CREATE, &a, ATTR_SIZE(link_create.flags));
}

/* BPF_LINK_CREATE with the attach-type specific part of link_create (from offset 16) spelled out
 * by the caller: the 6.1 UAPI headers this builds against lack netfilter and uprobe_multi. */
static int link_create_with(int prog_fd, uint32_t attach_type, const void *extra, size_t extra_len)
{
	union bpf_attr a;
	uint32_t head[4] = {(uint32_t)prog_fd, 0, attach_type, 0};
	memset(&a, 0, sizeof(a));
	if (sizeof(head) + extra_len > sizeof(a))
		return -E2BIG;
	memcpy(&a, head, sizeof(head));
	memcpy((char *)&a + sizeof(head), extra, extra_len);
	return sys_bpf(BPF_LINK_CREATE, &a, (unsigned int)(sizeof(head) + extra_len));
}

int sys_link_create_netfilter(int prog_fd, uint32_t pf, uint32_t hooknum, int32_t priority, uint32_t flags)
{
	/* link_create.netfilter (kernel 6.4): pf, hooknum, priority, flags. */
	struct { uint32_t pf, hooknum; int32_t priority; uint32_t flags; } nf = {pf, hooknum, priority, flags};
	return link_create_with(prog_fd, 45 /* BPF_NETFILTER */, &nf, sizeof(nf));
}

int sys_link_create_kprobe_multi(int prog_fd, uint32_t flags, const char *const *syms, uint32_t cnt)
{
	/* link_create.kprobe_multi (kernel 5.18): flags, cnt, syms, addrs, cookies. */
	struct { uint32_t flags, cnt; uint64_t syms, addrs, cookies; } km = {flags, cnt, (uint64_t)(uintptr_t)syms, 0, 0};
	return link_create_with(prog_fd, BPF_TRACE_KPROBE_MULTI, &km, sizeof(km));
}

int sys_link_create_uprobe_multi(int prog_fd, const char *path, const uint64_t *offsets, uint32_t cnt,
				 uint32_t flags, uint32_t pid)
{
	/* link_create.uprobe_multi (kernel 6.6): path, offsets, ref_ctr_offsets, cookies, cnt, flags,
	 * pid. */
	struct { uint64_t path, offsets, ref_ctr_offsets, cookies; uint32_t cnt, flags, pid, pad; } um = {
		(uint64_t)(uintptr_t)path, (uint64_t)(uintptr_t)offsets, 0, 0, cnt, flags, pid, 0};
	return link_create_with(prog_fd, 48 /* BPF_TRACE_UPROBE_MULTI */, &um, sizeof(um));
}

int sys_link_create_perf(int prog_fd, int perf_fd, uint64_t cookie)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)prog_fd;
	a.link_create.target_fd = (uint32_t)perf_fd;
	a.link_create.attach_type = BPF_PERF_EVENT;
	a.link_create.perf_event.bpf_cookie = cookie;
	return sys_bpf(BPF_LINK_CREATE, &a, ATTR_SIZE(link_create.perf_event.bpf_cookie));
}

int sys_link_detach(int link_fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.link_detach.link_fd = (uint32_t)link_fd;
	return sys_bpf(BPF_LINK_DETACH, &a, ATTR_SIZE(link_detach));
}

int sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.link_update.link_fd = (uint32_t)link_fd;
	a.link_update.new_prog_fd = (uint32_t)new_prog_fd;
	if (old_prog_fd >= 0) {
		a.link_update.old_prog_fd = (uint32_t)old_prog_fd;
		a.link_update.flags = BPF_F_REPLACE;
	}
	return sys_bpf(BPF_LINK_UPDATE, &a, ATTR_SIZE(link_update.old_prog_fd));
}

int sys_raw_tracepoint_open(const char *name, int prog_fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = ptr_to_u64(name);
	a.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	return sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, ATTR_SIZE(raw_tracepoint));
}

int sys_iter_create(int link_fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.iter_create.link_fd = (uint32_t)link_fd;
	return sys_bpf(BPF_ITER_CREATE, &a, ATTR_SIZE(iter_create));
}

int sys_prog_test_run(struct sys_test_run *t)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)t->prog_fd;
	a.test.repeat = t->repeat;
	a.test.data_in = ptr_to_u64(t->data_in);
	a.test.data_size_in = t->data_size_in;
	if (t->data_out) {
		a.test.data_out = ptr_to_u64(t->data_out);
		a.test.data_size_out = t->data_size_out;
	}
	a.test.ctx_in = ptr_to_u64(t->ctx_in);
	a.test.ctx_size_in = t->ctx_size_in;
	a.test.flags = t->flags;
	int r = sys_bpf(BPF_PROG_TEST_RUN, &a, ATTR_SIZE(test.flags));
	t->retval = a.test.retval;
	t->duration = a.test.duration;
	t->data_size_out = t->data_out ? a.test.data_size_out : 0;
	return r;
}

int sys_obj_info(int fd, void *info, uint32_t *info_len)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = *info_len;
	a.info.info = ptr_to_u64(info);
	int r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, ATTR_SIZE(info));
	if (r == 0)
		*info_len = a.info.info_len;
	return r;
}

int sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)target_fd;
	a.attach_bpf_fd = (uint32_t)prog_fd;
	a.attach_type = attach_type;
	a.attach_flags = flags;
	return sys_bpf(BPF_PROG_ATTACH, &a, ATTR_SIZE(replace_bpf_fd));
}

int sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)target_fd;
	a.attach_bpf_fd = (uint32_t)(prog_fd > 0 ? prog_fd : 0);
	a.attach_type = attach_type;
	return sys_bpf(BPF_PROG_DETACH, &a, ATTR_SIZE(replace_bpf_fd));
}

int sys_prog_bind_map(int prog_fd, int map_fd)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_bind_map.prog_fd = (uint32_t)prog_fd;
	a.prog_bind_map.map_fd = (uint32_t)map_fd;
	return sys_bpf(BPF_PROG_BIND_MAP, &a, ATTR_SIZE(prog_bind_map));
}

int sys_prog_map_ids(int prog_fd, uint32_t *ids, uint32_t *n)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = *n;
	info.map_ids = (uint64_t)(uintptr_t)ids;
	int err = sys_obj_info(prog_fd, &info, &len);
	if (!err)
		*n = info.nr_map_ids;
	return err;
}

/* The *_GET_FD_BY_ID commands share one layout: an id, then open_flags. */
static int fd_by_id(int cmd, uint32_t id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_id = id; /* same bytes as map_id and link_id */
	return sys_bpf(cmd, &a, ATTR_SIZE(open_flags));
}

int sys_prog_fd_by_id(uint32_t id)
{
	return fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
}

int sys_map_fd_by_id(uint32_t id)
{
	return fd_by_id(BPF_MAP_GET_FD_BY_ID, id);
}

int sys_link_fd_by_id(uint32_t id)
{
	return fd_by_id(BPF_LINK_GET_FD_BY_ID, id);
}

int sys_btf_fd_by_id(uint32_t id)
{
	return fd_by_id(BPF_BTF_GET_FD_BY_ID, id);
}

/* The *_GET_NEXT_ID commands share one layout: start_id in, next_id out. */
static int next_id(int cmd, uint32_t start_id, uint32_t *out)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.start_id = start_id;
	int r = sys_bpf(cmd, &a, ATTR_SIZE(open_flags));
	if (r == 0)
		*out = a.next_id;
	return r;
}

int sys_prog_next_id(uint32_t start_id, uint32_t *next)
{
	return next_id(BPF_PROG_GET_NEXT_ID, start_id, next);
}

int sys_map_next_id(uint32_t start_id, uint32_t *next)
{
	return next_id(BPF_MAP_GET_NEXT_ID, start_id, next);
}

int sys_link_next_id(uint32_t start_id, uint32_t *next)
{
	return next_id(BPF_LINK_GET_NEXT_ID, start_id, next);
}

int sys_btf_next_id(uint32_t start_id, uint32_t *next)
{
	return next_id(BPF_BTF_GET_NEXT_ID, start_id, next);
}

uint32_t sys_prog_id(int prog_fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	return sys_obj_info(prog_fd, &info, &len) == 0 ? info.id : 0;
}

uint32_t sys_pinned_prog_id(const char *path)
{
	int fd = sys_obj_get(path, 0);
	if (fd < 0)
		return 0;
	uint32_t id = sys_prog_id(fd);
	close(fd);
	return id;
}

const char *sys_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"},
		{EIO, "EIO"}, {ENXIO, "ENXIO"}, {E2BIG, "E2BIG"}, {ENOEXEC, "ENOEXEC"},
		{EBADF, "EBADF"}, {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},
		{EFAULT, "EFAULT"}, {EBUSY, "EBUSY"}, {EEXIST, "EEXIST"}, {ENODEV, "ENODEV"},
		{ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"}, {EINVAL, "EINVAL"}, {EMFILE, "EMFILE"},
		{ENOSPC, "ENOSPC"}, {EROFS, "EROFS"}, {ERANGE, "ERANGE"},
		{ENAMETOOLONG, "ENAMETOOLONG"}, {ENOSYS, "ENOSYS"}, {ELOOP, "ELOOP"},
		{ENOTEMPTY, "ENOTEMPTY"}, {EOVERFLOW, "EOVERFLOW"}, {EBADMSG, "EBADMSG"},
		{EPROTO, "EPROTO"}, {EMSGSIZE, "EMSGSIZE"}, {EOPNOTSUPP, "EOPNOTSUPP"},
		{ENOBUFS, "ENOBUFS"}, {ENETDOWN, "ENETDOWN"}, {ETIMEDOUT, "ETIMEDOUT"},
		{524, "ENOTSUPP"}, /* kernel-internal "not supported", seen from bpf() */
	};
	static char unknown[24];
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(unknown, sizeof(unknown), "errno %d", err);
	return unknown;
}
