"""Voice through a lossy link (docs/lab.md, "Impairments"): alice speaks from
"home", whose uplink loses packets (random loss by nftables, or bursty loss
by packet_delay's Gilbert-Elliott model); dave records in "client" on a
clean link. The recording is compared with the spoken sentence as in the
other voice tests (lab_media_check wav-compare, every voiced half second on
its own) and the figures are printed as one JSON line ("figures: {...}")
for docs/benchmarks.md.

  loss-0       the same set-up with no loss: the reference figures
  loss-5/10/20 5, 10 and 20 % of alice's packets dropped at random
  burst-10     10 % lost in bursts (Gilbert-Elliott P=3.3 %, R=30 %: bursts
               of 3.3 packets on average)
  loss-10-red-off, loss-20-red-off
               the same loss with alice's redundancy off (parley-cli --no-red):
               Opus FEC alone, the other half of the "RED off vs on" table
  red-two-listeners
               alice speaks from "client" on a clean link to two listeners:
               dave next to her (clean) and erin in "home", whose downlink
               loses 10 %. Alice adds RED for erin; the server takes the
               copies out of what dave gets (his own loss needs none) and
               leaves them in erin's: both must hear the sentence, erin's
               copies must repair some of her loss, and dave's voice must
               arrive leaner than erin's

The loss starts once alice's media runs over UDP (at most 5 s after she
joins; her sentence starts 3 s later): what is judged is voice under loss in
a call, not the start of the call. From the start, 20 % loss on alice's
uplink once kept her UDP path unconfirmed for 4 s (probe, check and answer
each cross the lossy link), and the TCP fallback meanwhile stalled for a
second behind retransmissions (docs/media.md, "Not yet").

The figures also say what the repair did: frames played from RED copies
(red_recovered) and from Opus FEC (fec_recovered), what the copies cost
(red_kbps of audio_kbps sent) and the loss the server reported to alice.
"""

import json
import os
import tempfile

from impair import Impairment, Spec
from media import LEAD_S, Client, _compare, _log, _make_speech, _streams, judge_voice
from topology import USER

# name -> Spec keyword arguments for alice's uplink
LOSSES = {
    "loss-0": {},
    "loss-5": {"loss_pct": 5},
    "loss-10": {"loss_pct": 10},
    "loss-20": {"loss_pct": 20},
    "burst-10": {"gilbert": "3.3,30"},
    "loss-10-red-off": {"loss_pct": 10},
    "loss-20-red-off": {"loss_pct": 20},
}

TESTS = {
    "loss-0": "voice from home to client, no loss: the reference for the loss runs",
    "loss-5": "voice with 5 % of the sender's packets lost at random: still intelligible",
    "loss-10": "voice with 10 % random loss: still intelligible",
    "loss-20": "voice with 20 % random loss: still intelligible",
    "burst-10": "voice with 10 % loss in bursts (Gilbert-Elliott): still intelligible",
    "loss-10-red-off": "voice with 10 % random loss, RED off (FEC only): the comparison figures",
    "loss-20-red-off": "voice with 20 % random loss, RED off (FEC only): the comparison figures",
    "udp-start-20": "calls started through 20 % uplink loss all reach UDP; how fast, and how "
                    "many went through TCP first, are the figures",
    "red-two-listeners": "one talker, a clean listener and one behind 10 % downlink loss: RED "
                         "copies reach only the one who needs them, both hear the sentence",
}

# udp-start-20: calls started one after another, each lasting this long.
UDP_START_TRIALS = 8
UDP_START_CALL_S = 5


def _sent_audio(sender):
    """alice's own sending figures: the last stats event, the largest
    redundancy and reported loss any of them showed, and the mean audio and
    RED rates (kbit/s) over the seconds she was sending."""
    last = None
    most_red = 0
    most_loss = 0.0
    audio = []
    red = []
    for ev in sender.events("stats"):
        sent = ev.get("sent", {})
        last = sent
        most_red = max(most_red, sent.get("audio_redundancy", 0))
        most_loss = max(most_loss, sent.get("audio_reported_loss_pct", 0.0))
        if sent.get("audio_kbps", 0) > 1:
            audio.append(sent["audio_kbps"])
            red.append(sent.get("audio_red_kbps", 0.0))
    mean = (lambda xs: round(sum(xs) / len(xs), 1) if xs else None)
    return last, most_red, most_loss, mean(audio), mean(red)


def _alice_audio(receiver):
    """dave's last view of alice's audio stream."""
    last = None
    for ev in receiver.events("stats"):
        for s in _streams(ev, USER, "audio"):
            last = s
    return last


# The loss starts once alice's media is on UDP (waited for at most
# UDP_WAIT_S); her sentence starts SPEECH_DELAY_S later than in the other
# voice tests, so all of it crosses the lossy link.
UDP_WAIT_S = 5
SPEECH_DELAY_S = 3


def _seconds(iso):
    """An event's "time" (2026-12-07T06:04:08.176Z) as seconds of the day."""
    clock = iso.split("T")[1].rstrip("Z")
    h, m, sec = clock.split(":")
    return int(h) * 3600 + int(m) * 60 + float(sec)


def run_udp_start(state, cli, workdir, apply_open, in_client, packet_delay):
    """The loss is on before alice joins: the probe, the server's address
    check, its answer and the probe's answer all cross it. The client repeats
    its answer with every probe and keeps probing while checks come. Every
    call must reach UDP; how fast, and how many went through TCP first (the
    2 s answer timeout, which a busy machine can outlast), are the figures."""
    apply_open()
    failures = []
    times = []
    detours = 0
    with Impairment(state, [Spec("home", "up", loss_pct=20)], packet_delay=packet_delay) as imp:
        for trial in range(UDP_START_TRIALS):
            alice = Client(state, "home", USER, "udp-start-%d" % trial, UDP_START_CALL_S, [],
                           cli, workdir, in_client)
            try:
                alice.wait_event("media_path", lambda ev: ev.get("path") == "udp",
                                 UDP_START_CALL_S + 10)
                rc = alice.wait()
            finally:
                alice.stop()
            paths = [(ev.get("path"), _seconds(ev["time"])) for ev in alice.events("media_path")]
            names = [p for p, _ in paths]
            _log("trial %d: %s" % (trial, " -> ".join(
                "%s at %.2f s" % (p, t - paths[0][1]) for p, t in paths)))
            if rc != 0:
                failures.append("trial %d: alice exited %d: %s" % (trial, rc, alice.stderr_tail()))
            elif "udp" not in names:
                failures.append("trial %d: never on UDP: %s" % (trial, names))
            else:
                detours += "tcp" in names[:names.index("udp")]
                probing = next(t for p, t in paths if p == "probing")
                times.append(next(t for p, t in paths if p == "udp") - probing)
    applied = imp.report()[0]
    _log("applied on alice's uplink: %s" % json.dumps(applied))
    if times:
        times.sort()
        _log("FIGURES %s" % json.dumps({
            "test": "udp-start-20", "trials": UDP_START_TRIALS, "on_udp": len(times),
            "through_tcp_first": detours,
            "probing_to_udp_s": {"median": round(times[len(times) // 2], 2),
                                 "max": round(times[-1], 2)},
            "applied": applied}))
    if (applied.get("lost_pct") or 0) < 10:
        failures.append("the lab applied %s, not about 20 %% loss" % json.dumps(applied))
    return failures


def _bytes_per_packet(receiver):
    """The mean size of alice's voice packets as they reached `receiver`:
    the bytes of its per-second stats lines over the packets received (loss
    takes from both alike, so two listeners compare by it whatever they
    lost)."""
    rows = [s for ev in receiver.events("stats") for s in _streams(ev, USER, "audio")]
    if not rows or not rows[-1].get("packets"):
        return None
    return round(sum(s["kbps"] for s in rows) * 1000 / 8 / rows[-1]["packets"], 1)


def run_two_listeners(state, cli, check, workdir, apply_open, in_client, packet_delay):
    apply_open()
    speech = _make_speech(workdir, lead_silence_s=LEAD_S + SPEECH_DELAY_S)
    room = "voice-red-two"
    failures = []
    clients = []
    heard = {}
    listeners = {}
    try:
        for user, role in (("dave", "client"), ("erin", "home")):
            heard[user] = os.path.join(workdir, user + "-heard.wav")
            listeners[user] = Client(state, role, user, room, 16 + SPEECH_DELAY_S,
                                     ["--record-audio", heard[user]], cli, workdir, in_client)
            clients.append(listeners[user])
        for c in listeners.values():
            if not c.wait_joined():
                return ["%s did not join: %s" % (c.user, c.stderr_tail())]
        sender = Client(state, "client", USER, room, 11 + SPEECH_DELAY_S,
                        ["--send-audio", speech], cli, workdir, in_client)
        clients.append(sender)
        if not sender.wait_event("media_path", lambda ev: ev.get("path") == "udp", UDP_WAIT_S):
            _log("alice's media was not on UDP after %d s: the loss starts anyway" % UDP_WAIT_S)
        with Impairment(state, [Spec("home", "down", loss_pct=10)],
                        packet_delay=packet_delay) as imp:
            codes = {c.user: c.wait() for c in (sender, *listeners.values())}
    finally:
        for c in clients:  # ended by PID if anything above went wrong
            c.stop()
    applied = imp.report()[0]
    _log("applied on erin's downlink: %s" % json.dumps(applied))
    failures += ["%s exited %d" % (user, rc) for user, rc in codes.items() if rc != 0]
    if failures:
        return failures
    _, most_red, most_loss, audio_kbps, red_kbps = _sent_audio(sender)
    figures = {"test": "red-two-listeners", "applied": applied, "alice_audio_kbps": audio_kbps,
               "alice_red_kbps": red_kbps, "alice_max_redundancy": most_red,
               "alice_max_reported_loss_pct": round(most_loss, 1)}
    for user, c in listeners.items():
        stream = _alice_audio(c)
        if stream is None:
            return ["%s's stats never showed alice's audio stream" % user]
        cmp = _compare(check, speech, heard[user])
        figures[user] = {"bytes_per_packet": _bytes_per_packet(c), "lost": stream.get("lost"),
                         "concealed": stream.get("concealed"),
                         "red_recovered": stream.get("red_recovered"),
                         "fec_recovered": stream.get("fec_recovered"),
                         "good_pieces": cmp.get("good_pieces"),
                         "voiced_pieces": cmp.get("voiced_pieces")}
        failures += judge_voice(user, cmp)
    _log("figures: %s" % json.dumps(figures))
    dave, erin = figures["dave"], figures["erin"]
    got = applied.get("lost_pct") or 0
    if not 4 <= got <= 20:
        failures.append("the lab applied %.1f %% loss on erin's downlink, not about 10 %%" % got)
    if most_red < 1:
        failures.append("alice never sent RED, though erin lost about 10 % of her voice")
    if (dave["lost"] or 0) > 3:
        failures.append("dave lost %d of alice's packets on a clean link" % dave["lost"])
    if not erin["red_recovered"]:
        failures.append("no RED copy repaired erin's loss: the server kept them from her")
    # One copy nearly doubles a voice packet's payload: the listener who
    # needs none must get alice's packets clearly smaller than the one who
    # does (until his first report dave gets the copies too).
    if dave["bytes_per_packet"] is None or erin["bytes_per_packet"] is None:
        failures.append("no packet sizes for dave or erin")
    elif dave["bytes_per_packet"] > 0.8 * erin["bytes_per_packet"]:
        failures.append("alice's voice packets reached dave at %.1f bytes, erin at %.1f: the "
                        "copies dave does not need were not taken out"
                        % (dave["bytes_per_packet"], erin["bytes_per_packet"]))
    return failures


def run(name, state, cli, check, apply_open, in_client, packet_delay):
    if name == "red-two-listeners":
        workdir = tempfile.mkdtemp(prefix="%s-media-" % state["tag"], dir=state["workdir"])
        return run_two_listeners(state, cli, check, workdir, apply_open, in_client, packet_delay)
    if name == "udp-start-20":
        workdir = tempfile.mkdtemp(prefix="%s-media-" % state["tag"], dir=state["workdir"])
        return run_udp_start(state, cli, workdir, apply_open, in_client, packet_delay)
    workdir = tempfile.mkdtemp(prefix="%s-media-" % state["tag"], dir=state["workdir"])
    apply_open()
    speech = _make_speech(workdir, lead_silence_s=LEAD_S + SPEECH_DELAY_S)
    heard = os.path.join(workdir, "heard.wav")
    room = "voice-" + name
    spec = Spec("home", "up", **LOSSES[name])
    failures = []
    clients = []
    try:
        receiver = Client(state, "client", "dave", room, 16 + SPEECH_DELAY_S,
                          ["--record-audio", heard], cli, workdir, in_client)
        clients.append(receiver)
        if not receiver.wait_joined():
            return ["dave did not join: " + receiver.stderr_tail()]
        red_off = ["--no-red"] if name.endswith("-red-off") else []
        sender = Client(state, "home", USER, room, 11 + SPEECH_DELAY_S,
                        ["--send-audio", speech] + red_off, cli, workdir, in_client)
        clients.append(sender)
        if not sender.wait_event("media_path", lambda ev: ev.get("path") == "udp", UDP_WAIT_S):
            _log("alice's media was not on UDP after %d s: the loss starts anyway" % UDP_WAIT_S)
        with Impairment(state, [spec], packet_delay=packet_delay) as imp:
            rc_sender = sender.wait()
            rc_receiver = receiver.wait()
    finally:
        for c in clients:  # ended by PID if anything above went wrong
            c.stop()
    applied = imp.report()[0]
    _log("applied on alice's uplink: %s" % json.dumps(applied))
    for c, rc in ((sender, rc_sender), (receiver, rc_receiver)):
        if rc != 0:
            failures.append("%s exited %d: %s" % (c.user, rc, c.stderr_tail()))
    if failures:
        return failures
    stream = _alice_audio(receiver)
    if stream is None:
        return ["dave's stats never showed alice's audio stream"]
    cmp = _compare(check, speech, heard)
    _log("recording vs source: %s" % json.dumps(cmp))
    figures = {
        "test": name,
        "applied": applied,
        "correlation": cmp.get("correlation"),
        "good_pieces": cmp.get("good_pieces"),
        "voiced_pieces": cmp.get("voiced_pieces"),
        "received": stream.get("packets"),
        "lost": stream.get("lost"),
        "concealed": stream.get("concealed"),
        "late": stream.get("late"),
        "delay_ms": stream.get("delay_ms"),
        "red": "off" if name.endswith("-red-off") else "on",
        "red_recovered": stream.get("red_recovered"),
        "fec_recovered": stream.get("fec_recovered"),
    }
    sent, most_red, most_loss, audio_kbps, red_kbps = _sent_audio(sender)
    if sent is not None:
        figures.update({
            "audio_kbps": audio_kbps,
            "red_kbps": red_kbps,
            "red_packets": sent.get("audio_red_packets"),
            "audio_packets": sent.get("audio_packets"),
            "max_redundancy": most_red,
            "max_reported_loss_pct": round(most_loss, 1),
            "encoder_loss_pct": sent.get("audio_encoder_loss_pct"),
        })
    _log("figures: %s" % json.dumps(figures))
    # the loss really happened (or, for loss-0, did not)
    wanted = LOSSES[name].get("loss_pct") or (10 if "gilbert" in LOSSES[name] else 0)
    got = applied.get("lost_pct", applied.get("dropped_pct")) or 0
    if wanted and not 0.4 * wanted <= got <= 2.0 * wanted:
        failures.append("the lab applied %.1f %% loss, not about %d %%: %s"
                        % (got, wanted, json.dumps(applied)))
    if not wanted and stream.get("lost", 0) > 3:
        failures.append("dave lost %d of alice's packets on a clean link" % stream["lost"])
    # RED off is not what Parley does: those runs give the side-by-side
    # figures and are judged only for half the speech (a broken run). Opus
    # FEC alone repairs a loss only when the next packet is in before the
    # lost frame is due, and the jitter buffer keeps an extra frame for RED
    # copies, not for FEC: a fresh-clone run at 20 % played at 12 ms, with 2
    # FEC recoveries and 10 of 12 pieces, against 31 ms, 61 and 12 of 12 in
    # another (docs/media.md, "Not yet").
    failures += judge_voice("dave", cmp, min_good=0.5 if name.endswith("-red-off") else 0.9)
    if "error" not in cmp and cmp["recorded_s"] < 8:
        failures.append("recorded only %.1f s" % cmp["recorded_s"])
    return failures
