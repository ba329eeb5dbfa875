/* tests/kernel/test_bpf_info.c — bpf/info.h and the GET_NEXT_ID walks against the running kernel:
 * a BTF object read back byte for byte (and found by id), programs and maps found by id with their
 * kinds, a program's map ids, and a raw tracepoint link's info with its name (the second call).
 * Root only (skips otherwise); everything made here is closed. */
#include "kbpf.h"

#include "bpf/info.h"
#include "bpf/sys.h"

#include <errno.h>
#include <linux/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* BTF with one type: int (4 bytes, signed), named "int". */
static size_t int_btf(unsigned char *buf)
{
	static const char strings[] = "\0int";
	struct btf_header h = {.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
			       .type_off = 0, .type_len = 16, .str_off = 16, .str_len = sizeof(strings)};
	struct btf_type t = {.name_off = 1, .info = BTF_KIND_INT << 24, .size = 4};
	uint32_t enc = BTF_INT_SIGNED << 24 | 32;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &t, sizeof(t));
	memcpy(buf + sizeof(h) + sizeof(t), &enc, 4);
	memcpy(buf + sizeof(h) + 16, strings, sizeof(strings));
	return sizeof(h) + 16 + sizeof(strings);
}

/* Does the walk of next_fn pass through id? */
static bool walk_finds(int (*next_fn)(uint32_t, uint32_t *), uint32_t id)
{
	uint32_t at = 0;
	for (int i = 0; i < 1000000 && next_fn(at, &at) == 0; i++)
		if (at == id)
			return true;
	return false;
}

TEST(bpf_info_btf_bytes_back)
{
	SKIP_UNLESS_ROOT();
	unsigned char blob[64];
	size_t n = int_btf(blob);
	int btf = sys_btf_load(blob, (uint32_t)n, NULL, 0, 0);
	REQUIRE(btf > 0, "btf load: %s", sys_errno_name(btf));
	struct info_btf ib;
	int err = info_btf(btf, 1 << 20, &ib);
	CHECK(err == 0 && ib.size == n && memcmp(ib.data, blob, n) == 0 && !ib.kernel && ib.name[0] == '\0' && ib.id,
	      "info_btf: %s, %u bytes (loaded %zu), kernel %d, name '%s'", sys_errno_name(err), ib.size, n, ib.kernel,
	      ib.name);
	CHECK(info_fd_kind(btf) == INFO_FD_BTF, "fd kind %d", info_fd_kind(btf));
	CHECK(walk_finds(sys_btf_next_id, ib.id), "BPF_BTF_GET_NEXT_ID does not reach id %u", ib.id);
	int again = sys_btf_fd_by_id(ib.id);
	struct info_btf ib2 = {0};
	CHECK(again > 0 && info_btf(again, 1 << 20, &ib2) == 0 && ib2.id == ib.id && ib2.size == n &&
		      memcmp(ib2.data, blob, n) == 0,
	      "by id: fd %d, id %u", again, ib2.id);
	struct info_btf small;
	CHECK(info_btf(btf, 8, &small) == -E2BIG && small.data == NULL, "a bound of 8 bytes accepted");
	free(ib.data);
	free(ib2.data);
	close_fd(&again);
	close_fd(&btf);
}

TEST(bpf_info_prog_map_ids)
{
	SKIP_UNLESS_ROOT();
	int map = map_make(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "rl_info_map");
	REQUIRE(map > 0, "map: %s", sys_errno_name(map));
	/* r1 = map; r2 = fp - 4 (key 0); call lookup; r0 = 2; exit */
	struct bpf_insn prog[] = {
		st_w(BPF_REG_10, -4, 0),
		mov64_reg(BPF_REG_2, BPF_REG_10),
		add64_imm(BPF_REG_2, -4),
		ld_map_fd_lo(BPF_REG_1, map),
		ld_map_fd_hi(),
		call(BPF_FUNC_map_lookup_elem),
		mov64_imm(BPF_REG_0, 2),
		exit_insn(),
	};
	int fd = load(BPF_PROG_TYPE_XDP, "rl_info_prog", prog, sizeof(prog) / sizeof(prog[0]));
	CHECK(fd > 0, "load: %s\n%s", sys_errno_name(fd), verifier_log);
	struct bpf_prog_info pi;
	struct bpf_map_info mi;
	uint32_t ids[4] = {0}, nids = 0;
	CHECK(fd > 0 && info_prog(fd, &pi, ids, 4, &nids) == 0 && info_map(map, &mi) == 0, "info");
	CHECK(nids == 1 && ids[0] == mi.id && !strcmp(pi.name, "rl_info_prog") && pi.type == BPF_PROG_TYPE_XDP,
	      "prog: %u map ids (%u, map is %u), name '%s'", nids, ids[0], mi.id, pi.name);
	CHECK(info_fd_kind(fd) == INFO_FD_PROG && info_fd_kind(map) == INFO_FD_MAP && info_fd_kind(0) == INFO_FD_UNKNOWN,
	      "kinds %d %d", info_fd_kind(fd), info_fd_kind(map));
	CHECK(walk_finds(sys_prog_next_id, pi.id) && walk_finds(sys_map_next_id, mi.id), "walks miss prog %u / map %u",
	      pi.id, mi.id);
	uint32_t none = 0;
	/* ids stay below INT_MAX (idr); a start at INT_MAX itself is refused with EINVAL */
	CHECK(sys_prog_next_id(INT32_MAX - 1, &none) == -ENOENT, "past the last id: not ENOENT");
	close_fd(&fd);
	close_fd(&map);
}

TEST(bpf_info_raw_tracepoint_link)
{
	SKIP_UNLESS_ROOT();
	struct bpf_insn ret0[] = {mov64_imm(BPF_REG_0, 0), exit_insn()};
	int prog = load(BPF_PROG_TYPE_RAW_TRACEPOINT, "rl_info_rawtp", ret0, 2);
	REQUIRE(prog > 0, "load: %s\n%s", sys_errno_name(prog), verifier_log);
	int link = sys_raw_tracepoint_open("sys_enter", prog);
	CHECK(link > 0, "raw tracepoint open: %s", sys_errno_name(link));
	struct info_link l;
	int err = link > 0 ? info_link(link, &l) : link;
	CHECK(err == 0 && l.type == BPF_LINK_TYPE_RAW_TRACEPOINT && l.prog_id == sys_prog_id(prog) && l.id &&
		      !strcmp(l.name, "sys_enter"),
	      "link info: %s, type %u, prog %u, name '%s'", sys_errno_name(err), l.type, l.prog_id, l.name);
	CHECK(link > 0 && info_fd_kind(link) == INFO_FD_LINK, "fd kind %d", link > 0 ? (int)info_fd_kind(link) : -1);
	CHECK(err == 0 && walk_finds(sys_link_next_id, l.id), "BPF_LINK_GET_NEXT_ID does not reach %u", l.id);
	close_fd(&link);
	close_fd(&prog);
}
