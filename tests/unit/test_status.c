/* tests/unit/test_status.c — the pure parts of `rawload status`: the RTM_GETLINK dump request byte by
 * byte, the dump parser on hand-built replies (names, XDP in one mode and in several, the end, a
 * refusal, cut attributes), and the rendering of every link type as JSON and text from hand-filled
 * records: numbers always, names only where the record has one, reasons where it has none. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"
#include "bpf/netlink.h"
#include "loader/show/status.h"

static uint32_t u32_at(const unsigned char *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, 4);
	return v;
}
static uint16_t u16_at(const unsigned char *p, size_t off)
{
	uint16_t v;
	memcpy(&v, p + off, 2);
	return v;
}

TEST(status_iface_dump_request)
{
	unsigned char b[64];
	/* header 16, ifinfomsg 16, IFLA_EXT_MASK u32 8 = 40 */
	int n = nl_build_iface_dump(b, sizeof(b), 5);
	REQUIRE(n == 40, "length %d", n);
	CHECK(u32_at(b, 0) == 40 && u16_at(b, 4) == RTM_GETLINK && u32_at(b, 8) == 5, "header");
	CHECK(u16_at(b, 6) == (NLM_F_REQUEST | NLM_F_DUMP), "flags %#x", u16_at(b, 6));
	CHECK(b[16] == AF_UNSPEC && u32_at(b, 20) == 0, "family/ifindex");
	CHECK(u16_at(b, 32) == 8 && u16_at(b, 34) == IFLA_EXT_MASK && u32_at(b, 36) == RTEXT_FILTER_SKIP_STATS,
	      "IFLA_EXT_MASK");
	CHECK(nl_build_iface_dump(b, 39, 5) == -ENOSPC, "too small accepted");
}

/* Appends an attribute; returns the new offset. */
static size_t put_attr(unsigned char *b, size_t off, uint16_t type, const void *data, uint16_t len)
{
	struct rtattr a = {.rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type};
	memcpy(b + off, &a, sizeof(a));
	memcpy(b + off + sizeof(a), data, len);
	return off + RTA_SPACE(len);
}

/* One RTM_NEWLINK at b[off]: ifindex, name, and (mode != 0) an IFLA_XDP nest with mode and ids. */
static size_t newlink(unsigned char *b, size_t off, uint32_t seq, int ifindex, const char *name, uint8_t mode,
		      uint32_t prog, uint32_t drv, uint32_t skb)
{
	size_t start = off;
	off += NLMSG_HDRLEN;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	memcpy(b + off, &ifi, sizeof(ifi));
	off += NLMSG_ALIGN(sizeof(ifi));
	off = put_attr(b, off, IFLA_IFNAME, name, (uint16_t)(strlen(name) + 1));
	if (mode) {
		size_t nest = off;
		off += RTA_LENGTH(0);
		off = put_attr(b, off, IFLA_XDP_ATTACHED, &mode, 1);
		if (prog)
			off = put_attr(b, off, IFLA_XDP_PROG_ID, &prog, 4);
		if (drv)
			off = put_attr(b, off, IFLA_XDP_DRV_PROG_ID, &drv, 4);
		if (skb)
			off = put_attr(b, off, IFLA_XDP_SKB_PROG_ID, &skb, 4);
		struct rtattr a = {.rta_len = (unsigned short)(off - nest), .rta_type = IFLA_XDP | NLA_F_NESTED};
		memcpy(b + nest, &a, sizeof(a));
	}
	struct nlmsghdr h = {.nlmsg_len = (uint32_t)(off - start), .nlmsg_type = RTM_NEWLINK,
			     .nlmsg_flags = NLM_F_MULTI, .nlmsg_seq = seq};
	memcpy(b + start, &h, sizeof(h));
	return NLMSG_ALIGN(off);
}

static size_t done(unsigned char *b, size_t off, uint32_t seq, int32_t error)
{
	struct nlmsghdr h = {.nlmsg_len = NLMSG_HDRLEN + 4, .nlmsg_type = NLMSG_DONE, .nlmsg_flags = NLM_F_MULTI,
			     .nlmsg_seq = seq};
	memcpy(b + off, &h, sizeof(h));
	memcpy(b + off + NLMSG_HDRLEN, &error, 4);
	return off + NLMSG_HDRLEN + 4;
}

struct seen {
	struct nl_iface a[8];
	int n;
};

static int collect(void *ctx, const struct nl_iface *it)
{
	struct seen *s = ctx;
	if (s->n < 8)
		s->a[s->n++] = *it;
	return 0;
}

TEST(status_iface_dump_parse)
{
	unsigned char b[1024];
	char msg[64];
	struct seen s = {0};
	size_t off = newlink(b, 0, 7, 1, "lo", 0, 0, 0, 0);
	off = newlink(b, off, 7, 3, "veth-b", XDP_ATTACHED_DRV, 42, 0, 0);
	off = newlink(b, off, 8, 9, "other-seq", 0, 0, 0, 0); /* another request's: skipped */
	off = newlink(b, off, 7, 4, "both", XDP_ATTACHED_MULTI, 0, 11, 12);
	CHECK(nl_parse_iface_dump(b, off, 7, collect, &s, msg, sizeof(msg)) == NL_MORE, "no DONE yet: more");
	REQUIRE(s.n == 3, "%d interfaces", s.n);
	CHECK(s.a[0].ifindex == 1 && !strcmp(s.a[0].name, "lo") && s.a[0].xdp.mode == 0 && s.a[0].xdp.prog_id == 0,
	      "lo");
	CHECK(s.a[1].ifindex == 3 && !strcmp(s.a[1].name, "veth-b") && s.a[1].xdp.mode == XDP_ATTACHED_DRV &&
		      s.a[1].xdp.prog_id == 42 && nl_xdp_holds(&s.a[1].xdp, 42),
	      "veth-b");
	CHECK(s.a[2].xdp.mode == XDP_ATTACHED_MULTI && s.a[2].xdp.drv_prog_id == 11 && s.a[2].xdp.skb_prog_id == 12,
	      "multi");

	s.n = 0;
	size_t end = done(b, 0, 7, 0);
	CHECK(nl_parse_iface_dump(b, end, 7, collect, &s, msg, sizeof(msg)) == 0 && s.n == 0, "DONE ends the dump");
	end = done(b, 0, 7, -EINTR);
	CHECK(nl_parse_iface_dump(b, end, 7, collect, &s, msg, sizeof(msg)) == -EINTR, "a dump failed midway");

	/* A cut attribute inside a message: refused, not read past the end. */
	off = newlink(b, 0, 7, 3, "veth-b", XDP_ATTACHED_DRV, 42, 0, 0);
	struct nlmsghdr h;
	memcpy(&h, b, sizeof(h));
	uint16_t big = 200;
	memcpy(b + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct ifinfomsg)), &big, 2); /* IFLA_IFNAME's length */
	CHECK(nl_parse_iface_dump(b, off, 7, collect, &s, msg, sizeof(msg)) == -EBADMSG, "cut attribute accepted");
	CHECK(nl_parse_iface_dump(b, 10, 7, collect, &s, msg, sizeof(msg)) == -EBADMSG, "cut header accepted");
}

static int stop_at_first(void *ctx, const struct nl_iface *it)
{
	(void)ctx;
	(void)it;
	return -ECANCELED;
}

TEST(status_iface_dump_callback_stops)
{
	unsigned char b[256];
	char msg[64];
	size_t off = newlink(b, 0, 1, 2, "a", 0, 0, 0, 0);
	CHECK(nl_parse_iface_dump(b, off, 1, stop_at_first, NULL, msg, sizeof(msg)) == -ECANCELED, "not stopped");
}

/* ---- rendering ------------------------------------------------------------------------------- */

static const char *render(const struct status *st, bool json, struct strbuf *sb)
{
	sb_reset(sb);
	status_render(st, json, sb);
	return sb->buf ? sb->buf : "";
}

TEST(status_render_objects)
{
	struct status_prog p = {.id = 12, .type = 6, .btf_id = 3, .xlated_len = 144, .jited_len = 94, .gpl = true,
				.name = "count_packets", .tag = {0x0a, 0xfa, 0x56, 0xfc, 0xd9, 0x32, 0x57, 0x09},
				.nmap_ids = 2, .map_ids = {5, 6}};
	struct status_map m = {.id = 5, .type = 2, .key_size = 4, .value_size = 8, .max_entries = 1, .btf_id = 3,
			       .name = "pkt_count"};
	struct status_link l = {.l = {.type = BPF_LINK_TYPE_XDP, .id = 7, .prog_id = 12, .ifindex = 3}};
	char name[] = "veth-b";
	l.target = name;
	struct nl_iface it = {.ifindex = 3, .name = "veth-b", .xdp = {.mode = XDP_ATTACHED_SKB, .prog_id = 12}};
	struct status st = {.progs = &p, .nprogs = 1, .maps = &m, .nmaps = 1, .links = &l, .nlinks = 1, .xdp = &it,
			    .nxdp = 1};
	struct strbuf sb = {0};
	const char *j = render(&st, true, &sb);
	CHECK(!strcmp(j, "{\"progs\":[{\"id\":12,\"type\":\"xdp\",\"name\":\"count_packets\",\"tag\":\"0afa56fcd9325709\","
			 "\"gpl_compatible\":true,\"uid\":0,\"bytes_xlated\":144,\"bytes_jited\":94,\"btf_id\":3,"
			 "\"map_ids\":[5,6]}],"
			 "\"maps\":[{\"id\":5,\"type\":\"array\",\"name\":\"pkt_count\",\"flags\":0,\"bytes_key\":4,"
			 "\"bytes_value\":8,\"max_entries\":1,\"btf_id\":3}],"
			 "\"links\":[{\"id\":7,\"type\":\"xdp\",\"prog_id\":12,\"ifindex\":3,\"devname\":\"veth-b\"}],"
			 "\"xdp\":[{\"devname\":\"veth-b\",\"ifindex\":3,\"mode\":\"generic\",\"id\":12}]}\n"),
	      "json: %s", j);
	const char *t = render(&st, false, &sb);
	CHECK(strstr(t, "programs (1):\n  12     xdp            count_packets    tag 0afa56fcd9325709  144 bytes xlated, "
			"94 jited, gpl, btf 3, maps 5,6\n") != NULL, "text: %s", t);
	CHECK(strstr(t, "\n  7      xdp            prog 12     count_packets    ifindex 3 (veth-b)\n") != NULL, "text: %s", t);
	CHECK(strstr(t, "\n  veth-b           ifindex 3    generic  prog 12 count_packets\n") != NULL, "text: %s", t);

	/* A type rawload has no name for is shown by its number; so is an unnamed target, with why. */
	p.type = 200;
	l.target = NULL;
	l.unnamed = "not an interface of this network namespace";
	st.nxdp = 0;
	j = render(&st, true, &sb);
	CHECK(strstr(j, "\"type\":200,") && strstr(j, "\"ifindex\":3,\"unnamed\":\"not an interface of this network "
						     "namespace\"}") && strstr(j, "\"xdp\":[]"),
	      "json: %s", j);
	t = render(&st, false, &sb);
	CHECK(strstr(t, "  12     type 200       count_packets") && strstr(t, "ifindex 3 (not an interface of this network "
									   "namespace)\n") && strstr(t, "  (none)\n"),
	      "text: %s", t);
	sb_free(&sb);
}

/* One link of each kind as JSON (the part after id, type and prog_id) and as text. */
static void link_case(const struct info_link *k, const char *target, const char *json_tail, const char *text)
{
	struct status_link l = {.l = *k};
	char buf[256];
	if (target) {
		snprintf(buf, sizeof(buf), "%s", target);
		l.target = buf;
	}
	struct status st = {.links = &l, .nlinks = 1, .netlink_error = "netlink: down"};
	struct strbuf sb = {0};
	const char *j = render(&st, true, &sb);
	CHECK(strstr(j, json_tail) != NULL, "type %u: json %s, want %s", k->type, j, json_tail);
	const char *t = render(&st, false, &sb);
	CHECK(strstr(t, text) != NULL, "type %u: text %s, want %s", k->type, t, text);
	CHECK(strstr(t, "(not listed: netlink: down)") != NULL, "netlink error not said: %s", t);
	sb_free(&sb);
}

TEST(status_render_links)
{
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_CGROUP, .id = 1, .prog_id = 2, .cgroup_id = 63,
				      .attach_type = BPF_CGROUP_INET_EGRESS},
		  "/sys/fs/cgroup/t", "\"prog_id\":2,\"attach_type\":\"cgroup_inet_egress\",\"cgroup_id\":63,\"cgroup\":\"/sys/fs/cgroup/t\"}",
		  "cgroup_inet_egress on cgroup 63 (/sys/fs/cgroup/t)");
	link_case(&(struct info_link){.type = INFO_LINK_TCX, .id = 1, .prog_id = 2, .ifindex = 4, .attach_type = 47},
		  "eth0", "\"attach_type\":\"tcx_egress\",\"ifindex\":4,\"devname\":\"eth0\"}", "tcx_egress on ifindex 4 (eth0)");
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_PERF_EVENT, .id = 1, .prog_id = 2, .has_target = true,
				      .perf_type = INFO_PERF_TRACEPOINT, .name = "sys_enter_execve"},
		  NULL, "\"event\":\"tracepoint\",\"tracepoint\":\"sys_enter_execve\"}", "tracepoint sys_enter_execve");
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_PERF_EVENT, .id = 1, .prog_id = 2, .has_target = true,
				      .perf_type = INFO_PERF_URETPROBE, .name = "/bin/x", .offset = 0x11a0},
		  NULL, "\"event\":\"uretprobe\",\"file\":\"/bin/x\",\"offset\":4512}", "uretprobe /bin/x+0x11a0");
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_PERF_EVENT, .id = 1, .prog_id = 2, .has_target = true,
				      .perf_type = INFO_PERF_KPROBE, .name = "do_sys_open", .offset = 4},
		  NULL, "\"event\":\"kprobe\",\"func\":\"do_sys_open\",\"offset\":4,\"addr\":0}", "kprobe do_sys_open+0x4");
	/* A kernel before 6.6 says nothing of a perf link's event: said so, nothing invented. */
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_PERF_EVENT, .id = 1, .prog_id = 2},
		  NULL, "\"type\":\"perf_event\",\"prog_id\":2}", "(target not reported by this kernel)");
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_RAW_TRACEPOINT, .id = 1, .prog_id = 2, .has_target = true,
				      .name = "sched_switch"},
		  NULL, "\"tp_name\":\"sched_switch\"}", "raw tracepoint sched_switch");
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_ITER, .id = 1, .prog_id = 2, .has_target = true,
				      .name = "bpf_map_elem", .map_id = 9},
		  NULL, "\"target_name\":\"bpf_map_elem\",\"map_id\":9}", "iterator bpf_map_elem over map 9");
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_NETNS, .id = 1, .prog_id = 2, .has_target = true,
				      .netns_ino = 4026531840u, .attach_type = BPF_SK_LOOKUP},
		  "this network namespace", "\"attach_type\":\"sk_lookup\",\"netns_ino\":4026531840,\"netns\":\"this network namespace\"}",
		  "sk_lookup on network namespace 4026531840 (this network namespace)");
	link_case(&(struct info_link){.type = BPF_LINK_TYPE_TRACING, .id = 1, .prog_id = 2, .has_target = true,
				      .attach_type = BPF_TRACE_FENTRY, .target_obj_id = 1, .target_btf_id = 5000},
		  NULL, "\"attach_type\":\"trace_fentry\",\"target_obj_id\":1,\"target_btf_id\":5000}",
		  "trace_fentry of BTF type 5000 in object 1");
	link_case(&(struct info_link){.type = 99, .id = 1, .prog_id = 2}, NULL, "\"type\":99,\"prog_id\":2}",
		  "type 99        prog 2      (target not reported by this kernel)");
}

TEST(status_render_pins)
{
	struct status_pin pins[3] = {
		{.path = "/sys/fs/bpf/x/maps/m", .kind = INFO_FD_MAP, .map = {.id = 5, .type = 1, .name = "m",
									    .key_size = 4, .value_size = 8, .max_entries = 2}},
		{.path = "/sys/fs/bpf/x/links/p", .kind = INFO_FD_LINK,
		 .link = {.l = {.type = BPF_LINK_TYPE_XDP, .id = 7, .prog_id = 12, .ifindex = 0},
			  .unnamed = "detached (its interface is gone)"}},
		{.path = "/sys/fs/bpf/x/odd", .kind = INFO_FD_UNKNOWN, .err = -EACCES},
	};
	struct status st = {.pin_listing = true, .pins = pins, .npins = 3};
	struct strbuf sb = {0};
	const char *j = render(&st, true, &sb);
	CHECK(!strcmp(j, "{\"pins\":[{\"path\":\"/sys/fs/bpf/x/maps/m\",\"kind\":\"map\",\"id\":5,\"type\":\"hash\","
			 "\"name\":\"m\",\"flags\":0,\"bytes_key\":4,\"bytes_value\":8,\"max_entries\":2},"
			 "{\"path\":\"/sys/fs/bpf/x/links/p\",\"kind\":\"link\",\"id\":7,\"type\":\"xdp\",\"prog_id\":12,"
			 "\"ifindex\":0,\"unnamed\":\"detached (its interface is gone)\"},"
			 "{\"path\":\"/sys/fs/bpf/x/odd\",\"kind\":\"unknown\",\"error\":\"EACCES\"}]}\n"),
	      "json: %s", j);
	const char *t = render(&st, false, &sb);
	CHECK(strstr(t, "/sys/fs/bpf/x/maps/m\n    map  5      hash           m                key 4, value 8, max 2\n") &&
		      strstr(t, "/sys/fs/bpf/x/odd\n    not a pinned object (BPF_OBJ_GET: EACCES)\n"),
	      "text: %s", t);
	st.npins = 0;
	CHECK(!strcmp(render(&st, false, &sb), "(no pins)\n") && !strcmp(render(&st, true, &sb), "{\"pins\":[]}\n"),
	      "empty: %s", sb.buf);
	sb_free(&sb);
}
