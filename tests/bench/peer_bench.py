#!/usr/bin/env python3
"""Peer paths at 40 ms round trip (tests/lab/peer_lab.py's network, both NATs
endpoint-independent and delayed 10 ms each way by tests/bench/netdelay), in
one run, side by side:

  - time from the second participant joining to media on the peer path
    (bob's participant_joined to his participant_path "peer-to-peer" event;
    target: under 1 s);
  - the longest hole in a steady tone alice sends and bob records, over a call
    that switches three times (to the peer path, to the server when carol
    joins, back when she leaves; target: under 100 ms at each switch);
  - round trip on the peer path next to alice's round trip to the server
    (from the same stats line);
  - parleyd's CPU time over the same two-person call with peer paths on and
    off (utime + stime from /proc).

    peer_bench.py BUILD_DIR [--runs N]      (root; exit 77 otherwise)
Prints a Markdown section for docs/benchmarks.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
import peer_lab  # noqa: E402

DELAY_MS = 10  # per NAT, each way
TONE_S = 16


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_call(build, peer_on, with_third):
    lab = peer_lab.PeerLab(os.path.join(build, "app/parleyd/parleyd"),
                           os.path.join(build, "app/parley-cli/parley-cli"), "bench")
    result = {}
    try:
        lab.build("eim", False)
        lab.add_delay(os.path.join(build, "tests/bench/netdelay/packet_delay"), DELAY_MS)
        lab.setup_server(True, None, peer_to_peer=peer_on)
        server_pid = lab.pid_of("parleyd")
        tone = lab.path("tone.wav")
        peer_lab.make_tone(tone, TONE_S)
        recording = lab.path("heard.wav")
        bob = lab.client("b", "bob", "pair", ["--record-audio", recording], TONE_S + 10)
        lab.wait_for("bob", "joined")
        cpu_before = cpu_seconds(server_pid)
        alice = lab.client("a", "alice", "pair", ["--send-audio", tone], TONE_S + 6)
        joined = lab.wait_for("bob", "participant_joined", lambda e: e.get("user") == "alice")
        alice_id = joined["id"]
        if peer_on:
            p2p = lab.wait_for("bob", "participant_path",
                               lambda e: e["id"] == alice_id and e["path"] == "peer-to-peer", 30)
            result["to_peer_s"] = (peer_lab.event_time(p2p) - peer_lab.event_time(joined)
                                   if p2p else None)
        if with_third:
            time.sleep(4)
            carol = lab.client("b", "carol", "pair", [], 4)
            carol.wait(timeout=60)
        for p in [alice, bob]:
            p.wait(timeout=TONE_S + 60)
        result["server_cpu_s"] = cpu_seconds(server_pid) - cpu_before
        gap, heard = peer_lab.longest_gap_ms(recording)
        result["gap_ms"] = gap
        result["heard_s"] = heard
        rtts = [(e["rtt_ms"], e["peer"]["rtt_ms"]) for e in lab.events("alice", "stats")
                if e.get("rtt_ms") and e.get("peer", {}).get("rtt_ms")]
        if rtts:
            result["server_rtt_ms"] = statistics.median(r[0] for r in rtts)
            result["peer_rtt_ms"] = statistics.median(r[1] for r in rtts)
        for user in ["alice", "bob"]:
            # Where the first attempt spent its time, as each client saw it.
            steps = [e["peer"]["connect_ms"] for e in lab.events(user, "stats")
                     if "verified" in e.get("peer", {}).get("connect_ms", {})]
            if steps:
                result[user + "_connect_ms"] = {k: round(v) for k, v in steps[0].items()}
        switches = [e["path"] for e in lab.events("bob", "participant_path")
                    if e["id"] == alice_id]
        result["switches"] = switches
    finally:
        lab.down()
        subprocess.run(["rm", "-rf", lab.workdir])
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    why = peer_lab.can_run()
    if why:
        print("(skipped: %s)" % why)
        return 77
    peer_lab.sweep()
    rows = []
    for i in range(args.runs):
        # The same two-person call with peer paths on and off (CPU, RTT, the
        # switch in), and one where a third joins and leaves (three switches).
        on = one_call(args.build, True, False)
        off = one_call(args.build, False, False)
        third = one_call(args.build, True, True)
        rows.append((on, off, third))
        print("run %d: on %s; off %s; third %s" % (i + 1, on, off, third), file=sys.stderr,
              flush=True)

    def fmt(v, unit, scale=1.0, digits=0):
        return "n/a" if v is None else ("%.*f %s" % (digits, v * scale, unit))
    print("| run | join to peer path | longest hole, 1 switch | longest hole, 3 switches "
          "| peer RTT | alice-server RTT | parleyd CPU, peer on | parleyd CPU, peer off |")
    print("|---|---|---|---|---|---|---|---|")
    for i, (on, off, third) in enumerate(rows):
        print("| %d | %s | %s | %s | %s | %s | %s | %s |" % (
            i + 1, fmt(on.get("to_peer_s"), "ms", 1000), fmt(on.get("gap_ms"), "ms"),
            fmt(third.get("gap_ms"), "ms"), fmt(on.get("peer_rtt_ms"), "ms", digits=1),
            fmt(on.get("server_rtt_ms"), "ms", digits=1), fmt(on.get("server_cpu_s"), "ms", 1000),
            fmt(off.get("server_cpu_s"), "ms", 1000)))
    print()
    print("Each call: alice sends a %d s tone for %d s in total; %d ms added per NAT each way "
          "(40 ms client-to-client round trip). Switches seen by bob in the 3-switch calls: %s"
          % (TONE_S, TONE_S + 1, DELAY_MS, [r[2].get("switches") for r in rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
