#!/bin/bash
# Runs bats suites in a throwaway KVM guest whose only cgroup hierarchy is cgroup v2
# (../shared/vm/vm-run, next to the repository), and exits with bats' status. The suites
# are integration/cgroupv2.bats and the client suites (podman, containerd), so the limits,
# pause/resume, ps and stats that the clients get from whalebox are checked on a pure
# cgroup v2 host too; VM_SUITES (space-separated paths) picks others.
#
#   integration/run-cgroupv2-vm.sh [BATS ARGS...]     e.g. -f devices, --formatter tap
#   VM_SUITES=integration/cgroupv2.bats integration/run-cgroupv2-vm.sh
#
# Uses $WHALEBOX (default build/whalebox) and the busybox rootfs; build both first. The
# guest sees the host's / read-only, so the repository is visible as it is, except under
# /tmp, /var/tmp or /run, which vm-run then shares explicitly. Installs the VM's packages
# with apt-get when they are missing. The VM's timeout is VM_TIMEOUT s (default 2400;
# exit 124). Under TCG (no usable KVM) the three suites take about 20 minutes.
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
read -r -a suites <<<"${VM_SUITES:-integration/cgroupv2.bats integration/clients/podman.bats integration/clients/containerd.bats}"
"$VM_RUN" --timeout "${VM_TIMEOUT:-2400}" "${shares[@]}" -- \
	env WHALEBOX="$WHALEBOX" bats "$@" "${suites[@]}" || rc=$?
echo "run-cgroupv2-vm: exit $rc after $(($(date +%s) - start)) s" >&2
exit "$rc"
