/* loader/attach/socket.c — socket filter programs (SEC "socket"): rawload opens a packet socket on
 * IFACE (or the default route's interface) with the program as its filter (SO_ATTACH_BPF), so the
 * program runs on every frame the interface receives and sends, as a sniffer's would; what it
 * returns only decides what the unread socket would keep. Closing the socket detaches it. */
#include <stdio.h>

#include "bpf/packet.h"
#include "loader/attach/attach.h"

int attach_socket_filter(const struct obj *o, const struct loaded *l, const struct attach_opts *opts,
			 struct attachment *a, struct diag *d)
{
	const struct obj_prog *p = &o->progs[a->prog];
	char rb[24];
	int s = packet_socket_open(opts->ifindex, l->prog_fds[a->prog], d);
	narrate(opts->say, "socket: AF_PACKET socket on %s (ifindex %d), SO_ATTACH_BPF prog '%s' -> %s", opts->ifname,
		opts->ifindex, p->name, s < 0 ? d->msg : narrate_result(s, rb));
	if (s < 0)
		return diag_wrap(d, s, "prog '%s': ", p->name);
	a->sock_fd = s;
	a->ifindex = opts->ifindex;
	a->how = "packet socket";
	snprintf(a->note, sizeof(a->note), "%s (a packet socket of every frame it receives and sends), via SO_ATTACH_BPF",
		 opts->ifname);
	return 0;
}
