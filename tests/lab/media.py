"""The lab's media tests (docs/lab.md): real parley-cli clients in the lab's
client namespaces, a real parleyd in the server namespace, real firewalls and
a real token bucket on a link, judged from the clients' --json stats and from
what they recorded (tests/lab/lab_media_check measures; this file judges).

  udp-open     two clients behind the office router, nothing blocked: speech
               from espeak-ng sent by one, recorded by the other, matches;
               both say media path "udp".
  udp-blocked  the same with every UDP packet between the client namespace and
               the server silently dropped (nftables, both ways): the media
               falls back into the TLS channel; both say "tcp", the firewall
               counted the UDP it dropped, the recording still matches.
  tbf          one sender (voice, synthetic camera, shared 1920x1080 image),
               two receivers: "home" behind a 1 Mbit/s token bucket (tc tbf on
               both ends of its link), the other unlimited. After the
               controller settled: the limited one's voice intact and its video
               adapted, the unlimited one at full quality.

Every client is started here (Popen, own session), has a --for bound, and is
ended by its PID if it overstays. Standard library only.
"""

import datetime
import json
import os
import signal
import subprocess
import tempfile
import time
import wave

from jsonl import jsonl_events
from topology import PASSWORD, SERVER, USER, ip_of

SENTENCE = ("Hello, this is Parley. The quick brown fox jumps over the lazy dog, "
            "and voice goes first, always.")
TBF_KBPS = 1000
TBF_THIN_KBPS = 600


def _tbf(kbps):
    return ["tbf", "rate", "%dkbit" % kbps, "burst", "16kb", "latency", "100ms"]
SETTLE_S = 10.0  # the congestion controller's time to settle before judging
LEAD_S = 1.0  # silence before the sentence in the voice tests


def _log(msg):
    print(msg, flush=True)


class Client:
    """One parley-cli join --json in a lab namespace; stdout is kept in a file."""

    def __init__(self, state, role, user, room, seconds, extra, cli, workdir, in_client,
                 stdin_pipe=False, env_extra=None):
        self.user = user
        self.out_path = os.path.join(workdir, "%s.jsonl" % user)
        self.err_path = os.path.join(workdir, "%s.err" % user)
        argv = [cli, "join", "--server", SERVER, "--ca", state["ca"], "--user", user, "--room",
                room, "--for", str(seconds), "--json", "--no-auto", "--stats"] + extra
        self.argv = argv
        if role == "client":
            full = in_client(state, argv)
        else:
            full = ["ip", "netns", "exec", state["namespaces"][role]] + argv
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env["PARLEY_PASSWORD"] = PASSWORD
        env.update(env_extra or {})
        self.seconds = seconds
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            # ip netns exec, unshare and sh all exec: the PID is parley-cli's
            # --interactive clients take chat lines on a pipe (say())
            self.proc = subprocess.Popen(
                full, stdout=out, stderr=err,
                stdin=subprocess.PIPE if stdin_pipe else subprocess.DEVNULL, env=env,
                start_new_session=True)
        self.exit_code = None

    def events(self, name=None):
        return jsonl_events(self.out_path, name)

    def say(self, text):
        """A chat line for an --interactive client (stdin_pipe=True)."""
        self.proc.stdin.write((text + "\n").encode())
        self.proc.stdin.flush()

    def end_input(self):
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()

    def wait_event(self, name, match=lambda ev: True, timeout_s=20.0):
        """True once an event `name` that `match`es was printed; false when
        the client ended or timeout_s passed first."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(match(ev) for ev in self.events(name)):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def wait_joined(self, timeout_s=20.0):
        return self.wait_event("joined", timeout_s=timeout_s)

    def wait(self, grace_s=20.0):
        """Waits for the --for bound plus grace, then ends it by PID."""
        try:
            self.exit_code = self.proc.wait(timeout=self.seconds + grace_s)
        except subprocess.TimeoutExpired:
            _log("%s overstayed its --for %s s: ending PID %d" % (self.user, self.seconds,
                                                                   self.proc.pid))
            self.stop()
            self.exit_code = -1
        return self.exit_code

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def stderr_tail(self, n=1500):
        try:
            with open(self.err_path) as f:
                return f.read()[-n:]
        except OSError:
            return ""


def _time(ev):
    return datetime.datetime.strptime(ev["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def _streams(stats, user, kind):
    return [s for s in stats.get("streams", []) if s.get("user") == user and s.get("kind") == kind]


def _compare(check, reference, recorded, max_lag_s=12, slack_ms=60):
    p = subprocess.run([check, "wav-compare", reference, recorded, str(max_lag_s),
                        str(slack_ms)],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return {"error": (p.stderr or p.stdout).strip()}
    return json.loads(p.stdout)


def _make_speech(workdir, lead_silence_s=0.0, tail_silence_s=0.0):
    path = os.path.join(workdir, "speech.wav")
    subprocess.run(["espeak-ng", "-w", path, SENTENCE], check=True, capture_output=True,
                   timeout=60)
    if not lead_silence_s and not tail_silence_s:
        return path
    with wave.open(path) as w:
        params = w.getparams()
        frames = w.readframes(w.getnframes())
    width = params.sampwidth * params.nchannels
    lead = b"\0" * (int(lead_silence_s * params.framerate) * width)
    tail = b"\0" * (int(tail_silence_s * params.framerate) * width)
    padded = os.path.join(workdir, "speech-padded.wav")
    with wave.open(padded, "wb") as w:
        w.setparams(params)
        w.writeframes(lead + frames + tail)
    return padded


def _nft(state, rules, workdir):
    path = os.path.join(workdir, "media.nft")
    with open(path, "w") as f:
        f.write(rules)
    subprocess.run(["ip", "netns", "exec", state["namespaces"]["client"], "nft", "-f", path],
                   check=True, capture_output=True, text=True, timeout=30)


def udp_drop_rules():
    """Every UDP datagram between the client namespace and the server is dropped
    silently, both ways, before conntrack could call it established; DNS (to
    infra) and TCP pass. The counters prove the client tried UDP."""
    srv = ip_of(SERVER)
    return """table inet plab
delete table inet plab
table inet plab {
 chain out {
  type filter hook output priority 0; policy accept;
  ip daddr %s meta l4proto udp counter drop
 }
 chain in {
  type filter hook input priority 0; policy accept;
  ip saddr %s meta l4proto udp counter drop
 }
}
""" % (srv, srv)


def _udp_dropped(state):
    p = subprocess.run(["ip", "netns", "exec", state["namespaces"]["client"], "nft", "-j", "list",
                        "table", "inet", "plab"], capture_output=True, text=True, timeout=30)
    dropped = 0
    try:
        for item in json.loads(p.stdout)["nftables"]:
            rule = item.get("rule")
            if not rule:
                continue
            for expr in rule.get("expr", []):
                if "counter" in expr:
                    dropped += expr["counter"]["packets"]
    except (ValueError, KeyError):
        return -1
    return dropped


def judge_voice(user, cmp, min_good=0.9, min_whole=None):
    """The recording matches the source, judged by every voiced half second
    on its own (lab_media_check's pieces, each within its slack of the global
    lag): a lost stretch of speech makes its pieces fail however well the rest
    lines up. Not by the whole sentence at one lag: the jitter buffer's
    playout adjustments (a held-up first packet keeps its delay, silences and
    dropped packets bring it down) move the lag during the sentence, which
    pulls the one-lag figure below unrelated speech's (~0.3) on a busy
    machine while every word is there. min_whole is for a caller that knows
    its delay cannot move."""
    if "error" in cmp:
        return ["%s: cannot compare the recording: %s" % (user, cmp["error"])]
    failures = []
    if min_whole is not None and cmp["correlation"] < min_whole:
        failures.append("%s's recording correlates %.3f with the source, expected >= %.2f"
                        % (user, cmp["correlation"], min_whole))
    if cmp["voiced_pieces"] < 8 or cmp["good_pieces"] < min_good * cmp["voiced_pieces"]:
        failures.append("%s: %d of %d voiced half seconds match (correlation >= 0.5), expected "
                        ">= %d%% (pieces %s)" % (user, cmp["good_pieces"], cmp["voiced_pieces"],
                                                 min_good * 100, cmp["pieces"]))
    return failures


# --------------------------------------------------------------------------
# voice through the office router, UDP open or dropped


def run_voice(state, cli, check, udp_blocked, apply_open, in_client):
    workdir = tempfile.mkdtemp(prefix="%s-media-" % state["tag"], dir=state["workdir"])
    want = "tcp" if udp_blocked else "udp"
    if udp_blocked:
        _nft(state, udp_drop_rules(), workdir)
    else:
        apply_open()
    failures = []
    try:
        # A second of silence first: the file plays from the call's start,
        # and its first ~0.36 s never reach the recording (docs/lab.md,
        # Limits); this test is about the path, not the start.
        speech = _make_speech(workdir, lead_silence_s=LEAD_S)
        heard = os.path.join(workdir, "heard.wav")
        room = "voice-" + want
        receiver = Client(state, "client", "dave", room, 16,
                          ["--record-audio", heard], cli, workdir, in_client)
        if not receiver.wait_joined():
            receiver.stop()
            return ["dave did not join: " + receiver.stderr_tail()]
        sender = Client(state, "client", USER, room, 11, ["--send-audio", speech], cli,
                        workdir, in_client)
        rc_sender = sender.wait()
        rc_receiver = receiver.wait()
        dropped = _udp_dropped(state) if udp_blocked else None
        for c, rc in ((sender, rc_sender), (receiver, rc_receiver)):
            _log("%s: exit %d, %d stats lines, media_path events %s" % (
                c.user, rc, len(c.events("stats")),
                [e.get("path") for e in c.events("media_path")]))
            if rc != 0:
                failures.append("%s exited %d: %s" % (c.user, rc, c.stderr_tail()))
        if failures:
            return failures
        cmp = _compare(check, speech, heard)
        _log("recording vs source: %s" % json.dumps(cmp))
        for c in (sender, receiver):
            stats = c.events("stats")
            if not stats:
                failures.append("%s printed no stats" % c.user)
                continue
            last = stats[-1]
            _log("%s last stats: path %s, sent udp/tcp %s/%s, received udp/tcp %s/%s, "
                 "audio %.1f kbit/s sent" % (
                     c.user, last["path"], last["sent"]["udp_packets"],
                     last["sent"]["tcp_packets"], last["received"]["udp_packets"],
                     last["received"]["tcp_packets"], last["sent"]["audio_kbps"]))
            if last["path"] != want:
                failures.append("%s: path %r, expected %r" % (c.user, last["path"], want))
        last = receiver.events("stats")[-1] if receiver.events("stats") else None
        if last:
            other = "udp" if udp_blocked else "tcp"
            got = last["received"][want + "_packets"]
            if got < 200:
                failures.append("dave received %d packets over %s, expected > 200 (the "
                                "sentence is ~320 packets of 20 ms)" % (got, want))
            if not udp_blocked and got < 0.95 * (got + last["received"]["tcp_packets"]):
                failures.append("dave received %d of its packets inside TLS with UDP open"
                                % last["received"]["tcp_packets"])
            if udp_blocked and last["received"]["udp_packets"] != 0:
                failures.append("dave received %d UDP packets through a firewall that drops "
                                "UDP" % last["received"]["udp_packets"])
            _log("dave received %d packets over %s, %d over %s" % (
                got, want, last["received"][other + "_packets"], other))
            heard_alice = False
            for ev in receiver.events("stats"):
                for s in _streams(ev, USER, "audio"):
                    heard_alice = True
                    lost = s["lost"]
            if not heard_alice:
                failures.append("dave's stats never showed alice's audio stream")
            else:
                _log("dave: alice's audio lost %d" % lost)
        if udp_blocked:
            _log("nftables dropped %d UDP packets to/from the server" % dropped)
            if dropped <= 0:
                failures.append("the firewall dropped no UDP (%d): the client never tried "
                                "UDP, so the fallback was not tested" % dropped)
        failures += judge_voice("dave", cmp)
        if "error" not in cmp and cmp["recorded_s"] < 8:
            failures.append("recorded only %.1f s" % cmp["recorded_s"])
    finally:
        apply_open()
    return failures


# --------------------------------------------------------------------------
# a receiver behind a 1 Mbit/s token bucket


def _tc(state, role, args):
    return subprocess.run(["ip", "netns", "exec", state["namespaces"][role], "tc"] + args,
                          capture_output=True, text=True, timeout=30)


def _tbf_counters(state):
    p = _tc(state, "router", ["-s", "qdisc", "show", "dev", "cl1"])
    return " ".join(p.stdout.split())


def _window(receiver, start, end):
    return [ev for ev in receiver.events("stats") if start <= _time(ev) <= end]


def _summary(window):
    """Mean kbps, final size and loss/frames growth per kind of alice's streams."""
    out = {}
    for kind in ("audio", "video", "screen"):
        rows = [s for ev in window for s in _streams(ev, USER, kind)]
        if not rows:
            out[kind] = None
            continue
        first, last = rows[0], rows[-1]
        entry = {"kbps": round(sum(s["kbps"] for s in rows) / len(rows), 1),
                 "lost": last["lost"] - first["lost"], "lost_total": last["lost"]}
        if kind == "audio":
            entry["packets"] = last["packets"] - first["packets"]
            entry["concealed"] = last["concealed"] - first["concealed"]
        else:
            entry["frames"] = last["frames"] - first["frames"]
            entry["sizes"] = sorted({"%dx%d" % (s["width"], s["height"]) for s in rows[-3:]})
            entry["width"] = last["width"]
        out[kind] = entry
    return out


# What dave's estimate must allow for the full layers (1080p screen at up
# to ~1.6 Mbit/s, 640x360 camera, alice's voice), with the server's margin.
DAVE_FULL_ESTIMATE_KBPS = 2000


def run_tbf(state, cli, check, apply_open, in_client, link_kbps=TBF_KBPS):
    workdir = tempfile.mkdtemp(prefix="%s-media-" % state["tag"], dir=state["workdir"])
    apply_open()
    failures = []
    tbf = _tbf(link_kbps)
    shaped = [("home", "eth0"), ("router", "cl1")]  # both ends of home's link
    try:
        for role, dev in shaped:
            p = _tc(state, role, ["qdisc", "replace", "dev", dev, "root"] + tbf)
            if p.returncode != 0:
                return ["tc %s on %s/%s failed: %s" % (" ".join(tbf), role, dev, p.stderr)]
        _log("home's link: %s on both ends (home eth0, router cl1)" % " ".join(tbf))
        desktop = os.path.join(workdir, "desktop.png")
        subprocess.run([check, "desktop", desktop], check=True, capture_output=True, timeout=60)
        # The sentence starts once the controller had time to settle, so the
        # recording tells whether voice survives on the adapted link.
        speech = _make_speech(workdir, lead_silence_s=SETTLE_S + 2, tail_silence_s=1)
        room = "tbf"
        rx = {}
        for user, role in (("dave", "client"), ("erin", "home")):
            d = os.path.join(workdir, user)
            os.makedirs(d)
            rx[user] = Client(state, role, user, room, 34,
                              ["--record-audio", os.path.join(d, "heard.wav"),
                               "--dump-video", os.path.join(d, "dump")],
                              cli, workdir, in_client)
        for c in rx.values():
            if not c.wait_joined():
                for o in rx.values():
                    o.stop()
                return ["%s did not join: %s" % (c.user, c.stderr_tail())]
        sender = Client(state, "client", USER, room, 26,
                        ["--send-audio", speech, "--send-video", "synthetic",
                         "--share-screen", "file:" + desktop], cli, workdir, in_client)
        codes = {USER: sender.wait()}
        for user, c in rx.items():
            codes[user] = c.wait()
        _log("tbf counters (router cl1, towards home): " + _tbf_counters(state))
        for user, rc in codes.items():
            if rc != 0:
                c = sender if user == USER else rx[user]
                failures.append("%s exited %d: %s" % (user, rc, c.stderr_tail()))
        if failures:
            return failures

        sent = sender.events("stats")
        if not sent:
            return ["alice printed no stats"]
        start = _time(sent[0]) + SETTLE_S
        end = _time(sent[-1]) - 1.0
        totals = [s["sent"]["audio_kbps"] + s["sent"]["video_kbps"] for s in sent[1:]]
        peak_total = max(totals)
        mean_total = sum(totals) / len(totals)
        over = sum(1 for t in totals if t > 2500)
        layers = sorted({"%s %dx%d" % (v["codec"], v["width"], v["height"])
                         for s in sent[-5:] for v in s["sent"]["video"]})
        _log("alice sends %s; total %.0f kbit/s on average, peak %.0f, %d of %d seconds above "
             "2500; judging %.1f s of receiver stats after %.0f s to settle" % (
                 layers, mean_total, peak_total, over, len(totals), end - start, SETTLE_S))
        # The 2.5 Mbit/s cap, on average (a key frame asked for by a switching
        # receiver makes single seconds peak above it; see docs/lab.md).
        if mean_total > 2500 * 1.1:
            failures.append("alice sent %.0f kbit/s on average, the cap is 2500" % mean_total)

        summary = {}
        for user, c in rx.items():
            window = _window(c, start, end)
            summary[user] = _summary(window)
            summary[user]["lines"] = len(window)
            summary[user]["path"] = window[-1]["path"] if window else None
            summary[user]["estimate_kbps"] = [ev["received"]["estimate_kbps"]
                                              for ev in window[-3:]]
            d = os.path.join(workdir, user)
            # The jitter buffer follows the shaped link's queueing delay (up
            # to its 200 ms maximum), so the playout may drift that far.
            summary[user]["voice"] = _compare(check, speech, os.path.join(d, "heard.wav"), 16,
                                              250)
            _log("%s (%s): %s" % (user, "limited to %d kbit/s" % link_kbps if user == "erin"
                                  else "unlimited",
                                  json.dumps(summary[user])))
            if len(window) < 5:
                failures.append("%s: only %d stats lines in the judged window" % (user,
                                                                                 len(window)))
                continue
            for kind in ("audio", "video", "screen"):
                if summary[user][kind] is None:
                    failures.append("%s received no %s from alice after settling" % (user, kind))
                elif user == "dave" and kind != "audio" and summary[user][kind]["frames"] <= 0:
                    # The unlimited receiver decodes both. Erin's screen can
                    # stall for seconds behind tbf (a key frame that crosses
                    # the queue unpaced loses packets again): her
                    # video is judged as a whole below.
                    failures.append("%s decoded no %s frame from alice after settling"
                                    % (user, kind))
        if failures:
            return failures

        full, slow = summary["dave"], summary["erin"]
        # The unlimited receiver keeps the full screen layer, sharp: erin's
        # thin link must not pull him down. The server plans each receiver's
        # layers from that receiver's own estimate, and dave's is delay-based:
        # on a machine starved of CPU (./scripts/test --stress) his packets
        # queue in his own process, his estimate falls, and it cannot climb
        # back above 1.5 times what the small layers bring him (no probing
        # yet: a known gap in the adaptation, docs/lab.md). Then the small
        # layer is the server following dave's own report, not erin's link:
        # said plainly, and judged as such.
        dave_estimate = min(full["estimate_kbps"]) if full["estimate_kbps"] else 0
        if dave_estimate < DAVE_FULL_ESTIMATE_KBPS:
            _log("dave's own estimate fell to %d kbit/s (below the %d the full layers need): "
                 "his small layers follow his report, not erin's link; the full-size checks "
                 "are not judged this run" % (dave_estimate, DAVE_FULL_ESTIMATE_KBPS))
            if full["screen"]["frames"] <= 0 or full["video"]["frames"] <= 0:
                failures.append("dave's video stopped (no frames decoded after settling)")
            if full["video"]["kbps"] + full["screen"]["kbps"] > dave_estimate * 1.2:
                failures.append("dave receives %.0f kbit/s of video against his own estimate "
                                "of %d" % (full["video"]["kbps"] + full["screen"]["kbps"],
                                           dave_estimate))
        else:
            if full["screen"]["sizes"] != ["1920x1080"]:
                failures.append("dave (unlimited) got the screen at %s, expected 1920x1080"
                                % full["screen"]["sizes"])
            if full["video"]["width"] < 640:
                failures.append("dave (unlimited) got the camera %d wide, expected 640"
                                % full["video"]["width"])
            dump = os.path.join(workdir, "dave", "dump", USER + "-screen.png")
            p = subprocess.run([check, "psnr", desktop, dump], capture_output=True, text=True,
                               timeout=120)
            psnr = json.loads(p.stdout)["psnr_y"] if p.returncode == 0 else None
            _log("dave's last screen frame: PSNR Y %s dB (%s)" % (psnr, p.stderr.strip()))
            if psnr is None or psnr < 35:
                failures.append("dave's screen frame PSNR %s dB, expected >= 35" % psnr)

        # The limited receiver's video adapted: the small layer, or far less.
        slow_video = slow["video"]["kbps"] + slow["screen"]["kbps"]
        full_video = full["video"]["kbps"] + full["screen"]["kbps"]
        small_layer = slow["screen"]["width"] <= 960 or slow["video"]["width"] <= 320
        _log("video after settling: erin %.0f kbit/s (screen %s, camera %d wide), dave %.0f "
             "kbit/s" % (slow_video, slow["screen"]["sizes"], slow["video"]["width"],
                         full_video))
        if not small_layer and slow_video > 0.6 * full_video:
            failures.append("erin's video did not adapt: %.0f kbit/s at full size against "
                            "dave's %.0f" % (slow_video, full_video))
        if slow_video > 0.9 * link_kbps:
            failures.append("erin receives %.0f kbit/s of video through a %d kbit/s link"
                            % (slow_video, link_kbps))
        if slow["screen"]["frames"] + slow["video"]["frames"] <= 0:
            failures.append("erin's video stopped (no frames decoded after settling)")
        if link_kbps == TBF_THIN_KBPS:
            # Through the thin link the shared screen keeps coming on its
            # small layer (the server holds it within erin's delay-based
            # estimate even while loss cuts her budget), and that estimate
            # follows the link instead of staying at its 2,500 kbit/s start
            # (it did, before it watched one stream and counted them all).
            if slow["screen"]["frames"] <= 0:
                failures.append("erin's screen stopped (no frame decoded after settling)")
            estimate = max(slow["estimate_kbps"]) if slow["estimate_kbps"] else 0
            if not 0 < estimate <= 1.2 * link_kbps:
                failures.append("erin's own estimate is %d kbit/s behind a %d kbit/s link"
                                % (estimate, link_kbps))

        # Voice intact on both: next to no loss, and the sentence came through.
        for user, s in summary.items():
            a = s["audio"]
            # The sentence (~6.4 s, 20 ms packets; DTX sends little in silence).
            if a["packets"] < 200:
                failures.append("%s: only %d audio packets after settling, expected the "
                                "sentence's ~320" % (user, a["packets"]))
            if user == "erin" and link_kbps == TBF_THIN_KBPS:
                # Not judged yet (issue 21 is open on it): behind 600 kbit/s
                # an unpaced key frame, or the estimate probing past the link,
                # fills its 100 ms queue; in 9 runs that cost her 3 packets
                # in one and 11 in another, and in one the first second and a
                # half of the sentence came out of line (docs/media.md, Not yet, Pacing).
                # Said here so the figures are in every log.
                _log("erin's voice behind %d kbit/s, not judged yet: lost %d of %d, concealed "
                     "%d, pieces %s" % (link_kbps, a["lost"], a["packets"], a["concealed"],
                                        s["voice"].get("pieces")))
                continue
            if a["lost"] > max(3, 0.02 * a["packets"]):
                failures.append("%s lost %d of %d audio packets after settling" % (
                    user, a["lost"], a["packets"]))
            # Concealment counts the frames played while the playout delay
            # grows to follow a queue (each a 20 ms stretch, not a lost word)
            # as well as the late and lost ones: on 2 busy cores with the
            # sanitizers, and behind the tbf queue (up to 100 ms whenever a
            # key frame crosses it; the server does not pace yet), 5-18 of
            # the sentence's ~320 were seen. The pieces below judge what is
            # heard.
            if a["concealed"] > max(16, 0.08 * a["packets"]):
                failures.append("%s: %d of %d frames concealed after settling (> 8%%)"
                                % (user, a["concealed"], a["packets"]))
            # Through the shaped link the playout delay moves by up to 200 ms,
            # which makes the whole-sentence figure meaningless there; the
            # pieces (each aligned within 250 ms) must still match.
            failures += judge_voice(user, s["voice"], min_good=0.8, min_whole=None)
    finally:
        for role, dev in shaped:
            _tc(state, role, ["qdisc", "del", "dev", dev, "root"])
        apply_open()
    return failures


TESTS = {
    "udp-open": "voice between two clients, UDP open: path udp, the recording matches",
    "udp-blocked": "voice with UDP to the server dropped: TCP fallback, the recording matches",
    "tbf": "one receiver behind tc tbf 1 Mbit/s: voice intact, video adapted, others full",
    "tbf-600": "one receiver behind tc tbf 600 kbit/s: her screen on its small layer, her "
               "estimate near the link, her voice flowing (its quality logged, not judged yet)",
}


def run(name, state, cli, check, apply_open, in_client):
    if name == "tbf":
        return run_tbf(state, cli, check, apply_open, in_client)
    if name == "tbf-600":
        return run_tbf(state, cli, check, apply_open, in_client, TBF_THIN_KBPS)
    return run_voice(state, cli, check, name == "udp-blocked", apply_open, in_client)
