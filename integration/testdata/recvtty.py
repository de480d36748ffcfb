#!/usr/bin/python3
"""A console-socket receiver for the integration tests (what runc's recvtty does).

    recvtty.py SOCKET OUT [--input TEXT]

Listens on the unix socket SOCKET and, for each connection N (0, 1, ...), receives the
pty master sent with SCM_RIGHTS, writes the name that came with it to OUT.N.name and
everything read from the master to OUT.N, until the pty's other side is closed. With
--input, writes TEXT to each master once it has arrived. OUT.ready appears once the
socket listens. Runs until killed.
"""
import argparse
import os
import socket
import threading


def pump(master, out_path, text):
    if text is not None:
        os.write(master, text.encode())
    with open(out_path, "ab", buffering=0) as out:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: every slave fd is closed
                break
            if not data:
                break
            out.write(data)
    os.close(master)
    open(out_path + ".done", "w").close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("out")
    parser.add_argument("--input")
    args = parser.parse_args()

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(args.socket)
    server.listen(8)
    open(args.out + ".ready", "w").close()
    n = 0
    while True:
        conn, _ = server.accept()
        with conn:
            msg, fds, _, _ = socket.recv_fds(conn, 4096, 4)
        if not fds:
            continue
        for extra in fds[1:]:
            os.close(extra)
        path = "%s.%d" % (args.out, n)
        with open(path + ".name", "w") as f:
            f.write(msg.rstrip(b"\0").decode(errors="replace"))
        open(path, "wb").close()
        threading.Thread(target=pump, args=(fds[0], path, args.input), daemon=True).start()
        n += 1


if __name__ == "__main__":
    main()
