/* bpf/sys.h — the bpf(2) system call: one entry point and one thin wrapper per command.
 * Every wrapper zeroes the attr union, fills only what the command needs, returns an fd or 0 on
 * success and a negative errno on failure (errno itself is left as the kernel set it). New fds are
 * O_CLOEXEC. Nothing here parses ELF or BTF; nothing here prints. */
#ifndef RAWLOAD_SYS_H
#define RAWLOAD_SYS_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

/* The one place that calls syscall(__NR_bpf). Returns the kernel's result or -errno. */
int sys_bpf(int cmd, union bpf_attr *attr, unsigned int size);

struct sys_map_def {
	const char *name; /* up to BPF_OBJ_NAME_LEN-1 chars; longer is truncated; NULL for none */
	uint32_t type, key_size, value_size, max_entries, flags, numa_node;
	uint64_t map_extra;
	int btf_fd; /* 0 (or negative) for none */
	uint32_t btf_key_type_id, btf_value_type_id;
	int inner_map_fd; /* map-in-map template; 0 (or negative) for none */
	uint32_t btf_vmlinux_value_type_id; /* struct_ops: the kernel's value type; 0 for none */
};
int sys_map_create(const struct sys_map_def *def);
int sys_map_lookup(int map_fd, const void *key, void *value, uint64_t flags);
int sys_map_update(int map_fd, const void *key, const void *value, uint64_t flags);
int sys_map_delete(int map_fd, const void *key);
int sys_map_next_key(int map_fd, const void *key, void *next_key); /* key NULL: first key; -ENOENT at end */
/* BPF_MAP_LOOKUP_BATCH: in_batch NULL starts; *count is in (capacity) and out (returned).
 * -ENOENT with *count possibly > 0 means the walk is complete. */
int sys_map_lookup_batch(int map_fd, void *in_batch, void *out_batch, void *keys, void *values,
			 uint32_t *count, uint64_t elem_flags);
int sys_map_freeze(int map_fd);

struct sys_prog_def {
	const char *name;
	uint32_t type, expected_attach_type, prog_flags;
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	const char *license;
	uint32_t kern_version;
	int btf_fd; /* 0 (or negative) for none */
	const void *func_info;
	uint32_t func_info_rec_size, func_info_cnt;
	const void *line_info;
	uint32_t line_info_rec_size, line_info_cnt;
	uint32_t attach_btf_id;
	int attach_prog_fd;
	char *log_buf; /* NULL for no log */
	uint32_t log_size, log_level;
	uint32_t *log_true_size; /* with log_buf, if set: receives the size the whole log needs (kernel
	                          * 6.4+, which then keeps the log's end when it overflows); else 0 */
};
/* BPF_PROG_LOAD, retried on EAGAIN (the verifier can be interrupted). */
int sys_prog_load(const struct sys_prog_def *def);

/* BPF_BTF_LOAD; log may be NULL. */
int sys_btf_load(const void *data, uint32_t size, char *log_buf, uint32_t log_size, uint32_t log_level);

int sys_obj_pin(int fd, const char *path);
int sys_obj_get(const char *path, uint32_t file_flags);

/* BPF_LINK_CREATE with a target fd or ifindex (target is either, as the attach type wants). */
int sys_link_create(int prog_fd, int target, uint32_t attach_type, uint32_t flags);
/* BPF_LINK_CREATE of the kinds with their own attributes. Netfilter (6.4): a hook of family pf
 * (NFPROTO_IPV4 2, NFPROTO_IPV6 10), hooknum (NF_INET_PRE_ROUTING 0 .. POST_ROUTING 4), priority.
 * kprobe.multi (5.18): the kernel functions syms[cnt] (flags BPF_F_KPROBE_MULTI_RETURN 1 for
 * return probes). uprobe.multi (6.6): file offsets offsets[cnt] in the file at path, for process
 * pid (0: all; flags BPF_F_UPROBE_MULTI_RETURN 1). The arrays must stay valid during the call. */
int sys_link_create_netfilter(int prog_fd, uint32_t pf, uint32_t hooknum, int32_t priority, uint32_t flags);
int sys_link_create_kprobe_multi(int prog_fd, uint32_t flags, const char *const *syms, uint32_t cnt);
int sys_link_create_uprobe_multi(int prog_fd, const char *path, const uint64_t *offsets, uint32_t cnt,
				 uint32_t flags, uint32_t pid);
/* BPF_LINK_CREATE of a perf event (BPF_PERF_EVENT, kernel 5.15) with a BPF cookie the program reads
 * with bpf_get_attach_cookie(). */
int sys_link_create_perf(int prog_fd, int perf_fd, uint64_t cookie);
int sys_link_detach(int link_fd);
/* BPF_LINK_UPDATE: swap the link's program for new_prog_fd; old_prog_fd >= 0 makes it conditional
 * (BPF_F_REPLACE: only if that program is the one attached). */
int sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd);
/* name NULL: a tp_btf, fentry/fexit/fmod_ret or lsm program, attached where its BTF id says. */
int sys_raw_tracepoint_open(const char *name, int prog_fd);
/* BPF_ITER_CREATE: a new readable fd on an iterator link; each one reads the iteration once. */
int sys_iter_create(int link_fd);

struct sys_test_run {
	int prog_fd;
	uint32_t repeat;
	const void *data_in;
	uint32_t data_size_in;
	void *data_out; /* may be NULL */
	uint32_t data_size_out; /* in: capacity, out: bytes written */
	const void *ctx_in;
	uint32_t ctx_size_in;
	uint32_t retval;   /* out */
	uint32_t duration; /* out, ns */
	uint32_t flags;
};
int sys_prog_test_run(struct sys_test_run *t);

/* BPF_OBJ_GET_INFO_BY_FD; *info_len is in (capacity) and out (kernel's length). */
int sys_obj_info(int fd, void *info, uint32_t *info_len);
int sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags);
int sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type);
/* The id of the program behind fd / pinned at path; 0 when it cannot be read. */
uint32_t sys_prog_id(int prog_fd);
uint32_t sys_pinned_prog_id(const char *path);
/* BPF_PROG_BIND_MAP (5.10): the program holds the map as if it used it (libbpf binds its metadata
 * map the same way). 0 or a negative errno (-EINVAL before 5.10). */
int sys_prog_bind_map(int prog_fd, int map_fd);
/* The ids of the maps the program holds: up to *n into ids, *n set to how many there are. */
int sys_prog_map_ids(int prog_fd, uint32_t *ids, uint32_t *n);
/* BPF_PROG_GET_FD_BY_ID / BPF_MAP_GET_FD_BY_ID / BPF_LINK_GET_FD_BY_ID */
int sys_prog_fd_by_id(uint32_t id);
int sys_map_fd_by_id(uint32_t id);
int sys_link_fd_by_id(uint32_t id);
/* BPF_BTF_GET_FD_BY_ID: a read-only fd on a loaded BTF object (kernel 5.0). */
int sys_btf_fd_by_id(uint32_t id);
/* BPF_{PROG,MAP,LINK,BTF}_GET_NEXT_ID: the smallest id above start_id in *next_id. -ENOENT past the
 * last one; -EPERM without CAP_SYS_ADMIN. Links since 5.8, BTF since 5.4. */
int sys_prog_next_id(uint32_t start_id, uint32_t *next_id);
int sys_map_next_id(uint32_t start_id, uint32_t *next_id);
int sys_link_next_id(uint32_t start_id, uint32_t *next_id);
int sys_btf_next_id(uint32_t start_id, uint32_t *next_id);

/* "EBUSY" for EBUSY or -EBUSY; "errno 123" (static buffer) for numbers it doesn't know. For the
 * one-line diagnostics of bpf/ and its callers, without strerror's locale-dependent sentences. */
const char *sys_errno_name(int err);

#endif
