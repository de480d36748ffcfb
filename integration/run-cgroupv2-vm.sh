#!/bin/bash
# Runs bats suites in one throwaway VM whose only cgroup hierarchy is cgroup v2 (the
# project's harness, integration/vm/wb-vm) and exits with bats' status. Booting a VM
# under TCG costs about a minute, so all suites share one boot and one bats run.
#
#   integration/run-cgroupv2-vm.sh [BATS ARGS...]     e.g. -f devices, --formatter tap
#   VM_SUITES="integration/cgroupv2.bats" integration/run-cgroupv2-vm.sh
#   VM_SYSTEMD=1 VM_SUITES="..." integration/run-cgroupv2-vm.sh    systemd as PID 1
#   VM_CGROUP_V1=1 VM_SUITES="integration/checkpoint.bats" integration/run-cgroupv2-vm.sh
#                                    a hybrid cgroup v1 layout instead (wb-vm --cgroup-v1)
#
# VM_SUITES (space-separated paths, relative to the repository) defaults to the suites
# below: integration/cgroupv2.bats and the client suites (podman, containerd), so the
# limits, pause/resume, ps and stats that the clients get from whalebox are checked on a
# pure cgroup v2 host too; rootless.bats' cgroup v2 tests (a subtree delegated to an
# unprivileged user); and two tests of integration/killed.bats (a create killed in its
# prestart hook, the default-cgroup fallback of delete --force), which find and remove a
# half-made container's cgroups on v2 (the suite's random-kill rounds take about 15 minutes
# under TCG, so they run on the host only; all five passed in the VM on 2026-12-06).
# A new suite that needs cgroup v2 joins DEFAULT_SUITES. Suites
# that need systemd as PID 1 (the systemd cgroup driver) run in a separate boot with
# VM_SYSTEMD=1 (wb-vm --systemd): the plain boot has no systemd or D-Bus.
#
# Uses $WHALEBOX (default build/whalebox) and the busybox rootfs; build both first. The
# guest sees the host's / read-only, so the repository is visible as it is, except under
# /tmp, /var/tmp or /run, which are then shared explicitly. Installs the VM's packages
# with apt-get when they are missing. The VM's timeout is VM_TIMEOUT s (default 3600;
# exit 124). Under TCG (no usable KVM) the three suites take about 20 minutes.
set -euo pipefail
# One block, ended by exit: bash parses all of it before running any, so an edit to this
# file while a (long) VM run is going cannot derail the running copy.
{

# rootless.bats: only its two cgroup v2 tests (a delegated subtree, and none writable);
# killed.bats: only its two cgroup tests (see above).
DEFAULT_SUITES="integration/cgroupv2.bats integration/checkpoint.bats integration/clients/podman.bats integration/clients/containerd.bats integration/rootless.bats:rootless.cgroup.v2 integration/killed.bats:prestart.hook|default.cgroup"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WB_VM=$REPO/integration/vm/wb-vm
WHALEBOX=$(realpath "${WHALEBOX:-$REPO/build/whalebox}")

[ -x "$WHALEBOX" ] || { echo "run-cgroupv2-vm: no whalebox at $WHALEBOX: build it first" >&2; exit 1; }
[ -x "$REPO/bundles/busybox/rootfs/bin/busybox" ] ||
	{ echo "run-cgroupv2-vm: run bundles/make-busybox-rootfs.sh first" >&2; exit 1; }

packages=(qemu-system-x86 linux-image-amd64 busybox-static xz-utils kmod)
[ "${VM_SYSTEMD:-0}" = 0 ] || packages+=(systemd dbus)
missing=()
for pkg in "${packages[@]}"; do
	dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "run-cgroupv2-vm: installing ${missing[*]}" >&2
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The guest mounts empty tmpfs on /tmp, /var/tmp and /run: paths there must be shared.
vm_args=(--timeout "${VM_TIMEOUT:-3600}")
for path in "$REPO" "$WHALEBOX"; do
	case "$path" in
	/tmp/* | /var/tmp/* | /run/*) vm_args+=(--share "$(dirname "$path")") ;;
	esac
done
[ "${VM_SYSTEMD:-0}" = 0 ] || vm_args+=(--systemd)
[ "${VM_CGROUP_V1:-0}" = 0 ] || vm_args+=(--cgroup-v1)

cd "$REPO"
read -r -a entries <<<"${VM_SUITES:-$DEFAULT_SUITES}"
# One guest script: a bats run for the whole suites, then one for each filtered entry;
# its status is the first non-zero one.
quoted_args=$(printf ' %q' "$@")
whole=() script='rc=0'
for entry in "${entries[@]}"; do
	case "$entry" in
	*:*) script+=$(printf '\nbats%s -f %q %q || { s=$?; [ "$rc" -ne 0 ] || rc=$s; }' "$quoted_args" "${entry#*:}" "${entry%%:*}") ;;
	*) whole+=("$entry") ;;
	esac
done
if [ "${#whole[@]}" -gt 0 ]; then
	script=$(printf 'rc=0\nbats%s%s || rc=$?%s' "$quoted_args" "$(printf ' %q' "${whole[@]}")" "${script#rc=0}")
fi
script+=$'\nexit "$rc"'
start=$(date +%s)
rc=0
"$WB_VM" "${vm_args[@]}" -- env WHALEBOX="$WHALEBOX" bash -c "$script" || rc=$?
echo "run-cgroupv2-vm: exit $rc after $(($(date +%s) - start)) s" >&2
exit "$rc"
exit
}
