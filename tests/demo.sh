#!/bin/sh
# tests/demo.sh — `sudo make demo`: the main job on a self-made default. Two network namespaces
# joined by a veth pair (nothing leaves them), a bounded stream of UDP between them, then the two
# seed examples and the execve example for a few seconds each. Everything is removed at the end.
set -u
cd "$(dirname "$0")/.." || exit 1
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 1; }
[ -x build/udpsend ] || { echo "demo: build/udpsend is missing (make demo builds it)" >&2; exit 1; }

A=rawload-demo-a B=rawload-demo-b
ADDR_A=10.213.7.1 ADDR_B=10.213.7.2
cleanup() {
	[ -n "${sender:-}" ] && kill "$sender" 2>/dev/null
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cleanup

# Two namespaces, IPv6 off before the link comes up and static neighbours, so the only packets on
# the wire are the ones sent below.
ip netns add $A && ip netns add $B || exit 1
for ns in $A $B; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n $ns link set lo up
done
ip link add veth-a netns $A type veth peer name veth-b netns $B || exit 1
ip -n $A addr add $ADDR_A/24 dev veth-a
ip -n $B addr add $ADDR_B/24 dev veth-b
ip -n $A link set veth-a up
ip -n $B link set veth-b up
ip -n $A neigh replace $ADDR_B lladdr "$(ip netns exec $B cat /sys/class/net/veth-b/address)" dev veth-a nud permanent
ip -n $B neigh replace $ADDR_A lladdr "$(ip netns exec $A cat /sys/class/net/veth-a/address)" dev veth-b nud permanent

# rawload runs in B's network namespace only (nsenter keeps the host's /sys and bpffs).
in_b() { nsenter --net=/run/netns/$B "$@"; }
# 40 datagrams, one every 75 ms, from A to B: bounded in count and time. They start half a second
# after rawload does, once its program is surely attached, so the count shows all 40.
send() { (sleep 0.5; exec ip netns exec $A build/udpsend $ADDR_B 9 40 75 "$1") & sender=$!; }

echo "== counter: XDP program counting packets on veth-b, 4 s, while A sends 40 UDP datagrams"
echo "\$ rawload examples/counter.o veth-b -d 4"
send 64
in_b ./rawload examples/counter.o veth-b -d 4.2
wait "$sender" || { echo "demo: the sender failed" >&2; exit 1; }
sender=

echo
echo "== show-ip: the latest IPv4 packet's addresses, TTL and protocol (A sends with TTL 33)"
echo "\$ rawload examples/show-ip.o veth-b -d 4"
send 33
in_b ./rawload examples/show-ip.o veth-b -d 4.2
wait "$sender" || { echo "demo: the sender failed" >&2; exit 1; }
sender=

echo
echo "== execsnoop: a tracepoint on execve, counts per command and a ring buffer of events"
echo "\$ rawload examples/execsnoop.o -d 3"
(sleep 1; uname -r >/dev/null; ls / >/dev/null; id >/dev/null) &
./rawload examples/execsnoop.o -d 3.2 -i 1.5
wait

echo
echo "== after the runs: nothing left attached"
ip -n $B link show veth-b | grep -q xdp && echo "veth-b still has an XDP program!" || echo "veth-b: no XDP program"
