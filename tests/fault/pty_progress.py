#!/usr/bin/env python3
"""The progress bar shows on a terminal and nowhere else (docs/reliability.md).

Usage: pty_progress.py path/to/focal

Runs a long simulation twice, stopping it with SIGINT after 2.5 s: once
with stderr on a pseudo-terminal, where a bar with a percentage and a
time-left estimate must appear and be erased before the closing message,
and once with stderr on a pipe, where the message must be all there is.
Then types the simulation into the REPL on a terminal and Ctrl-C: the
session must say "interrupted" within 2 s and go on to the next line.
Prints what went wrong (and the REPL's latency) and exits 1 on a failure.
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


# Waits are on state, never on the clock (tests/wait.sh): each gives up
# only after the suite's timeout.
TIMEOUT = float(os.environ.get("FOCAL_TEST_TIMEOUT", "600"))


def read_until(fd, marks, seconds=TIMEOUT):
    """Read fd until every byte string of marks has appeared."""
    out = b""
    end = time.time() + seconds
    while not all(m in out for m in marks) and time.time() < end:
        out += read_for(fd, 0.05)
    return out


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def on_terminal(focal):
    master, slave = pty.openpty()
    p = subprocess.Popen([focal] + CMD, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = read_until(master, [b"[#", b"left"])
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=TIMEOUT)
    seen += read_until(master, [b"interrupted\r\n"])
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
    end = time.time() + TIMEOUT
    while p.poll() is None and cpu_ticks(p.pid) < 20 and time.time() < end:
        time.sleep(0.02)  # until 0.2 s of CPU: the work is under way
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=TIMEOUT)
    errs = []
    if p.returncode != 130 or out or err != b"focal: interrupted\n":
        errs.append("pipe: status %d, stdout %r, stderr %r"
                    % (p.returncode, out[:100], err[:300]))
    return errs


def repl_on_terminal(focal):
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(focal, [focal, "repl"])
    read_until(fd, [b"> "])  # the prompt
    os.write(fd, b" ".join(x.encode() for x in CMD) + b"\n")
    read_until(fd, [b"[#"])  # the command's bar: its work is under way
    t0 = time.time()
    os.write(fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT
    seen, lat = b"", None
    while time.time() - t0 < TIMEOUT and lat is None:
        seen += read_for(fd, 0.01)
        if b"interrupted" in seen:
            lat = time.time() - t0
    os.write(fd, b"quit\n")
    read_until(fd, [b"quit"], 5.0)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    if lat is None or lat > 5.0:
        return ["repl: no 'interrupted' within 5 s of Ctrl-C: %r" % seen[-300:]]
    print("repl on a terminal: Ctrl-C to 'interrupted' in %.0f ms" % (1000 * lat))
    if os.WEXITSTATUS(status) != 0:
        return ["repl: the session did not go on after the interruption (status %d)"
                % os.WEXITSTATUS(status)]
    return []


def main():
    focal = sys.argv[1]
    errs = on_terminal(focal) + on_pipe(focal) + repl_on_terminal(focal)
    for e in errs:
        print(e)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
