/* bpf/packet.c — packet sockets for socket filter programs; see packet.h. */
#include "bpf/packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpf/sys.h"

#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50 /* asm-generic/socket.h, kernel 3.19 */
#endif

int packet_socket_open(int ifindex, int prog_fd, struct diag *d)
{
	/* Protocol 0: the socket receives nothing until bind names ETH_P_ALL, after the filter. */
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s < 0)
		return diag_set(d, -errno, "packet socket: socket(AF_PACKET, SOCK_RAW): %s", sys_errno_name(-errno));
	int small = 0; /* the kernel raises it to its minimum */
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (setsockopt(s, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof(prog_fd)) < 0) {
		int err = -errno;
		close(s);
		return diag_set(d, err, "packet socket: SO_ATTACH_BPF: %s", sys_errno_name(err));
	}
	struct sockaddr_ll addr;
	memset(&addr, 0, sizeof(addr));
	addr.sll_family = AF_PACKET;
	addr.sll_protocol = htons(ETH_P_ALL);
	addr.sll_ifindex = ifindex;
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;
		close(s);
		return diag_set(d, err, "packet socket: bind to ifindex %d: %s", ifindex, sys_errno_name(err));
	}
	return s;
}
