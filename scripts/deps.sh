#!/usr/bin/env bash
# Install every Debian 12 package that tern's build, tests, demo and
# benchmarks need. When all are present already it only asks dpkg, so
# running it again is fast; otherwise apt-get update + install (root, or
# sudo when available).
set -euo pipefail

packages=(
	# build
	dpdk dpdk-dev libdpdk-dev libnuma-dev meson ninja-build
	python3-pyelftools pkg-config clang
	# tests
	libcmocka-dev python3 python3-scapy socat iproute2 iputils-ping ethtool
	valgrind graphviz
	# tern-testpmd's prompt under test; dpdk-dumpcap captures decoded
	tmux tshark
	# benchmarks and their plots
	wrk gnuplot-nox python3-matplotlib
)

missing=()
while read -r name status; do
	[ "$status" = installed ] || missing+=("$name")
done < <(for p in "${packages[@]}"; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || s=absent
	echo "$p ${s:-absent}"
done)

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages installed"
	exit 0
fi
echo "deps: installing ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: not root and no sudo: install ${missing[*]}" >&2
		exit 1
	}
	sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture: no.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	"${sudo[@]}" debconf-set-selections
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
