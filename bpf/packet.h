/* bpf/packet.h — packet sockets for socket filter programs: an AF_PACKET socket that sees every
 * frame one interface receives and sends, with a BPF program attached (SO_ATTACH_BPF).
 * Doesn't own: reading the frames (nobody does: the socket only gives the program something to
 * run on), other socket kinds. */
#ifndef RAWLOAD_PACKET_H
#define RAWLOAD_PACKET_H

#include "common/diag.h"

/* A raw AF_PACKET socket (all protocols) bound to ifindex, prog_fd attached as its filter before it
 * is bound, so the program runs on every frame from the bind on and on nothing before. Its receive
 * buffer is the smallest the kernel allows: frames the program keeps queue there unread and the
 * rest are dropped, while the program still runs on each. Returns the socket (O_CLOEXEC; closing
 * it detaches) or a negative errno with d set ("packet socket: ..."). */
int packet_socket_open(int ifindex, int prog_fd, struct diag *d);

#endif
