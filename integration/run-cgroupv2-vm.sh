#!/bin/bash
# Runs integration/cgroupv2.bats in a throwaway KVM guest whose only cgroup hierarchy is
# cgroup v2 (../shared/vm/vm-run, next to the repository), and exits with its status.
#
#   integration/run-cgroupv2-vm.sh [BATS ARGS...]     e.g. -f devices, --tap
#
# Uses $WHALEBOX (default build/whalebox) and the busybox rootfs; build both first. The
# guest sees the host's / read-only, so the repository is visible as it is, except under
# /tmp, /var/tmp or /run, which vm-run then shares explicitly. Installs the VM's packages
# with apt-get when they are missing. The VM's timeout is 900 s (exit 124).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VM_RUN=$REPO/../shared/vm/vm-run
WHALEBOX=$(realpath "${WHALEBOX:-$REPO/build/whalebox}")

[ -x "$VM_RUN" ] || { echo "run-cgroupv2-vm: $VM_RUN not found" >&2; exit 1; }
[ -x "$WHALEBOX" ] || { echo "run-cgroupv2-vm: no whalebox at $WHALEBOX: build it first" >&2; exit 1; }
[ -x "$REPO/bundles/busybox/rootfs/bin/busybox" ] ||
	{ echo "run-cgroupv2-vm: run bundles/make-busybox-rootfs.sh first" >&2; exit 1; }

missing=()
for pkg in qemu-system-x86 linux-image-amd64 busybox-static xz-utils; do
	dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "run-cgroupv2-vm: installing ${missing[*]}" >&2
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Paths the guest replaces by an empty tmpfs must be shared.
shares=()
for path in "$REPO" "$WHALEBOX"; do
	case "$path" in
	/tmp/* | /var/tmp/* | /run/*) shares+=(--share "$(dirname "$path")") ;;
	esac
done

cd "$REPO"
start=$(date +%s)
rc=0
"$VM_RUN" --timeout 900 "${shares[@]}" -- \
	env WHALEBOX="$WHALEBOX" bats "$@" integration/cgroupv2.bats || rc=$?
echo "run-cgroupv2-vm: exit $rc after $(($(date +%s) - start)) s" >&2
exit "$rc"
