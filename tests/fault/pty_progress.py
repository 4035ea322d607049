#!/usr/bin/env python3
"""The progress bar shows on a terminal and nowhere else (docs/reliability.md).

Usage: pty_progress.py path/to/focal

Runs a long simulation twice, stopping it with SIGINT after 2.5 s: once
with stderr on a pseudo-terminal, where a bar with a percentage and a
time-left estimate must appear and be erased before the closing message,
and once with stderr on a pipe, where the message must be all there is.
Prints what went wrong and exits 1 on a failure.
"""
import os
import pty
import select
import signal
import subprocess
import sys
import time

CMD = ["simulate", "--anchors", "1e12"]


def read_for(fd, seconds):
    out = b""
    end = time.time() + seconds
    while True:
        left = end - time.time()
        if left <= 0:
            return out
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the other side closed
            return out
        if not chunk:
            return out
        out += chunk


def on_terminal(focal):
    master, slave = pty.openpty()
    p = subprocess.Popen([focal] + CMD, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = read_for(master, 2.5)
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=20)
    seen += read_for(master, 0.5)
    os.close(master)
    errs = []
    if p.returncode != 130:
        errs.append("terminal: status %d, not 130" % p.returncode)
    if out:
        errs.append("terminal: stdout not empty: %r" % out[:200])
    if b"%" not in seen or b"left" not in seen or b"[#" not in seen:
        errs.append("terminal: no bar with a time estimate: %r" % seen[:300])
    tail = seen.rsplit(b"\r\x1b[K", 1)
    if len(tail) != 2 or tail[1] != b"focal: interrupted\r\n":
        errs.append("terminal: the bar is not erased before the message: %r"
                    % seen[-200:])
    return errs


def on_pipe(focal):
    p = subprocess.Popen([focal] + CMD, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=20)
    errs = []
    if p.returncode != 130 or out or err != b"focal: interrupted\n":
        errs.append("pipe: status %d, stdout %r, stderr %r"
                    % (p.returncode, out[:100], err[:300]))
    return errs


def main():
    focal = sys.argv[1]
    errs = on_terminal(focal) + on_pipe(focal)
    for e in errs:
        print(e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
