/* loader/attach/xdp_mark.c — rawload's mark on the XDP programs it attaches through netlink, and
 * reading it (and the rest of a program's description) back; see xdp_mark.h. */
#include "loader/attach/xdp_mark.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpf/sys.h"

uint64_t xdp_mark_netns(void)
{
	struct stat st;
	return stat("/proc/self/ns/net", &st) == 0 ? (uint64_t)st.st_ino : 0;
}

int xdp_mark_prog(int prog_fd, int ifindex, uint32_t replaced_id)
{
	struct sys_map_def def = {.name = XDP_MARK_NAME, .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
				  .value_size = sizeof(struct xdp_mark), .max_entries = 1, .btf_fd = -1,
				  .inner_map_fd = -1};
	struct xdp_mark m = {.magic = "rawload", .version = 1, .ifindex = (uint32_t)ifindex,
			     .netns = xdp_mark_netns(), .pid = (uint32_t)getpid(), .replaced_id = replaced_id,
			     .time = (uint64_t)time(NULL)};
	int fd = sys_map_create(&def);
	if (fd < 0)
		return fd;
	uint32_t key = 0;
	int err = sys_map_update(fd, &key, &m, BPF_ANY);
	if (!err)
		err = sys_map_freeze(fd); /* nobody rewrites whose it is */
	if (!err)
		err = sys_prog_bind_map(prog_fd, fd);
	close(fd); /* the program holds it now */
	return err;
}

/* The mark in map id, if that map is one. */
static bool read_mark(uint32_t map_id, struct xdp_mark *out, char *name, size_t n)
{
	int fd = sys_map_fd_by_id(map_id);
	if (fd < 0)
		return false;
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	bool ok = false;
	if (sys_obj_info(fd, &info, &len) == 0) {
		snprintf(name, n, "%.16s", info.name);
		uint32_t key = 0;
		ok = strcmp(info.name, XDP_MARK_NAME) == 0 && info.type == BPF_MAP_TYPE_ARRAY &&
		     info.value_size == sizeof(*out) && sys_map_lookup(fd, &key, out, 0) == 0 &&
		     memcmp(out->magic, "rawload", 8) == 0 && out->version == 1;
	}
	close(fd);
	return ok;
}

int xdp_describe_prog(uint32_t id, int ifindex, struct xdp_prog_desc *out)
{
	memset(out, 0, sizeof(*out));
	out->id = id;
	int fd = sys_prog_fd_by_id(id);
	if (fd < 0)
		return fd;
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	int err = sys_obj_info(fd, &info, &len);
	uint32_t ids[64], n = 64;
	if (!err)
		err = sys_prog_map_ids(fd, ids, &n);
	close(fd);
	if (err)
		return err;
	snprintf(out->name, sizeof(out->name), "%.15s", info.name);
	for (int i = 0; i < 8; i++)
		snprintf(out->tag + 2 * i, 3, "%02x", info.tag[i]);
	out->uid = info.created_by_uid;
	struct timespec boot;
	if (clock_gettime(CLOCK_BOOTTIME, &boot) == 0 && info.load_time / 1000000000u <= (uint64_t)boot.tv_sec)
		out->loaded_ago = (uint64_t)boot.tv_sec - info.load_time / 1000000000u;
	size_t used = 0;
	for (uint32_t i = 0; i < n && i < 64; i++) {
		char name[20] = "";
		if (!out->marked && read_mark(ids[i], &out->mark, name, sizeof(name))) {
			out->marked = true;
			continue;
		}
		if (name[0] && used + strlen(name) + 2 < sizeof(out->maps))
			used += (size_t)snprintf(out->maps + used, sizeof(out->maps) - used, "%s%s", used ? ", " : "", name);
	}
	out->ours = out->marked && out->mark.ifindex == (uint32_t)ifindex && out->mark.netns == xdp_mark_netns();
	return 0;
}
