#!/usr/bin/env python3
"""Two interconnected servers and one room across a firewall (docs/lab.md,
"Interconnected servers"; docs/interconnect.md). Three network namespaces:

  outside   parleyd "outer" (R1) and the clients alice and bob
  inside    parleyd "inner" (R2) and the clients carol and dave
  firewall  routes between them and passes only R1 <-> R2 on the
            interconnection ports (TCP control 5565, UDP media 5564), both ways

Each client reaches only its own server. The test checks, with real
parley-cli clients:
  1. all four see each other in the room, alice (outside) hears carol's
     tone and sees the screen carol shares (inside), and dave (inside)
     hears alice's tone: media crosses the firewall on the interconnection;
  2. chat from both sides arrives at all four in one order;
  3. the link cut in the firewall: each half keeps its meeting, the other
     side's participants are marked unreachable; inside (which keeps the
     chat order: "inner" < "outer") chat goes on, outside chat reaches the
     outside half at once as pending (not yet numbered);
  4. the link restored: everyone reachable again, every message at all four
     in one order, none lost, none twice;
  5. a server with the wrong secret is refused, and the real link stays;
  6. a client that goes silent (SIGSTOP) is removed on both servers after
     the inactivity timeout.

    interconnect_lab.py run --parleyd PATH --cli PATH [--keep]
Exit 77 (skipped) without root or network namespaces.
"""

import argparse
import json
import math
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import wave

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import PREFIX, jsonl_events, kill_pids, remove_netns, run, sweep  # noqa: E402
from peer_lab import make_screen_png  # noqa: E402
from tone import make_tone  # noqa: E402

SKIP = 77
OUT_NET = "10.233.1."
IN_NET = "10.233.2."
R1 = OUT_NET + "10"
R2 = IN_NET + "10"
R3 = IN_NET + "11"  # the impostor
PASSWORD = "bridge-Secret-1"
SECRET = "interconnect-lab-secret-0123456789abcdef"
WRONG_SECRET = "interconnect-lab-wrong-secret-0123456789"
ROOM = "bridge"
USERS = {"alice": "out", "bob": "out", "carol": "in", "dave": "in"}
SERVER_OF = {"out": R1, "in": R2}
# Bounds for every wait: a busy two-core machine included.
WAIT_S = 60.0
# The tones: carol (inside) at 440 Hz, alice (outside) at 660 Hz.
TONE_S = 6
TONES = {"carol": 440, "alice": 660}
# [rooms] idle_timeout_s of both servers: longer than a cut lasts here.
IDLE_S = 30
KEEPALIVE_S = 4


class Lab:
    def __init__(self, parleyd, cli):
        self.parleyd = parleyd
        self.cli = cli
        tag = "%s%d" % (PREFIX, os.getpid())
        self.ns = {role: "%s-ic%s" % (tag, role) for role in ["out", "in", "fw"]}
        self.workdir = tempfile.mkdtemp(prefix="%s%d-ic-" % (PREFIX, os.getpid()))
        os.makedirs(self.path("logs"))
        self.procs = []
        self.clients = {}

    def path(self, *parts):
        return os.path.join(self.workdir, *parts)

    def ns_run(self, role, argv, check=True):
        return run(["ip", "netns", "exec", self.ns[role]] + argv, check=check)

    def start(self, name, role, argv, env=None, stdin=subprocess.DEVNULL, out=None):
        logf = open(out or self.path("logs", name + ".log"), "ab")
        full_env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        full_env.update(env or {})
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[role]] + argv, stdout=logf,
                             stderr=subprocess.STDOUT, stdin=stdin, env=full_env,
                             start_new_session=True)
        logf.close()
        self.procs.append((name, p))
        return p

    def nft(self, role, name, rules):
        path = self.path("nft-%s-%s.conf" % (role, name))
        with open(path, "w") as f:
            f.write(rules)
        self.ns_run(role, ["nft", "-f", path])

    # --- network

    def build(self):
        for ns in self.ns.values():
            run(["ip", "netns", "add", ns])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        fw = self.ns["fw"]
        for side, net in [("out", OUT_NET), ("in", IN_NET)]:
            run(["ip", "-n", fw, "link", "add", "to-" + side, "type", "veth", "peer", "name",
                 "eth0", "netns", self.ns[side]])
            run(["ip", "-n", fw, "addr", "add", net + "1/24", "dev", "to-" + side])
            run(["ip", "-n", fw, "link", "set", "to-" + side, "up"])
            run(["ip", "-n", self.ns[side], "addr", "add", net + "10/24", "dev", "eth0"])
            run(["ip", "-n", self.ns[side], "link", "set", "eth0", "up"])
            run(["ip", "-n", self.ns[side], "route", "add", "default", "via", net + "1"])
        run(["ip", "-n", self.ns["in"], "addr", "add", R3 + "/24", "dev", "eth0"])
        self.ns_run("fw", ["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        # Only the interconnection between the two servers crosses.
        self.nft("fw", "filter", """
table inet firewall {
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
    ip saddr %(r1)s ip daddr %(r2)s tcp dport 5565 accept
    ip saddr %(r2)s ip daddr %(r1)s tcp dport 5565 accept
    ip saddr %(r1)s ip daddr %(r2)s udp dport 5564 accept
    ip saddr %(r2)s ip daddr %(r1)s udp dport 5564 accept
    counter
  }
}
""" % {"r1": R1, "r2": R2})

    def cut(self):
        """Drops everything between the servers, established flows too."""
        self.nft("fw", "cut", """
table inet cut {
  chain forward { type filter hook forward priority -10; ip saddr { %s, %s } counter drop; }
}
""" % (R1, R2))

    def restore(self):
        self.ns_run("fw", ["nft", "delete", "table", "inet", "cut"])

    # --- servers

    def server(self, name, role, address, peer_name, peer_address, secret):
        d = self.path(name)
        run([self.parleyd, "init", "--dir", d, "--host", address, "--tcp", address + ":443",
             "--udp", address + ":5228", "--rsa-bits", "2048"])
        conf = os.path.join(d, "parleyd.toml")
        for user in USERS:
            run([self.parleyd, "user", "add", user, "--config", conf], input_text=PASSWORD + "\n")
        with open(conf) as f:
            text = f.read()
        text = text.replace('name = "parley"', 'name = "%s"' % name, 1)
        # A silent participant is gone after IDLE_S (2 minutes by default).
        text = text.replace("idle_timeout_s = 120", "idle_timeout_s = %d" % IDLE_S, 1)
        text = text.replace("keepalive_interval_s = 20",
                            "keepalive_interval_s = %d" % KEEPALIVE_S, 1)
        start = text.index("[interconnect]")
        end = text.find("\n[", start + 1)
        section = """[interconnect]
port = 5564
control_port = 5565

[[interconnect.peers]]
name = "%s"
address = "%s"
secret = "%s"
""" % (peer_name, peer_address, secret)
        text = text[:start] + section + (text[end:] if end >= 0 else "")
        if 'name = "%s"' % name not in text:
            text = text.replace("[server]\n", '[server]\nname = "%s"\n' % name, 1)
        with open(conf, "w") as f:
            f.write(text)
        self.start(name, role, [self.parleyd, "run", "--config", conf])
        return d

    def log_text(self, name):
        try:
            with open(self.path("logs", name + ".log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_log(self, name, needle, count=1, timeout_s=WAIT_S):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.log_text(name).count(needle) >= count:
                return True
            time.sleep(0.1)
        return False

    # --- clients

    def client(self, user, seconds, media=()):
        side = USERS[user]
        out = self.path("%s.jsonl" % user)
        argv = [self.cli, "join", "--server", SERVER_OF[side], "--tls-port", "443",
                "--alt-port", "443", "--ca", self.path("outer" if side == "out" else "inner",
                                                      "ca.crt"),
                "--user", user, "--room", ROOM, "--for", str(seconds), "--json", "--interactive",
                "--no-auto"] + list(media)
        p = self.start(user, side, argv, env={"PARLEY_PASSWORD": PASSWORD},
                       stdin=subprocess.PIPE, out=out)
        self.clients[user] = p
        return p

    def say(self, user, text):
        p = self.clients[user]
        p.stdin.write((text + "\n").encode())
        p.stdin.flush()

    def events(self, user, event=None):
        return jsonl_events(self.path("%s.jsonl" % user), event)

    def chats(self, user):
        return [(e.get("seq"), e.get("sender"), e.get("text")) for e in self.events(user, "chat")]

    def roster(self, user):
        """Who the client sees in the room now, by id: user and path."""
        people = {}
        for e in self.events(user):
            kind = e.get("event")
            if kind == "joined":
                people = {p["id"]: [p["user"], p.get("path", "")] for p in e.get("participants", [])}
            elif kind == "participant_joined":
                people[e["id"]] = [e["user"], e.get("path", "")]
            elif kind == "participant_left":
                people.pop(e["id"], None)
            elif kind == "participant_path" and e["id"] in people:
                people[e["id"]][1] = e["path"]
        return people

    def down(self):
        for p in self.clients.values():
            try:
                p.stdin.close()
            except OSError:
                pass
        kill_pids([p.pid for _, p in self.procs])
        for ns in self.ns.values():
            remove_netns(ns)


def wait_until(what, predicate, timeout_s=WAIT_S):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return None
        time.sleep(0.2)
    return "timed out after %.0f s waiting for %s" % (timeout_s, what)


def everyone_sees_everyone(lab):
    for user in USERS:
        names = sorted(u for u, _ in lab.roster(user).values())
        if names != sorted(USERS):
            return False
    return True


def paths_of_others(lab, user):
    mine = USERS[user]
    return {u: path for u, path in lab.roster(user).values() if u != user and USERS[u] != mine}


def same_chat_everywhere(lab, count):
    lists = [lab.chats(user) for user in USERS]
    return all(len(c) == count for c in lists) and all(c == lists[0] for c in lists)


def run_lab(lab):
    lab.build()
    lab.server("outer", "out", R1, "inner", R2, SECRET)
    lab.server("inner", "in", R2, "outer", R1, SECRET)
    for name in ["outer", "inner"]:
        if not lab.wait_log(name, "interconnect: linked with"):
            return "%s never linked with the other server" % name
    for user, freq in TONES.items():
        make_tone(lab.path("%s-tone.wav" % user), TONE_S, freq)
    make_screen_png(lab.path("screen.png"))
    media = {
        "carol": ["--send-audio", lab.path("carol-tone.wav"),
                  "--share-screen", "file:" + lab.path("screen.png")],
        "alice": ["--send-audio", lab.path("alice-tone.wav"),
                  "--record-audio", lab.path("alice-heard.wav"),
                  "--screen-reference", lab.path("screen.png"),
                  "--screen-scores", lab.path("alice-screen.json")],
        "dave": ["--record-audio", lab.path("dave-heard.wav")],
    }
    for user in USERS:
        lab.client(user, 600, media.get(user, []))
    problem = wait_until("all four to see each other", lambda: everyone_sees_everyone(lab))
    if problem:
        return problem
    time.sleep(TONE_S + 2)  # the tones play out before anything is cut

    # 2. One order for chat from both sides.
    for user in ["alice", "carol", "bob", "dave"]:
        lab.say(user, "hello from " + user)
    problem = wait_until("the same four messages at all four clients",
                         lambda: same_chat_everywhere(lab, 4))
    if problem:
        return problem + ": " + json.dumps({u: lab.chats(u) for u in USERS})

    # 3. The link cut: halves go on, the other side is unreachable.
    lab.cut()
    problem = wait_until(
        "the other side's participants to be marked unreachable",
        lambda: all(set(paths_of_others(lab, u).values()) == {"unreachable"} for u in USERS))
    if problem:
        return problem + ": " + json.dumps({u: lab.roster(u) for u in USERS})
    lab.say("carol", "inside during the cut")
    lab.say("alice", "outside during the cut")
    problem = wait_until("dave to get carol's message during the cut",
                         lambda: any(t == "inside during the cut" for _, _, t in lab.chats("dave")))
    if problem:
        return problem
    problem = wait_until("bob to see alice's message during the cut, not yet numbered",
                         lambda: any(e.get("text") == "outside during the cut"
                                     for e in lab.events("bob", "chat_pending")))
    if problem:
        return problem
    if any(t == "inside during the cut" for _, _, t in lab.chats("alice")):
        return "alice got a message from inside while the link was cut"
    if any(t == "outside during the cut" for _, _, t in lab.chats("dave")) or \
            lab.events("dave", "chat_pending"):
        return "dave got a message from outside while the link was cut"

    # 4. The link back: one room, every message once, in one order.
    lab.restore()
    problem = wait_until(
        "the other side's participants to be reachable again",
        lambda: all(set(paths_of_others(lab, u).values()) == {"via interconnect"} for u in USERS))
    if problem:
        return problem + ": " + json.dumps({u: lab.roster(u) for u in USERS})
    problem = wait_until("all six messages at all four clients, in one order",
                         lambda: same_chat_everywhere(lab, 6))
    if problem:
        return problem + ": " + json.dumps({u: lab.chats(u) for u in USERS})
    texts = [t for _, _, t in lab.chats("bob")]
    if len(set(texts)) != len(texts):
        return "a message arrived twice: %s" % texts
    seqs = [s for s, _, _ in lab.chats("bob")]
    if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
        return "sequence numbers out of order: %s" % seqs
    replaced = [e for e in lab.events("bob", "chat")
                if e.get("text") == "outside during the cut" and e.get("replaces_pending_id")]
    if len(replaced) != 1:
        return "bob's numbered copy of alice's message does not replace the pending one"
    acked = [e for e in lab.events("alice", "sent")]
    if len(acked) != 2:
        return "alice's two messages were not both acknowledged: %s" % acked

    # 5. An impostor with the wrong secret, inside next to inner.
    lab.start("impostor-init", "in", ["true"])
    d = lab.path("impostor")
    run([lab.parleyd, "init", "--dir", d, "--host", R3, "--tcp", R3 + ":443",
         "--udp", R3 + ":5228", "--rsa-bits", "2048"])
    conf = os.path.join(d, "parleyd.toml")
    with open(conf) as f:
        text = f.read()
    start = text.index("[interconnect]")
    end = text.find("\n[", start + 1)
    text = text[:start] + """[interconnect]
port = 5564
control_port = 5565

[[interconnect.peers]]
name = "inner"
address = "%s"
secret = "%s"
""" % (R2, WRONG_SECRET) + (text[end:] if end >= 0 else "")
    text = text.replace('name = "parley"', 'name = "outer"', 1)
    with open(conf, "w") as f:
        f.write(text)
    lab.start("impostor", "in", [lab.parleyd, "run", "--config", conf])
    if not lab.wait_log("inner", "did not prove it holds the shared secret"):
        return "inner did not refuse the server with the wrong secret"
    if "linked with inner" in lab.log_text("impostor"):
        return "the impostor was linked"
    time.sleep(1.0)
    if any(path != "via interconnect" for path in paths_of_others(lab, "carol").values()):
        return "the real link suffered from the impostor: %s" % lab.roster("carol")

    # 6. bob stops answering: after the inactivity timeout he is gone on both
    # servers (his own removes him, and its presence tells the other).
    frozen = time.monotonic()
    os.kill(lab.clients["bob"].pid, signal.SIGSTOP)
    try:
        problem = wait_until(
            "bob to be removed on both servers",
            lambda: all("bob" not in [u for u, _ in lab.roster(u).values()]
                        for u in ["alice", "carol", "dave"]),
            timeout_s=IDLE_S + WAIT_S)
    finally:
        os.kill(lab.clients["bob"].pid, signal.SIGCONT)
    if problem:
        return problem
    # Counted from his last keep-alive, which came up to KEEPALIVE_S before.
    if time.monotonic() - frozen < IDLE_S - KEEPALIVE_S - 1:
        return "bob was removed after %.1f s, before the %d s timeout" % (
            time.monotonic() - frozen, IDLE_S)
    return None


def seconds_of_tone(path, freq):
    """Seconds of 20 ms windows in which `freq` carries most of the energy
    (Goertzel against the window's total): a tone heard, not noise."""
    try:
        with wave.open(path, "rb") as w:
            rate = w.getframerate()
            data = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error):
        return 0.0
    samples = struct.unpack("<%dh" % (len(data) // 2), data)
    win = rate // 50
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    heard = 0
    for start in range(0, len(samples) - win + 1, win):
        s1 = s2 = 0.0
        total = 0.0
        for x in samples[start:start + win]:
            s1, s2 = x + coeff * s1 - s2, s1
            total += x * x
        power = s1 * s1 + s2 * s2 - coeff * s1 * s2
        # A pure tone puts about win/2 times its energy into its bin.
        if total > win * 200.0 ** 2 and power > 0.25 * total * win / 2:
            heard += 1
    return heard * 0.02


def judge_media(lab):
    """After the clients left (their recordings closed): what crossed."""
    problems = []
    for listener, talker in [("alice", "carol"), ("dave", "alice")]:
        heard = seconds_of_tone(lab.path("%s-heard.wav" % listener), TONES[talker])
        print("%s heard %s's %d Hz tone for %.1f s of %d" % (listener, talker, TONES[talker],
                                                              heard, TONE_S))
        if heard < TONE_S - 1.5:
            problems.append("%s heard %s's tone for only %.1f s of %d" % (
                listener, talker, heard, TONE_S))
    try:
        with open(lab.path("alice-screen.json")) as f:
            scores = json.load(f)
        shown = [db for db in scores.get("psnr_y", []) if db is not None]
    except (OSError, ValueError):
        shown = []
    print("alice saw %d full-size frames of carol's screen, best PSNR %s dB" % (
        len(shown), max(shown) if shown else None))
    if not shown or max(shown) < 30:
        problems.append("alice did not see carol's screen (frames %d)" % len(shown))
    return problems


def can_run():
    if os.geteuid() != 0:
        return "not root (network namespaces need CAP_SYS_ADMIN)"
    for tool in ["ip", "nft"]:
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            return "missing tool: %s (see scripts/lib/deps.sh)" % tool
    return None


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--parleyd", required=True)
    r.add_argument("--cli", required=True)
    r.add_argument("--keep", action="store_true", help="leave the workdir for inspection")
    args = ap.parse_args()
    why = can_run()
    if why:
        print("interconnect lab skipped: " + why)
        return SKIP
    sweep()
    lab = Lab(args.parleyd, args.cli)

    def on_signal(signum, frame):
        lab.down()
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        problem = run_lab(lab)
    except Exception as e:  # noqa: BLE001 - report and tear down
        problem = "lab error: %s" % e
    finally:
        lab.down()
    if not problem:
        problem = "; ".join(judge_media(lab))
    if problem:
        for user in USERS:
            for e in lab.events(user)[-30:]:
                print(user, json.dumps(e))
        for logname in sorted(os.listdir(lab.path("logs"))):
            with open(lab.path("logs", logname), errors="replace") as f:
                tail = f.read()[-4000:]
            print("--- %s\n%s" % (logname, tail))
        print("FAIL interconnect: %s" % problem)
        return 1
    if not args.keep:
        shutil.rmtree(lab.workdir, ignore_errors=True)
    print("PASS interconnect")
    return 0


if __name__ == "__main__":
    sys.exit(main())
