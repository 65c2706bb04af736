"""One run of one program: start it in a pseudo-terminal, let it settle, watch it for a
window without touching it, then probe it (value change, keys, resizes) and quit it."""

import random
import statistics
import time

from session import Session


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 2)


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def _max(values):
    values = [v for v in values if v is not None]
    return round(max(values), 2) if values else None


def run(profile, cols, rows, warmup, duration, probes, seed=0):
    rnd = random.Random(seed)
    s = Session(profile.argv, cols, rows, profile.env())
    out = {"program": profile.name, "size": f"{cols}x{rows}", "warmup_s": warmup,
           "window_s": duration}
    try:
        t_first = s.wait_for(lambda screen: True, 10)
        t_frame = s.wait_for(profile.ready, 10) if profile.ready(s.screen) is False else t_first
        out["first_bytes_ms"] = ms(t_first and t_first - s.spawned)
        out["first_frame_ms"] = ms(t_frame and t_frame - s.spawned)
        s.pump(warmup)
        _passive(s, profile, duration, out)
        if probes:
            _probes(s, profile, rnd, probes, out)
        t = s.send(profile.quit)
        t_exit = s.wait_exit(5)
        out["quit_ms"] = ms(t_exit and t_exit - t)
        if s.rusage:
            out["lifetime_cpu_s"] = round(s.rusage.ru_utime + s.rusage.ru_stime, 3)
    finally:
        s.kill()
    return out


def _passive(s, profile, duration, out):
    a = s.sample()
    t0 = time.monotonic()
    s.pump(duration)
    t1 = time.monotonic()
    b = s.sample()
    if profile.server:
        out["requests_per_s"] = round(profile.server.values.answered_between(t0, t1) / (t1 - t0), 1)
    s.settle(quiet=0.0)
    reads, bursts = s.window(t0, t1)
    span = t1 - t0
    total = sum(n for _, n in reads)
    out["bytes_per_s"] = round(total / span, 1)
    out["bursts_per_s"] = round(len(bursts) / span, 2)
    out["bytes_per_burst"] = round(total / len(bursts), 1) if bursts else 0
    out["reads_per_s"] = round(len(reads) / span, 2)
    out["bursts_changing_nothing"] = sum(1 for b_ in bursts if not b_["changed"])
    if a and b:
        cpu = b["cpu_s"] - a["cpu_s"]
        ctx = (b["ctx_voluntary"] - a["ctx_voluntary"]) + (b["ctx_involuntary"] - a["ctx_involuntary"])
        out["cpu_pct"] = round(100 * cpu / (b["t"] - a["t"]), 3)
        out["wakeups_per_s"] = round(ctx / (b["t"] - a["t"]), 2)
        out["involuntary_per_s"] = round((b["ctx_involuntary"] - a["ctx_involuntary"]) / (b["t"] - a["t"]), 2)
        out["rss_mb"] = round(b["rss"] / 2**20, 2)
        out["peak_rss_mb"] = round(b["hwm"] / 2**20, 2)


def _probes(s, profile, rnd, n, out):
    # A value the sources serve changes: how long until the screen shows it.
    if profile.new_text:
        raw, after = [], []
        for i in range(n):
            s.pump(rnd.uniform(0.2, 1.2))
            on = i % 2 == 0
            want = profile.new_text if on else profile.old_text
            t = time.monotonic()
            profile.flip(on)
            seen = s.wait_for(lambda screen: want in screen.text(), profile.interval_s * 3 + 5)
            raw.append(ms(seen and seen - t))
            answered = profile.server.values.answered_after(t, "/api/v1/query") if seen else None
            after.append(ms(seen - answered) if seen and answered and seen >= answered else None)
        out["value_change_raw_ms"] = {"median": _median(raw), "max": _max(raw), "runs": raw}
        out["value_change_after_answer_ms"] = {"median": _median(after), "max": _max(after)}
        out["poll_interval_ms"] = ms(profile.interval_s)
        s.settle()
    # A key: how long until its answer is drawn.
    if profile.key:
        key, text, close = profile.key
        lat = []
        for _ in range(n):
            s.pump(rnd.uniform(0.2, 1.2))
            t = s.send(key)
            seen = s.wait_for(lambda screen: text in screen.text(), 3)
            lat.append(ms(seen and seen - t))
            s.send(close)
            s.wait_for(lambda screen: text not in screen.text(), 3)
        out["key_ms"] = {"median": _median(lat), "max": _max(lat), "runs": lat}
    # A resize: how long until the screen is redrawn at the new size.
    lat = []
    cols, rows = s.cols, s.rows
    for i in range(n):
        s.pump(rnd.uniform(0.2, 1.2))
        size = (cols - 20, rows - 10) if i % 2 == 0 else (cols, rows)
        s.settle(quiet=0.0)
        t = s.resize(*size)
        first = s.wait_for(lambda screen: True, 3)
        done = None
        if first:
            if profile.ready(s.screen) and not s.screen.sync:
                done = first
            else:
                done = s.wait_for(profile.ready, 3)
            last = s.settle(quiet=0.03)
            done = max(done or 0, last or 0) if done else None
        lat.append(ms(done and done - t))
    if s.cols != cols:
        s.resize(cols, rows)
        s.settle(quiet=0.1)
    out["resize_ms"] = {"median": _median(lat), "max": _max(lat), "runs": lat}
