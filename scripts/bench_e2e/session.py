"""One program in a pseudo-terminal: everything it writes is timed, fed to a screen model and
grouped into bursts; its CPU time, context switches and memory are read from /proc."""

import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time

from vt import Screen

# Reads closer together than this belong to one burst (one frame, however many writes).
BURST_GAP = 0.004
CLK_TCK = os.sysconf("SC_CLK_TCK")


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def proc_sample(pid):
    """CPU seconds (threads alive now, plus children reaped so far), context switches
    (threads alive now), and memory, for one process."""
    cpu_ns = 0
    vol = invol = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    cpu_ns += int(f.read().split()[0])
                with open(f"/proc/{pid}/task/{tid}/status") as f:
                    for line in f:
                        if line.startswith("voluntary_ctxt_switches"):
                            vol += int(line.split()[1])
                        elif line.startswith("nonvoluntary_ctxt_switches"):
                            invol += int(line.split()[1])
            except FileNotFoundError:
                pass  # a thread that just ended
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        children = (int(fields[13]) + int(fields[14])) / CLK_TCK  # cutime + cstime
        rss = hwm = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
    except FileNotFoundError:
        return None
    return {
        "t": time.monotonic(),
        "cpu_s": cpu_ns / 1e9 + children,
        "ctx_voluntary": vol,
        "ctx_involuntary": invol,
        "rss": rss,
        "hwm": hwm,
    }


class Session:
    def __init__(self, argv, cols, rows, env=None):
        self.cols, self.rows = cols, rows
        self.screen = Screen(cols, rows)
        self.reads = []  # (time, bytes)
        self.bursts = []  # dicts: start, end, bytes, reads, changed
        self._burst = None
        self.exit_status = None
        self.rusage = None
        self.spawned = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                set_size(1, cols, rows)
                os.execvpe(argv[0], argv, env or os.environ)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        os.set_blocking(fd, False)

    # --- reading ------------------------------------------------------------------------
    def _close_burst(self):
        b = self._burst
        if b is not None:
            b["changed"] = self.screen.cells != b.pop("before")
            self.bursts.append(b)
            self._burst = None

    def _read_once(self, timeout):
        """Wait up to `timeout` for output; feed what came. Returns bytes read (0 on timeout,
        -1 when the terminal closed)."""
        r, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        now = time.monotonic()
        if not r:
            if self._burst and now - self._burst["end"] >= BURST_GAP:
                self._close_burst()
            return 0
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            self._close_burst()
            return -1
        if self._burst and now - self._burst["end"] >= BURST_GAP:
            self._close_burst()
        if self._burst is None:
            self._burst = {"start": now, "end": now, "bytes": 0, "reads": 0,
                           "before": self.screen.snapshot()}
        self._burst["end"] = now
        self._burst["bytes"] += len(data)
        self._burst["reads"] += 1
        self.reads.append((now, len(data)))
        self.screen.feed(data)
        if self.screen.replies:
            for reply in self.screen.replies:
                os.write(self.fd, reply)
            self.screen.replies.clear()
        return len(data)

    def pump(self, seconds):
        """Read everything the program writes for `seconds`."""
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            if self._read_once(min(left, BURST_GAP)) < 0:
                return

    def wait_for(self, done, timeout):
        """Read until `done(screen)` holds at the end of a read and no synchronized update is
        open; the time of that read, or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            n = self._read_once(min(end - time.monotonic(), BURST_GAP))
            if n < 0:
                return None
            if n > 0 and not self.screen.sync and done(self.screen):
                return self.reads[-1][0]
        return None

    def settle(self, quiet=0.05, timeout=2.0):
        """Read until the program has been silent for `quiet` seconds; the time of its last
        byte."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            last = self.reads[-1][0] if self.reads else self.spawned
            if time.monotonic() - last >= quiet and not self.screen.sync:
                break
            if self._read_once(BURST_GAP) < 0:
                break
        self._close_burst()
        return self.reads[-1][0] if self.reads else None

    # --- acting -------------------------------------------------------------------------
    def send(self, data):
        t = time.monotonic()
        os.write(self.fd, data)
        return t

    def resize(self, cols, rows):
        t = time.monotonic()
        set_size(self.fd, cols, rows)  # the kernel sends SIGWINCH to the foreground group
        self.screen.resize(cols, rows)
        self.cols, self.rows = cols, rows
        return t

    def sample(self):
        return proc_sample(self.pid)

    def wait_exit(self, timeout):
        """Wait for the program to exit, reading its output meanwhile; the time it exited."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid == self.pid:
                t = time.monotonic()
                self.exit_status, self.rusage = status, rusage
                return t
            self._read_once(0.001)
        return None

    def kill(self):
        if self.exit_status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                _, self.exit_status, self.rusage = os.wait4(self.pid, 0)
            except ProcessLookupError:
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass

    # --- figures over a window ----------------------------------------------------------
    def window(self, t0, t1):
        reads = [(t, n) for t, n in self.reads if t0 <= t < t1]
        bursts = [b for b in self.bursts if t0 <= b["start"] < t1]
        return reads, bursts
