#!/usr/bin/python3
"""syslog_listen.py PATH OUT [MODE]: a stand-in for syslogd at PATH (/dev/log
inside a test's private mount namespace).  Binds an AF_UNIX datagram socket at
PATH, writes "ready" to OUT.ready once it can be sent to, then:

  read   (default) appends each datagram to OUT, one line each, flushed;
  full   never reads, and fills its own receive queue first (until a
         non-blocking send says EAGAIN): a syslog daemon that is stuck;
  gone   exits at once, leaving PATH a socket nobody listens on
         (connect: ECONNREFUSED).
"""
import os
import signal
import socket
import sys


def main(path, out, mode="read"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if os.path.lexists(path):
        os.unlink(path)
    s.bind(path)
    os.chmod(path, 0o666)
    if mode == "full":
        c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        c.connect(path)
        c.setblocking(False)
        n = 0
        try:
            while n < 1000000:
                c.send(b"filler")
                n += 1
        except BlockingIOError:
            pass
        with open(out + ".ready", "w") as f:
            f.write("full after %d datagrams\n" % n)
        signal.pause()
    if mode == "gone":
        with open(out + ".ready", "w") as f:
            f.write("gone\n")
        return
    with open(out, "ab", buffering=0) as f:
        with open(out + ".ready", "w") as r:
            r.write("ready\n")
        while True:
            f.write(s.recv(65536).rstrip(b"\n") + b"\n")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(*sys.argv[1:])
