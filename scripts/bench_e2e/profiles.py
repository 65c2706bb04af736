"""The programs measured, and how to talk to each: how to start it, what its screen shows when
it is up, which key opens something and what text proves it drew, how to quit it."""

import os
import shutil

from fastprom import FastPrometheus
from quiet import QuietServer, config, watch_command

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def last_row_has(text):
    return lambda screen: text in screen.row_text(screen.rows - 1)


class Profile:
    name = ""
    argv = []
    server = None
    ready = None  # screen -> bool: the first full frame is up
    key = None  # (key to press, text that proves the answer is drawn, key that closes it)
    quit = b"q"
    interval_s = None  # the poll interval of the value that flips, if any
    old_text = new_text = None
    warmup_s = 3.0  # seconds before the passive window

    def env(self):
        env = {k: v for k, v in os.environ.items()
               if k not in ("COLUMNS", "LINES", "NO_COLOR", "TMUX", "RUST_LOG")}
        env.update(TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        return env

    def flip(self, on):
        """Change the value the sources serve (quiet profiles only)."""
        self.server.values.error_rate = 0.0055 if on else 0.0042

    def close(self):
        if self.server:
            self.server.close()


class Gonogo(Profile):
    def __init__(self, binary, tmp, mode):
        self.name = f"gonogo-{mode}"
        journal = os.path.join(tmp, f"journal-{mode}-{os.getpid()}.jsonl")
        if os.path.exists(journal):
            os.remove(journal)
        self.ready = last_row_has("quit")
        self.key = (b"?", "promote to the next stage", b"?")
        if mode == "demo":
            self.argv = [binary, "demo", "--journal", journal]
            return
        if mode == "scale":
            self.server = FastPrometheus()
            path = os.path.join(tmp, "scale.toml")
            with open(path, "w") as f:
                f.write(scale_config(self.server.url))
            self.argv = [binary, "--config", path, "--journal", journal]
            self.warmup_s = 5.0
            return
        self.server = QuietServer()
        with open(os.path.join(ROOT, "config", "demo.toml")) as f:
            demo = f.read()
        # idle: every source polled once a minute, so a window sees no poll at all.
        text = config(demo, self.server.url, interval="60s" if mode == "idle" else None)
        path = os.path.join(tmp, f"{mode}.toml")
        with open(path, "w") as f:
            f.write(text)
        self.argv = [binary, "--config", path, "--journal", journal]
        if mode == "quiet":
            # Steady state: the sparklines (23 samples at 2s) have filled.
            self.warmup_s = 50.0
            self.interval_s = 2.0
            self.old_text, self.new_text = "0.42%", "0.55%"


class Bottom(Profile):
    name = "btm"

    def __init__(self, tmp):
        btm = shutil.which("btm") or "/tmp/peers/bin/btm"
        self.argv = [btm, "-C", os.path.join(tmp, "bottom.toml")]
        self.ready = lambda s: "CPU" in s.text() and "Mem" in s.text()
        self.key = (b"?", "Esc to close", b"\x1b")


class Watch(Profile):
    name = "watch"

    def __init__(self):
        self.server = QuietServer()
        self.argv = ["watch", "-n1", watch_command(self.server.url)]
        self.ready = lambda s: "rollout:" in s.text()
        self.quit = b"\x03"
        self.interval_s = 1.0
        self.old_text, self.new_text = "error rate: 0.0042", "error rate: 0.0055"


def scale_config(url, sources=200, per_source=5):
    """The scale budget: `sources` Prometheus sources polled every second, `per_source` stop
    conditions on each (200 x 5 = 1,000), all against the quiet server."""
    parts = ['[release]\nname = "scale"\nversion = "1.0.0"\nenvironment = "production"\n'
             '[[stages]]\ntraffic = 10\nbake = "10m"\n[[stages]]\ntraffic = 100\nbake = "10m"\n']
    for s in range(sources):
        parts.append(f'[sources.s{s}]\nkind = "prometheus"\nurl = "{url}"\n'
                     'interval = "1s"\ntimeout = "800ms"\n')
    for s in range(sources):
        for c in range(per_source):
            parts.append(f'[[conditions]]\nid = "c{s}_{c}"\nlabel = "Signal {c} of s{s}"\n'
                         f'source = "s{s}"\nquery = \'sum(rate(m{c}_total[1m]))\'\nmax = 100\n')
    return "".join(parts)


def make(name, binary, tmp):
    if name.startswith("gonogo-"):
        return Gonogo(binary, tmp, name.split("-", 1)[1])
    if name == "btm":
        return Bottom(tmp)
    if name == "watch":
        return Watch()
    raise SystemExit(f"unknown program {name!r}: gonogo-demo, gonogo-quiet, gonogo-idle, gonogo-scale, btm, watch")


def available(name):
    if name == "btm":
        return bool(shutil.which("btm") or os.path.exists("/tmp/peers/bin/btm"))
    if name == "watch":
        return all(shutil.which(c) for c in ("watch", "curl", "jq"))
    return True
