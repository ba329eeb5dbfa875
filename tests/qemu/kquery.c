/* tests/qemu/kquery.c — the kernel's own view, asked without rawload, for the old-kernel run (the
 * VM has no iproute2 with XDP output and no bpftool): the witness the host tests get from `ip link`
 * and bpftool.
 * usage: kquery xdp IFACE                 "xdp IFACE attached MODE prog_id ID" (MODE none/drv/skb/hw/multi)
 *        kquery prog ID                   exit 0 while program ID exists, 1 once it is gone
 *        kquery cgroup DIR ATTACH_TYPE    "cgroup DIR type T count N ids ID..." (BPF_PROG_QUERY;
 *                                         ATTACH_TYPE is a number of enum bpf_attach_type)
 *        kquery version                   "LINUX_VERSION_CODE 0x..." the kernel built into its vDSO
 *                                         (the "Linux" ELF note), whatever uname -r says */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static long bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

/* RTM_GETLINK for one interface; IFLA_XDP's ATTACHED and PROG_ID from the reply. */
static int query_xdp(const char *ifname)
{
	unsigned idx = if_nametoindex(ifname);
	if (!idx) {
		fprintf(stderr, "kquery: no interface %s\n", ifname);
		return 2;
	}
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {.nh = {.nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1},
		 .ifi = {.ifi_family = AF_UNSPEC, .ifi_index = (int)idx}};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0 || send(fd, &req, sizeof(req), 0) < 0) {
		perror("kquery: netlink");
		return 2;
	}
	static char buf[65536];
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	close(fd);
	struct nlmsghdr *nh = (void *)buf;
	if (n < (ssize_t)sizeof(*nh) || !NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type != RTM_NEWLINK) {
		fprintf(stderr, "kquery: no RTM_NEWLINK reply for %s\n", ifname);
		return 2;
	}
	unsigned attached = 0, prog_id = 0;
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int left = (int)IFLA_PAYLOAD(nh);
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		if ((a->rta_type & NLA_TYPE_MASK) != IFLA_XDP)
			continue;
		int in = (int)RTA_PAYLOAD(a);
		for (struct rtattr *x = RTA_DATA(a); RTA_OK(x, in); x = RTA_NEXT(x, in)) {
			if (x->rta_type == IFLA_XDP_ATTACHED && RTA_PAYLOAD(x) >= 1)
				attached = *(uint8_t *)RTA_DATA(x);
			if (x->rta_type == IFLA_XDP_PROG_ID && RTA_PAYLOAD(x) >= 4)
				memcpy(&prog_id, RTA_DATA(x), 4);
		}
	}
	static const char *const mode[] = {"none", "drv", "skb", "hw", "multi"};
	printf("xdp %s attached %s prog_id %u\n", ifname, attached < 5 ? mode[attached] : "?", prog_id);
	return 0;
}

static int query_prog(const char *id)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = (uint32_t)strtoul(id, NULL, 10);
	long fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd >= 0) {
		close((int)fd);
		printf("prog %s exists\n", id);
		return 0;
	}
	if (errno == ENOENT) {
		printf("prog %s gone\n", id);
		return 1;
	}
	perror("kquery: BPF_PROG_GET_FD_BY_ID");
	return 2;
}

static int query_cgroup(const char *dir, const char *type)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		perror("kquery: open the cgroup");
		return 2;
	}
	uint32_t ids[64];
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)fd;
	attr.query.attach_type = (uint32_t)strtoul(type, NULL, 10);
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = 64;
	if (bpf(BPF_PROG_QUERY, &attr) < 0) {
		perror("kquery: BPF_PROG_QUERY");
		close(fd);
		return 2;
	}
	close(fd);
	printf("cgroup %s type %s count %u ids", dir, type, attr.query.prog_cnt);
	for (uint32_t i = 0; i < attr.query.prog_cnt && i < 64; i++)
		printf(" %u", ids[i]);
	printf("\n");
	return 0;
}

/* The vDSO is mapped whole: its notes are at their file offsets from the image's start. */
static int query_version(void)
{
	const uint8_t *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	if (!base) {
		fprintf(stderr, "kquery: no vDSO\n");
		return 2;
	}
	const Elf64_Ehdr *eh = (const void *)base;
	const Elf64_Phdr *ph = (const void *)(base + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_NOTE)
			continue;
		const uint8_t *p = base + ph[i].p_offset, *end = p + ph[i].p_filesz;
		while (p + sizeof(Elf64_Nhdr) <= end) {
			const Elf64_Nhdr *n = (const void *)p;
			const uint8_t *name = p + sizeof(*n), *desc = name + ((n->n_namesz + 3) & ~3u);
			if (n->n_namesz == 6 && !memcmp(name, "Linux", 6) && n->n_type == 0 && n->n_descsz >= 4 &&
			    desc + 4 <= end) {
				uint32_t code;
				memcpy(&code, desc, 4);
				printf("LINUX_VERSION_CODE %#x\n", code);
				return 0;
			}
			p = desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	fprintf(stderr, "kquery: the vDSO has no Linux version note\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "version"))
		return query_version();
	if (argc == 3 && !strcmp(argv[1], "xdp"))
		return query_xdp(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "prog"))
		return query_prog(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "cgroup"))
		return query_cgroup(argv[2], argv[3]);
	fprintf(stderr, "usage: kquery xdp IFACE | prog ID | cgroup DIR ATTACH_TYPE | version\n");
	return 2;
}
