#!/bin/bash
# Run the socket scenarios against Linux (test_sock_kernel) inside a
# network namespace of our own: loopback up with 198.18.0.10 and .11.
# The namespace is removed on every path. Without root or `ip netns`:
# SKIP (77).
set -u
bin=$1
shift
if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
	echo "SKIP: needs root and ip netns"
	exit 77
fi
ns="tern-sock-$$"
cleanup() {
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$ns" || exit 1
ip -n "$ns" link set lo up || exit 1
ip -n "$ns" addr add 198.18.0.10/32 dev lo || exit 1
ip -n "$ns" addr add 198.18.0.11/32 dev lo || exit 1
# The inet6_* scenarios: the simulator's IPv6 addresses (2001:2::/48).
ip -n "$ns" addr add 2001:2::a/128 dev lo nodad || exit 1
ip -n "$ns" addr add 2001:2::b/128 dev lo nodad || exit 1
# 198.18.0.99 is out a veth whose other end nobody answers ARP on:
# every SYN to it is lost.
ip -n "$ns" link add sx0 type veth peer name sx1 || exit 1
ip -n "$ns" link set sx1 up || exit 1
ip -n "$ns" link set sx0 up || exit 1
ip -n "$ns" route add 198.18.0.99/32 dev sx0 || exit 1
ip netns exec "$ns" "$bin" "$@"
