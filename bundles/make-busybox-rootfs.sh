#!/bin/sh
# Builds a busybox root filesystem from Debian's busybox-static: one symlink per applet,
# /etc/passwd and /etc/group. Usage: make-busybox-rootfs.sh [ROOTFS_DIR]
# (default: bundles/busybox/rootfs beside this script). Idempotent.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rootfs=${1:-$here/busybox/rootfs}
busybox=${BUSYBOX:-/bin/busybox}
if [ ! -x "$busybox" ] || ! "$busybox" --list >/dev/null 2>&1; then
    echo "make-busybox-rootfs: $busybox missing; install busybox-static" >&2
    exit 1
fi
case "$(file -b "$busybox" 2>/dev/null || echo static)" in
    *dynamically*) echo "make-busybox-rootfs: $busybox is not static; install busybox-static" >&2; exit 1 ;;
esac

mkdir -p "$rootfs"
cd "$rootfs"
mkdir -p bin sbin usr/bin usr/sbin etc root tmp proc sys dev home var/log run
chmod 1777 tmp
cp "$busybox" bin/busybox
chmod 0755 bin/busybox
for applet in $(bin/busybox --list-full); do
    [ "$applet" = bin/busybox ] && continue
    mkdir -p "$(dirname "$applet")"
    # Relative links keep the rootfs self-contained wherever it lives.
    depth=$(echo "$applet" | awk -F/ '{print NF-1}')
    up=""
    i=0
    while [ "$i" -lt "$depth" ]; do up="../$up"; i=$((i + 1)); done
    ln -sfn "${up}bin/busybox" "$applet"
done
cat > etc/passwd <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > etc/group <<'GROUP'
root:x:0:
daemon:x:1:
bin:x:2:
tty:x:5:
users:x:100:
nogroup:x:65534:
GROUP
echo whalebox > etc/hostname
: > etc/resolv.conf
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > etc/hosts
echo "rootfs ready: $rootfs"
