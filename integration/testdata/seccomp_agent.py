#!/usr/bin/python3
"""A seccomp agent for the integration tests.

    seccomp_agent.py SOCKET OUT [--errno N]

Listens on the unix socket SOCKET; for each connection, receives the message and the
fds that came with it (SCM_RIGHTS), writes the message to OUT.json and, per fd, what
/proc/self/fd/N links to, to OUT.fds. With --errno N it then answers every notification
on the first fd with -N (SECCOMP_IOCTL_NOTIF_RECV/SEND) and appends the syscall number to
OUT.syscalls; without, it closes the fds (the notified syscalls then fail with ENOSYS).
OUT.ready appears once the socket listens. Runs until killed.
"""
import argparse
import fcntl
import os
import socket
import struct
import threading

# struct seccomp_notif: id u64, pid u32, flags u32, seccomp_data (nr i32, arch u32,
# instruction_pointer u64, args u64[6]) = 80 bytes; struct seccomp_notif_resp: id u64,
# val i64, error i32, flags u32 = 24 bytes.
NOTIF_SIZE = 80
RESP_FORMAT = "=QqiI"
SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100  # _IOWR('!', 0, struct seccomp_notif)
SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101  # _IOWR('!', 1, struct seccomp_notif_resp)


def answer(fd, err, out):
    while True:
        buf = bytearray(NOTIF_SIZE)
        try:
            fcntl.ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, buf, True)
        except OSError:
            break  # ENOENT when the filter's last user is gone
        notif_id, _pid, _flags, nr = struct.unpack_from("=QIIi", buf)
        with open(out + ".syscalls", "a") as f:
            f.write("%d\n" % nr)
        resp = bytearray(struct.pack(RESP_FORMAT, notif_id, 0, -err, 0))
        try:
            fcntl.ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp, True)
        except OSError:
            pass
    os.close(fd)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("out")
    parser.add_argument("--errno", type=int)
    args = parser.parse_args()

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(args.socket)
    server.listen(8)
    open(args.out + ".ready", "w").close()
    while True:
        conn, _ = server.accept()
        chunks = []
        with conn:
            msg, fds, _, _ = socket.recv_fds(conn, 65536, 8)
            chunks.append(msg)
            while True:
                more = conn.recv(65536)
                if not more:
                    break
                chunks.append(more)
        with open(args.out + ".json", "wb") as f:
            f.write(b"".join(chunks))
        with open(args.out + ".fds", "w") as f:
            for fd in fds:
                f.write(os.readlink("/proc/self/fd/%d" % fd) + "\n")
        if args.errno is not None and fds:
            threading.Thread(target=answer, args=(fds[0], args.errno, args.out), daemon=True).start()
            fds = fds[1:]
        for fd in fds:
            os.close(fd)


if __name__ == "__main__":
    main()
