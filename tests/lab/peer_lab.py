#!/usr/bin/env python3
"""Peer paths in a lab of their own (docs/lab.md, "Peer paths"): two clients,
each behind its own NAT router (nftables masquerade), a public segment with
parleyd, coturn (STUN and TURN over UDP and TLS) and squid. Every scenario
builds the lab, runs real parley-cli clients in it, judges them, and tears
everything down; each process is started here and ended by its PID.

  eim          both NATs endpoint-independent (masquerade keeps the port): the
               clients go peer-to-peer through their server-reflexive
               addresses; a tone sent by one is recorded by the other.
  server-stun  the same with no STUN server configured: the server-reflexive
               addresses come from parleyd's own media port.
  symmetric    both NATs map each destination to a new port (masquerade
               fully-random), no TURN: the attempt fails and media stays on
               the server; the tone still arrives.
  symmetric-turn  the same NATs with coturn configured: relayed (TURN).
  symmetric-turn-tcp  the same, TURN offered over TCP only.
  turn-proxy   UDP blocked on both NATs and no direct TCP either: the only
               way out is squid (HTTP CONNECT). The control connection goes
               through it, and so does TURN over TLS: relayed (TURN).
  break        endpoint-independent NATs; once peer-to-peer, the NATs start
               dropping everything between them: media is back on the server
               within a second (the longest hole in the recorded tone).
  third        endpoint-independent NATs; alice speaks and shares a screen,
               bob records. Once they are peer-to-peer a third client joins
               for a few seconds: both move to the server and back to the
               peer path when it leaves. No hole of 100 ms in the tone, and
               the shared screen never stands still for 500 ms (the longest
               wait between decoded pictures; a key frame after each switch).

    peer_lab.py run SCENARIO --parleyd PATH --cli PATH
Exit 77 (skipped) without root, namespaces, or coturn/squid.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tone import longest_gap_ms, make_tone  # noqa: E402
from lab import (PREFIX, jsonl_events, kill_pids, log, remove_netns, run, sbin,  # noqa: E402
                 squid_conf_text, sweep)

SKIP = 77
PUBLIC = "10.232.0."
SERVER_IP = PUBLIC + "20"
NAT_OUT = {"a": PUBLIC + "11", "b": PUBLIC + "12"}
INSIDE = {"a": "10.232.1.", "b": "10.232.2."}
PASSWORD = "peer-Secret-1"
TURN_SECRET = "peer-lab-static-auth-secret"
TONE_S = 14


def _ns_names():
    tag = "%s%d" % (PREFIX, os.getpid())
    return {role: "%s-%s" % (tag, role) for role in ["psw", "psrv", "pnata", "pnatb", "pa", "pb"]}


class PeerLab:
    def __init__(self, parleyd, cli, scenario):
        self.parleyd = parleyd
        self.cli = cli
        self.scenario = scenario
        self.ns = _ns_names()
        self.workdir = tempfile.mkdtemp(prefix="%s%d-peer-" % (PREFIX, os.getpid()))
        os.chmod(self.workdir, 0o755)  # squid runs as 'proxy'
        os.makedirs(os.path.join(self.workdir, "logs"))
        self.daemons = []

    def path(self, *parts):
        return os.path.join(self.workdir, *parts)

    def ns_run(self, role, argv, check=True, input_text=None):
        return run(["ip", "netns", "exec", self.ns[role]] + argv, check=check,
                   input_text=input_text)

    def start(self, name, role, argv, env=None, out=None):
        logf = open(out or self.path("logs", name + ".log"), "ab")
        full_env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        full_env.update(env or {})
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[role]] + argv, stdout=logf,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=full_env,
                             start_new_session=True)
        logf.close()
        self.daemons.append((name, p))
        return p

    # --- network

    def build(self, nat_mode, udp_blocked):
        for ns in self.ns.values():
            run(["ip", "netns", "add", ns])
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        sw = self.ns["psw"]
        run(["ip", "-n", sw, "link", "add", "br0", "type", "bridge"])
        run(["ip", "-n", sw, "link", "set", "br0", "up"])
        publics = {"psrv": SERVER_IP, "pnata": NAT_OUT["a"], "pnatb": NAT_OUT["b"]}
        for role, addr in publics.items():
            port = "v-" + role[1:]
            run(["ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0",
                 "netns", self.ns[role]])
            run(["ip", "-n", sw, "link", "set", port, "master", "br0", "up"])
            run(["ip", "-n", self.ns[role], "addr", "add", addr + "/24", "dev", "eth0"])
            run(["ip", "-n", self.ns[role], "link", "set", "eth0", "up"])
            # A default route to a gateway nobody answers for: packets to
            # private addresses elsewhere (a client's host candidate) vanish
            # as on the Internet, instead of failing at once with ENETUNREACH
            # (coturn ends an allocation on that error).
            run(["ip", "-n", self.ns[role], "route", "add", "default", "via", PUBLIC + "1"])
        for side in ["a", "b"]:
            nat = self.ns["pnat" + side]
            host = self.ns["p" + side]
            net = INSIDE[side]
            run(["ip", "-n", nat, "link", "add", "in0", "type", "veth", "peer", "name", "eth0",
                 "netns", host])
            run(["ip", "-n", nat, "addr", "add", net + "1/24", "dev", "in0"])
            run(["ip", "-n", nat, "link", "set", "in0", "up"])
            run(["ip", "-n", host, "addr", "add", net + "10/24", "dev", "eth0"])
            run(["ip", "-n", host, "link", "set", "eth0", "up"])
            run(["ip", "-n", host, "route", "add", "default", "via", net + "1"])
            run(["ip", "netns", "exec", nat, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
            # Endpoint-independent: masquerade keeps the source port when it
            # can, so one socket has one public address for every peer.
            # Symmetric: a fresh random port per destination.
            masq = "masquerade fully-random" if nat_mode == "symmetric" else "masquerade"
            rules = """
table ip nat {
  chain nat_post { type nat hook postrouting priority srcnat; oifname "eth0" %s; }
}
table inet filter {
  # Unsolicited packets from outside are dropped silently, as a home router
  # does: dropped here their conntrack entry is never confirmed, so it
  # cannot take the public port a later outgoing packet needs (Linux would
  # otherwise pick another port and break endpoint-independent mapping).
  chain input_filter {
    type filter hook input priority 0; policy accept;
    iifname "eth0" meta l4proto udp ct state new drop
  }
  chain forward_filter {
    type filter hook forward priority 0; policy accept;
    %s
  }
}
""" % (masq, self.block_rules(udp_blocked))
            self.nft(nat, rules)

    def add_delay(self, packet_delay, delay_ms):
        """Every packet each NAT forwards waits delay_ms (tests/bench/netdelay,
        NFQUEUE; docs/adr/0006-lab-delay-element.md): with both NATs delayed,
        a client-to-client and a client-server-client round trip both gain
        4 x delay_ms, a client-to-server one 2 x delay_ms."""
        for side in ["a", "b"]:
            role = "pnat" + side
            self.start("packet_delay_" + side, role, [packet_delay, "--queue", "0",
                                                      "--delay-ms", str(delay_ms)])
            deadline = time.monotonic() + 60
            while True:
                q = self.ns_run(role, ["cat", "/proc/net/netfilter/nfnetlink_queue"], check=False)
                if q.stdout.split()[:1] == ["0"]:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("packet_delay did not bind NFQUEUE 0 in " + role)
                time.sleep(0.05)
            self.ns_run(role, ["iptables", "-A", "FORWARD", "-j", "NFQUEUE", "--queue-num", "0",
                               "--queue-bypass"])

    def pid_of(self, name):
        for n, p in self.daemons:
            if n == name:
                return p.pid
        return None

    def block_rules(self, udp_blocked):
        if not udp_blocked:
            return ""
        # Only the proxy lets anything out: no UDP at all, and TCP only to squid.
        return ('iifname "in0" meta l4proto udp counter drop\n'
                '    iifname "in0" tcp dport != 3128 counter drop')

    def nft(self, ns, rules):
        path = self.path("nft-%s.conf" % ns)
        with open(path, "w") as f:
            f.write(rules)
        run(["ip", "netns", "exec", ns, "nft", "-f", path])

    def cut_between_nats(self):
        """Drops everything between the two NATs' public addresses (both ways)."""
        for side, other in [("a", "b"), ("b", "a")]:
            self.nft(self.ns["pnat" + side], """
table inet cut {
  chain cut_in { type filter hook prerouting priority -300; ip saddr %s counter drop; }
  chain cut_out { type filter hook postrouting priority 300; ip daddr %s counter drop; }
}
""" % (NAT_OUT[other], NAT_OUT[other]))

    # --- daemons

    def setup_server(self, stun, turn, peer_to_peer=True):
        d = self.path("parleyd")
        run([self.parleyd, "init", "--dir", d, "--host", SERVER_IP, "--tcp", SERVER_IP + ":443",
             "--udp", SERVER_IP + ":5564", "--rsa-bits", "2048"])
        conf = os.path.join(d, "parleyd.toml")
        for user in ["alice", "bob", "carol"]:
            run([self.parleyd, "user", "add", user, "--config", conf], input_text=PASSWORD + "\n")
        with open(conf) as f:
            text = f.read()
        peer = ["[peer]", "peer_to_peer = %s" % ("true" if peer_to_peer else "false")]
        if stun:
            peer.append('stun = "%s:3478"' % SERVER_IP)
        if turn:
            peer.append('turn = ["%s:%s:%s"]' % (turn, SERVER_IP, 5349 if turn == "tls" else 3478))
            peer.append('turn_secret = "%s"' % TURN_SECRET)
        start = text.index("[peer]")
        end = text.find("\n[", start + 1)
        text = text[:start] + "\n".join(peer) + "\n" + (text[end:] if end >= 0 else "")
        with open(conf, "w") as f:
            f.write(text)
        self.start("parleyd", "psrv", [self.parleyd, "run", "--config", conf])
        # coturn: STUN for everyone; TURN with coturn's REST credentials.
        self.start("coturn", "psrv", [
            sbin("turnserver"), "-n", "--listening-ip=" + SERVER_IP, "--relay-ip=" + SERVER_IP,
            "--listening-port=3478", "--tls-listening-port=5349",
            "--cert=" + os.path.join(d, "server.crt"), "--pkey=" + os.path.join(d, "server.key"),
            "--use-auth-secret", "--static-auth-secret=" + TURN_SECRET, "--realm=lab.test",
            "--no-cli", "--no-dtls", "--fingerprint", "--log-file=stdout", "--simple-log",
            "--pidfile=" + self.path("turnserver.pid"), "--min-port=49152", "--max-port=49999"])
        # squid: CONNECT to parleyd's 443 and TURN over TLS on 5349 only.
        sq = self.path("squid")
        os.makedirs(sq)
        with open(os.path.join(sq, "squid.conf"), "w") as f:
            f.write(squid_conf_text("proxy.peer.lab.test", SERVER_IP, sq, [443, 5349],
                                    auth="http_access allow all"))
        run(["chown", "-R", "proxy:proxy", sq])
        self.start("squid", "psrv", [sbin("squid"), "-N", "-f", os.path.join(sq, "squid.conf")])
        self.wait_listening([443, 3478, 5349, 3128])

    def wait_listening(self, ports, timeout_s=60.0):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            out = self.ns_run("psrv", ["ss", "-ltnu"], check=False).stdout
            if all((":%d " % p) in out for p in ports):
                return
            time.sleep(0.2)
        raise RuntimeError("lab daemons not listening on %s:\n%s" % (ports, out))

    def down(self):
        kill_pids([p.pid for _, p in self.daemons])
        for ns in self.ns.values():
            remove_netns(ns)

    # --- clients

    def client(self, side, user, room, extra, seconds):
        out = self.path("%s.jsonl" % user)
        argv = [self.cli, "join", "--server", SERVER_IP, "--tls-port", "443", "--alt-port", "443",
                "--ca", self.path("parleyd", "ca.crt"), "--user", user, "--room", room,
                "--for", str(seconds), "--json", "--no-auto", "--stats",
                "--ice-interfaces", "eth0"] + extra
        return self.start(user, "p" + side, argv, env={"PARLEY_PASSWORD": PASSWORD}, out=out)

    def events(self, user, event=None):
        return jsonl_events(self.path("%s.jsonl" % user), event)

    def wait_for(self, user, event, match=lambda e: True, timeout_s=60.0):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for e in self.events(user, event):
                if match(e):
                    return e
            time.sleep(0.1)
        return None


def make_screen_png(path, width=960, height=540):
    """A desktop-like picture: bands, blocks and fine stripes (detail the
    encoder has to keep)."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            if (x // 120 + y // 90) % 2:
                rgb = (230, 232, 236)
            elif (x // 4) % 2 and y % 90 < 20:
                rgb = (20, 20, 20)
            else:
                rgb = (40 + x * 180 // width, 90, 200 - y * 150 // height)
            rows += bytes(rgb)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(bytes(rows), 6)))
        f.write(chunk(b"IEND", b""))


def event_time(e):
    """An event's own clock (the client stamps each line, in UTC)."""
    return datetime.datetime.strptime(e["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


SCENARIOS = {
    # name: (nat mode, udp blocked, stun, TURN transport or None, expected path)
    "eim": ("eim", False, True, None, "peer-to-peer"),
    "server-stun": ("eim", False, False, None, "peer-to-peer"),
    "symmetric": ("symmetric", False, True, None, "via server"),
    "symmetric-turn": ("symmetric", False, True, "udp", "relayed (TURN)"),
    "symmetric-turn-tcp": ("symmetric", False, True, "tcp", "relayed (TURN)"),
    "turn-proxy": ("eim", True, True, "tls", "relayed (TURN)"),
    "break": ("eim", False, True, None, "peer-to-peer"),
    "third": ("eim", False, True, None, "peer-to-peer"),
}
THIRD_TONE_S = 26
CAROL_S = 6


def judge_tone(name, clients, recording, tone_s, limit_ms):
    """Waits (bounded) for the clients to leave, then judges the recorded
    tone: heard through, and no hole of `limit_ms` or more."""
    problems = []
    for p in clients:
        try:
            p.wait(timeout=tone_s + 40)
        except subprocess.TimeoutExpired:
            kill_pids([p.pid])
            problems.append("a client overstayed its --for")
    gap, heard_s = longest_gap_ms(recording) if os.path.exists(recording) else (None, 0.0)
    log("%s: tone heard for %.1f s, longest gap %s ms" % (name, heard_s, gap))
    if gap is None or heard_s < tone_s - 1:
        problems.append("the tone was not heard through (%.1f s of %d)" % (heard_s, tone_s))
    elif gap >= limit_ms:
        problems.append("a gap of %.0f ms in the tone (limit %.0f)" % (gap, limit_ms))
    return problems


def run_third(lab):
    """A third member joins during speech and a shared screen, then leaves."""
    lab.build("eim", False)
    lab.setup_server(True, None)
    tone = lab.path("tone.wav")
    make_tone(tone, THIRD_TONE_S)
    screen = lab.path("desktop.png")
    make_screen_png(screen)
    recording = lab.path("heard.wav")
    bob = lab.client("b", "bob", "pair", ["--record-audio", recording], THIRD_TONE_S + 12)
    if not lab.wait_for("bob", "joined"):
        return "bob never joined"
    alice = lab.client("a", "alice", "pair",
                       ["--send-audio", tone, "--share-screen", "file:" + screen],
                       THIRD_TONE_S + 8)
    joined = lab.wait_for("bob", "participant_joined", lambda e: e.get("user") == "alice")
    if not joined:
        return "alice never joined"
    alice_id = joined["id"]

    def alice_path(path, after, timeout_s):
        return lab.wait_for("bob", "participant_path",
                            lambda e: e["id"] == alice_id and e["path"] == path
                            and event_time(e) > after, timeout_s)
    problems = []
    switches = []
    first = alice_path("peer-to-peer", 0, 30)
    if not first:
        return "alice never went peer-to-peer"
    time.sleep(2)  # the switch's overlap is over: media on the peer path alone
    carol = lab.client("a", "carol", "pair", [], CAROL_S)
    away = alice_path("via server", event_time(first), 20)
    if not away:
        problems.append("a third member joined, alice stayed on %s" % first["path"])
    else:
        switches.append(event_time(away))
        log("third: carol joined, alice via server")
        try:
            carol.wait(timeout=CAROL_S + 20)
        except subprocess.TimeoutExpired:
            kill_pids([carol.pid])
        back = alice_path("peer-to-peer", event_time(away), 20)
        if not back:
            problems.append("carol left, alice never went back to the peer path")
        else:
            switches.append(event_time(back))
            log("third: carol left, alice peer-to-peer again after %.2f s"
                % (event_time(back) - event_time(away)))
    problems += judge_tone("third", [alice, bob], recording, THIRD_TONE_S, 100.0)
    screens = [(event_time(e), st) for e in lab.events("bob", "stats")
               for st in e.get("streams", [])
               if st.get("user") == "alice" and st.get("kind") == "screen"]
    if not screens:
        problems.append("bob never decoded alice's screen")
        return "; ".join(problems)
    last = screens[-1][1]
    log("third: screen %d frames, %d key frames, longest still %.0f ms"
        % (last["frames"], last["key_frames"], last["longest_frame_gap_ms"]))
    if last["longest_frame_gap_ms"] >= 500:
        problems.append("the shared screen stood still for %.0f ms (limit 500)"
                        % last["longest_frame_gap_ms"])
    for t in switches:
        before = [st["key_frames"] for when, st in screens if when <= t]
        after = [st["key_frames"] for when, st in screens if t < when <= t + 2.5]
        if before and after and max(after) <= before[-1]:
            problems.append("no key frame of the screen followed the switch at %.1f s"
                            % (t - switches[0]))
    return "; ".join(problems) if problems else None


def run_scenario(lab, name):
    if name == "third":
        return run_third(lab)
    nat_mode, udp_blocked, stun, turn, expected = SCENARIOS[name]
    lab.build(nat_mode, udp_blocked)
    lab.setup_server(stun, turn)
    tone = lab.path("tone.wav")
    make_tone(tone, TONE_S)
    recording = lab.path("heard.wav")
    proxy = ["--no-direct", "--proxy", "http://%s:3128" % SERVER_IP] if udp_blocked else []
    bob = lab.client("b", "bob", "pair", ["--record-audio", recording] + proxy, TONE_S + 12)
    if not lab.wait_for("bob", "joined"):
        return "bob never joined"
    alice = lab.client("a", "alice", "pair", ["--send-audio", tone] + proxy, TONE_S + 8)
    joined = lab.wait_for("bob", "participant_joined", lambda e: e.get("user") == "alice")
    if not joined:
        return "alice never joined"
    alice_id = joined["id"]
    t_join = time.monotonic()
    problems = []
    if expected == "via server":
        # The attempt fails (no pair connects through two symmetric NATs)
        # within the client's connect timeout; nothing says peer-to-peer.
        time.sleep(12)
        paths = [e["path"] for e in lab.events("bob", "participant_path")
                 if e["id"] == alice_id]
        if any(p != "via server" for p in paths):
            problems.append("alice's media took %s, expected only the server" % paths)
    else:
        e = lab.wait_for("bob", "participant_path",
                         lambda e: e["id"] == alice_id and e["path"] == expected, 30)
        if not e:
            seen = [x["path"] for x in lab.events("bob", "participant_path")]
            problems.append("alice never reported %s (saw %s)" % (expected, seen))
        else:
            log("%s: alice %s after %.2f s" % (name, expected, time.monotonic() - t_join))
    if name == "break" and not problems:
        time.sleep(3)  # well into the peer path, past the switch's overlap
        lab.cut_between_nats()
        log("break: cut the path between the NATs")
        back = lab.wait_for("bob", "participant_path",
                            lambda e: e["id"] == alice_id and e["path"] == "via server", 20)
        if not back:
            problems.append("alice never went back to the server after the cut")
    # A switch (break: a failure noticed after 500 ms of silence) costs at
    # most this much of the recording.
    problems += judge_tone(name, [alice, bob], recording, TONE_S,
                           1000.0 if name == "break" else 100.0)
    if name != "symmetric":
        stats = [e for e in lab.events("bob", "stats") if e.get("peer", {}).get("received_packets")]
        if not stats:
            problems.append("bob received nothing on a peer path")
    return "; ".join(problems) if problems else None


def can_run():
    if os.geteuid() != 0:
        return "not root (network namespaces need CAP_SYS_ADMIN)"
    for tool in ["ip", "nft", "squid", "turnserver", "ss"]:
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool) \
                and not os.path.exists("/usr/bin/" + tool):
            return "missing tool: %s (see scripts/lib/deps.sh)" % tool
    return None


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("scenario", choices=sorted(SCENARIOS))
    r.add_argument("--parleyd", required=True)
    r.add_argument("--cli", required=True)
    r.add_argument("--keep", action="store_true", help="leave the workdir for inspection")
    args = ap.parse_args()
    why = can_run()
    if why:
        print("peer lab skipped: " + why)
        return SKIP
    sweep()
    lab = PeerLab(args.parleyd, args.cli, args.scenario)

    def on_signal(signum, frame):
        lab.down()
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        problem = run_scenario(lab, args.scenario)
    except Exception as e:  # noqa: BLE001 - report and tear down
        problem = "lab error: %s" % e
    finally:
        lab.down()
    if problem:
        for name in ["alice", "bob", "carol"]:
            for e in lab.events(name)[-40:]:
                if e.get("event") != "stats":
                    print(name, json.dumps(e))
        for logname in sorted(os.listdir(lab.path("logs"))):
            with open(lab.path("logs", logname), errors="replace") as f:
                tail = f.read()[-3000:]
            print("--- %s\n%s" % (logname, tail))
        print("FAIL %s: %s" % (args.scenario, problem))
        return 1
    if not args.keep:
        shutil.rmtree(lab.workdir, ignore_errors=True)
    print("PASS %s" % args.scenario)
    return 0


if __name__ == "__main__":
    sys.exit(main())
