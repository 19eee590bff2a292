"""A client's address changes mid-call (docs/lab.md, "Impairments"): alice,
in "client", sends a steady tone and a numbered chat line every 250 ms;
dave, in "home", records. Four seconds into the chat the lab gives alice's
namespace a new address and makes the old one dead (the router drops it
silently, as when a laptop leaves a network). Her client must notice (its
NetworkWatch), find the old connection dead (no answer to its probe),
reconnect at once and resume: dave gets every chat line exactly once, in
order, and the tone again after a hole. The figures (time from the move to
alice noticing, to her rejoining, the hole in the tone) go on one JSON line.

  move   the test above
"""

import json
import os
import tempfile
import threading
import time

from impair import Impairment
from media import Client, _log, _time
from tone import longest_gap_ms, make_tone
from topology import USER

TESTS = {
    "move": "a client's address changes mid-call: it reconnects at once, chat and audio go on, "
            "no chat line lost or doubled",
}
TONE_S = 22
LINES = 48  # 12 s of chat, a line every 250 ms
MOVE_AFTER_LINES = 16


def run(name, state, cli, check, apply_open, in_client, packet_delay):
    del name, check, packet_delay  # one test; judged here, no WAV comparison
    workdir = tempfile.mkdtemp(prefix="%s-media-" % state["tag"], dir=state["workdir"])
    apply_open()
    tone = os.path.join(workdir, "tone.wav")
    make_tone(tone, TONE_S)
    heard = os.path.join(workdir, "heard.wav")
    room = "voice-move"
    failures = []
    clients = []
    talk_error = []
    try:
        with Impairment(state, []) as imp:
            dave = Client(state, "home", "dave", room, TONE_S + 12, ["--record-audio", heard],
                          cli, workdir, in_client)
            clients.append(dave)
            if not dave.wait_joined():
                return ["dave did not join: " + dave.stderr_tail()]
            alice = Client(state, "client", USER, room, TONE_S + 6,
                           ["--send-audio", tone, "--interactive"], cli, workdir, in_client,
                           stdin_pipe=True)
            clients.append(alice)
            if not alice.wait_joined():
                return ["alice did not join: " + alice.stderr_tail()]
            time.sleep(2.0)  # the tone is flowing
            moved_at = [None]

            def chat():
                try:
                    for i in range(1, LINES + 1):
                        alice.say("m%d" % i)
                        if i == MOVE_AFTER_LINES:
                            old, new = imp.move_address("client")
                            moved_at[0] = time.time()
                            _log("moved alice from %s to %s" % (old, new))
                        time.sleep(0.25)
                except Exception as e:  # noqa: BLE001 - told to the main thread
                    talk_error.append(repr(e))
            talker = threading.Thread(target=chat)
            talker.start()
            talker.join(timeout=60)
            # let the last lines be acknowledged, then end alice's input
            time.sleep(3.0)
            alice.end_input()
            rc_alice = alice.wait()
            rc_dave = dave.wait()
    finally:
        for c in clients:  # ended by PID if anything above went wrong
            c.stop()
    if talk_error:
        return ["feeding alice's chat failed: " + talk_error[0] + "; " + alice.stderr_tail()]
    if moved_at[0] is None:
        return ["the address was never moved"]
    for c, rc in ((alice, rc_alice), (dave, rc_dave)):
        if rc != 0:
            failures.append("%s exited %d: %s" % (c.user, rc, c.stderr_tail()))

    noticed = [e for e in alice.events("network_changed") if _time(e) >= moved_at[0] - 0.5]
    dropped = [e for e in alice.events("disconnected") if _time(e) >= moved_at[0] - 0.5]
    rejoined = [e for e in alice.events("joined") if _time(e) >= moved_at[0]]
    figures = {
        "noticed_s": round(_time(noticed[0]) - moved_at[0], 3) if noticed else None,
        "left_dead_path_s": round(_time(dropped[0]) - moved_at[0], 3) if dropped else None,
        "rejoined_s": round(_time(rejoined[0]) - moved_at[0], 3) if rejoined else None,
        "disconnect_reason": dropped[0].get("code") if dropped else None,
    }
    gap, heard_s = longest_gap_ms(heard) if os.path.exists(heard) else (None, 0.0)
    figures.update(tone_hole_ms=gap, tone_heard_s=round(heard_s, 2))
    got = [e["text"] for e in dave.events("chat") if e.get("sender") == USER]
    figures.update(chat_lines_sent=LINES, chat_lines_dave_got=len(got))
    _log("figures: %s" % json.dumps(figures))

    if not noticed:
        failures.append("alice's client never reported the network change")
    if not dropped:
        failures.append("alice's client never left the dead path")
    elif dropped[0].get("code") != "network_changed":
        failures.append("alice's connection ended with %r, not network_changed (the probe)"
                        % dropped[0].get("code"))
    if not rejoined:
        failures.append("alice never rejoined after the move")
    want = ["m%d" % i for i in range(1, LINES + 1)]
    if got != want:
        missing = [t for t in want if t not in got]
        doubled = sorted({t for t in got if got.count(t) > 1})
        failures.append("dave's chat from alice is not every line once in order: missing %s, "
                        "doubled %s, order %s" % (missing, doubled, got))
    if gap is None or heard_s < TONE_S - 6:
        failures.append("the tone was not heard through the move (heard %.1f s of %d, longest "
                        "hole %s ms)" % (heard_s, TONE_S, gap))
    return failures
