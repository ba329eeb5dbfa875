// SPDX-License-Identifier: GPL-2.0
/* sockmap_count.bpf.c — a sockmap and the programs that run for the sockets in it, counting.
 *
 * A loader must see:
 * - map `sock_map`: SOCKMAP, key u32, value u32 (a socket), 2 entries;
 * - map `counts`: ARRAY, key u32, value u64, 8 entries: [0] sockets put in sock_map, [1] parser
 *   runs, [2] verdicts, [3] sk_msg runs, [4] bytes sk_msg saw;
 * - program `add_socks` in section `sockops` (SOCK_OPS, attached to a cgroup): when a TCP connection
 *   of the cgroup is established it puts the socket in sock_map, the accepting side at key 0, the
 *   connecting side at key 1, and counts it in counts[0];
 * - program `frame` in section `sk_skb/stream_parser` (SK_SKB, BPF_SK_SKB_STREAM_PARSER): messages
 *   are MSG_SIZE (64) bytes each; it may run several times per message (counts[1]);
 * - program `judge` in section `sk_skb/stream_verdict` (SK_SKB, BPF_SK_SKB_STREAM_VERDICT): runs
 *   once per 64-byte message a socket of sock_map receives (counts[2]) and passes it on to the
 *   socket (SK_PASS); its skb->len is that of the skb the message came in, which may hold more;
 * - program `on_send` in section `sk_msg` (SK_MSG, BPF_SK_MSG_VERDICT): runs once per sendmsg on a
 *   socket of sock_map (counts[3], bytes in counts[4]), SK_PASS.
 * All three attach to sock_map, the object's only sockmap. N messages of 64 bytes sent over one
 * connection whose two sockets are in the map give counts[0] = 2, [2] = [3] = N, [4] = 64 N.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MSG_SIZE 64

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 2);
} sock_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} counts SEC(".maps");

static __always_inline void add(__u32 slot, __u64 v)
{
	__u64 *n = bpf_map_lookup_elem(&counts, &slot);
	if (n)
		__sync_fetch_and_add(n, v);
}

SEC("sockops")
int add_socks(struct bpf_sock_ops *skops)
{
	__u32 key;
	switch (skops->op) {
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		key = 0;
		break;
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
		key = 1;
		break;
	default:
		return 1;
	}
	if (bpf_sock_map_update(skops, &sock_map, &key, BPF_ANY) == 0)
		add(0, 1);
	return 1;
}

SEC("sk_skb/stream_parser")
int frame(struct __sk_buff *skb)
{
	add(1, 1);
	return MSG_SIZE;
}

SEC("sk_skb/stream_verdict")
int judge(struct __sk_buff *skb)
{
	add(2, 1);
	return SK_PASS;
}

SEC("sk_msg")
int on_send(struct sk_msg_md *msg)
{
	add(3, 1);
	add(4, msg->size);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
