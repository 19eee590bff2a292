"""Voice on a busy machine (issue 21, "A busy machine"; docs/media.md): alice
speaks from "home", dave records in "client", both through the lab's parleyd
(--no-p2p), while four CPU-bound processes at normal priority keep this
machine's cores busy. Three runs side by side in one test:

  idle        no load, voice threads raised: the reference
  busy-off    the load, every thread at normal priority (PARLEY_REALTIME=0)
  busy-on     the load, voice threads raised (net/platform/realtime_priority.h)

Judged on busy-on: no dropout in the speech longer than 40 ms, no more than
40 ms of it concealed (a packet that missed its playout), every voiced half
second intelligible (judge_voice), and both clients running at least two
SCHED_FIFO threads (the audio thread, the media network thread). A dropout is a stretch where
the recording is silent longer than the sentence pauses there: each silent
run of the recording, less the longest pause of the sentence within 60 ms of
it at the global lag (the jitter buffer moves its delay in pauses, so words
may shift that much). A hole next to a pause of the sentence reads short by
that pause: on a real recording a 100 ms hole cut into speech measures
50-75 ms, a 200 ms one 65-165 ms; the concealment count covers the rest. busy-off is measured and
printed, not judged: it shows what the priority buys. Figures as one JSON
line per run ("figures: {...}") for docs/benchmarks.md.

Needs real-time scheduling (root, CAP_SYS_NICE or RLIMIT_RTPRIO): without it
the test is skipped (exit 77), as then the clients cannot have it either.
The load: four Python busy loops, each ending itself after a bound and
ended by its PID when the runs are done. Standard library only.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import wave

from media import LEAD_S, Client, _compare, _log, _make_speech, _streams, judge_voice
from topology import USER

TESTS = {
    "busy": "voice while four CPU-bound processes run: no dropout in speech over 40 ms",
}

# PARLEY_BUSY_HOGS: another load for measuring by hand; the test is four.
HOGS = int(os.environ.get("PARLEY_BUSY_HOGS", "4"))
HOG_BOUND_S = 300  # each load process ends itself after this, whatever happens here
MAX_DROPOUT_MS = 40
WINDOW_MS = 5
SLACK_MS = 60
SCHED_FIFO = 1

RUNS = [  # name, load, environment of both clients
    ("idle", False, {}),
    ("busy-off", True, {"PARLEY_REALTIME": "0"}),
    ("busy-on", True, {}),
]


def skip_reason():
    """Why the test cannot run here, or None."""
    try:
        probe = subprocess.run(["chrt", "-f", "1", "true"], capture_output=True, text=True,
                               timeout=30)
    except OSError as e:
        return "cannot check real-time scheduling (chrt: %s)" % e
    if probe.returncode != 0:
        return ("real-time scheduling is not allowed here (chrt -f 1: %s): the voice threads "
                "could not be raised" % probe.stderr.strip())
    return None


def _windows(path):
    """Peak |sample| per WINDOW_MS window (mono 16-bit, any rate)."""
    with wave.open(path, "rb") as w:
        rate, channels = w.getframerate(), w.getnchannels()
        data = w.readframes(w.getnframes())
    samples = struct.unpack("<%dh" % (len(data) // 2), data)[::channels]
    win = rate * WINDOW_MS // 1000
    return [max(abs(s) for s in samples[i:i + win]) for i in range(0, len(samples) - win + 1, win)]


def _quiet_runs(peaks, threshold):
    """[start, end) of every run of windows under threshold."""
    runs = []
    i = 0
    while i < len(peaks):
        if peaks[i] >= threshold:
            i += 1
            continue
        start = i
        while i < len(peaks) and peaks[i] < threshold:
            i += 1
        runs.append((start, i))
    return runs


def longest_dropout_ms(source, recording, lag_s):
    """The most any silence of the recording outlasts the source's own pause
    there (see above); 0 when every silence is one the sentence has too."""
    src = _windows(source)
    rec = _windows(recording)
    if not src or not rec or max(rec) == 0:
        return None
    src_quiet = _quiet_runs(src, 0.02 * max(src))
    lag = int(round(lag_s * 1000 / WINDOW_MS))
    slack = SLACK_MS // WINDOW_MS
    # the sentence's span in the recording: silence before and after is no dropout
    first = min(i for i, v in enumerate(src) if v >= 0.02 * max(src)) + lag
    last = max(i for i, v in enumerate(src) if v >= 0.02 * max(src)) + lag
    longest = 0
    # Below 1 % of the peak: nothing to hear. At 2 % Opus' softened
    # fricatives already read as 40 ms "dropouts" on an idle machine.
    for start, end in _quiet_runs(rec, 0.01 * max(rec)):
        start, end = max(start, first), min(end, last + 1)
        if end <= start:
            continue
        lo, hi = start - lag - slack, end - lag + slack  # where the source may be
        pause = max([e - s for s, e in src_quiet if s < hi and e > lo] or [0])
        longest = max(longest, end - start - pause)
    return longest * WINDOW_MS


def _fifo_threads(pid):
    """How many of the process's threads run SCHED_FIFO (/proc, field 41)."""
    count = 0
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[41 - 3]) == SCHED_FIFO:  # fields after "(comm)" start at field 3
            count += 1
    return count


def _start_load():
    loop = ("import time\nend = time.monotonic() + %d\nwhile time.monotonic() < end:\n    pass\n"
            % HOG_BOUND_S)
    return [subprocess.Popen([sys.executable, "-c", loop], stdin=subprocess.DEVNULL,
                             start_new_session=True) for _ in range(HOGS)]


def _stop_load(hogs):
    for p in hogs:  # by PID: only what this test started
        if p.poll() is None:
            p.kill()
        p.wait(timeout=10)


def _one_run(run_name, loaded, env, state, cli, check, in_client, workdir, speech):
    heard = os.path.join(workdir, "heard-%s.wav" % run_name)
    room = "busy-" + run_name
    hogs = _start_load() if loaded else []
    clients = []
    fifo = {}
    try:
        receiver = Client(state, "client", "dave", room, 16,
                          ["--record-audio", heard, "--no-p2p"], cli, workdir, in_client,
                          env_extra=env)
        clients.append(receiver)
        if not receiver.wait_joined(timeout_s=40):
            return None, ["%s: dave did not join: %s" % (run_name, receiver.stderr_tail())]
        sender = Client(state, "home", USER, room, 11, ["--send-audio", speech, "--no-p2p"], cli,
                        workdir, in_client, env_extra=env)
        clients.append(sender)
        if sender.wait_joined(timeout_s=40):
            time.sleep(2)  # the call is up: its threads are raised by now
            fifo = {c.user: _fifo_threads(c.proc.pid) for c in clients}
        rc = {c.user: c.wait() for c in (sender, receiver)}
        load = os.getloadavg()
    finally:
        for c in clients:
            c.stop()
        _stop_load(hogs)
    failures = ["%s: %s exited %d: %s" % (run_name, c.user, rc[c.user], c.stderr_tail())
                for c in clients if rc[c.user] != 0]
    if failures:
        return None, failures
    cmp = _compare(check, speech, heard)
    _log("%s: recording vs source: %s" % (run_name, json.dumps(cmp)))
    stream, jitter_ms, delay_ms, delays = None, 0.0, 0.0, []
    for ev in receiver.events("stats"):
        for s in _streams(ev, USER, "audio"):
            stream = s
            jitter_ms = max(jitter_ms, s.get("jitter_ms") or 0.0)
            delay_ms = max(delay_ms, s.get("delay_ms") or 0.0)
            delays.append(s.get("delay_ms") or 0.0)
    late_ticks = {}
    for c in clients:
        stats = c.events("stats")
        late_ticks[c.user] = stats[-1].get("audio_late_ticks") if stats else None
    dropout = None if "error" in cmp else longest_dropout_ms(speech, heard, cmp["lag_s"])
    figures = {
        "run": run_name,
        "longest_dropout_ms": dropout,
        "correlation": cmp.get("correlation"),
        # each voiced half second aligned on its own: the lag moves with the
        # jitter buffer's delay, which the load changes
        "mean_piece": round(sum(cmp["pieces"]) / len(cmp["pieces"]), 3)
        if cmp.get("pieces") else None,
        "good_pieces": cmp.get("good_pieces"),
        "voiced_pieces": cmp.get("voiced_pieces"),
        "concealed": stream and stream.get("concealed"),
        "late": stream and stream.get("late"),
        "lost": stream and stream.get("lost"),
        "max_jitter_ms": round(jitter_ms, 1),
        "max_delay_ms": round(delay_ms, 1),
        "median_delay_ms": round(sorted(delays)[len(delays) // 2], 1) if delays else None,
        "audio_late_ticks": late_ticks,
        "fifo_threads": fifo,
        "loadavg_1m": round(load[0], 2),
    }
    _log("figures: %s" % json.dumps(figures))
    return (cmp, figures), []


def run(name, state, cli, check, apply_open, in_client, packet_delay=None):
    del name, packet_delay  # one test; no impairment on the links
    workdir = tempfile.mkdtemp(prefix="%s-media-" % state["tag"], dir=state["workdir"])
    apply_open()
    speech = _make_speech(workdir, lead_silence_s=LEAD_S)
    results = {}
    for run_name, loaded, env in RUNS:
        result, failures = _one_run(run_name, loaded, env, state, cli, check, in_client, workdir,
                                    speech)
        if failures:
            return failures
        results[run_name] = result
    _log("side by side: %s" % json.dumps({k: v[1] for k, v in results.items()}))
    cmp, figures = results["busy-on"]
    failures = []
    for c, n in (figures["fifo_threads"] or {}).items():
        if n is None or n < 2:
            failures.append("busy-on: %s ran %s SCHED_FIFO threads, expected >= 2 (the audio "
                            "thread and the media network thread)" % (c, n))
    off = results["busy-off"][1]["fifo_threads"] or {}
    if any(n for n in off.values()):
        failures.append("busy-off: PARLEY_REALTIME=0 still raised threads: %s" % off)
    if figures["longest_dropout_ms"] is None:
        failures.append("busy-on: no dropout measure (recording silent or unreadable)")
    elif figures["longest_dropout_ms"] > MAX_DROPOUT_MS:
        failures.append("busy-on: a dropout of %d ms in the speech, at most %d ms allowed"
                        % (figures["longest_dropout_ms"], MAX_DROPOUT_MS))
    # A packet that missed its playout is concealed: beside the recording's
    # silences, no more than 40 ms of the voice may have been made up.
    concealed = figures["concealed"] or 0
    if concealed * 20 > MAX_DROPOUT_MS:
        failures.append("busy-on: %d frames (%d ms) of alice's voice concealed, at most %d ms "
                        "allowed on a link without loss" % (concealed, concealed * 20,
                                                            MAX_DROPOUT_MS))
    failures += judge_voice("dave (busy-on)", cmp)
    return failures
