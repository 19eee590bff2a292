"""Bad networks on the lab's client links (docs/lab.md, "Impairments"): loss,
bursty loss, delay, jitter and rate limits per link and per direction, and a
client moved to a new address mid-call. The kernel has no netem, so:

  random loss   nftables in the router, `numgen random mod 100 < N drop`
  bursty loss,  tests/bench/netdelay/packet_delay on an NFQUEUE of its own
  delay, jitter (Gilbert-Elliott model, a uniform jitter that keeps order)
  rate          tc tbf: "down" on the router's interface to the client,
                "up" on the client's own interface

A link is a client namespace that hangs off the router ("client" on cl0,
"home" on cl1); "up" is what the client sends, "down" what it receives.
Impairment is a context manager: everything it adds (nftables table, queue
rules, tc qdiscs, packet_delay processes, started and ended by PID) is
removed on exit, and report() says what was really applied (packets seen
and dropped per rule, packet_delay's own counts). Standard library only.
"""

import json
import os
import re
import signal
import subprocess
import time

from topology import ROUTED

TABLE = "plabimp"  # nftables table in the router namespace (inet family)
FIRST_QUEUE = 100  # NFQUEUE numbers 100.. (the lab-wide delay uses 0)


class Spec:
    """One link and direction's impairment. loss_pct: random loss (0..100);
    gilbert: "P,R[,BAD[,GOOD]]" percentages (packet_delay --gilbert); delay_ms,
    jitter_ms: hold each packet delay + 0..jitter ms, in order; rate: a tc
    rate ("600kbit") with a queue of at most queue_ms."""

    def __init__(self, link, direction, loss_pct=0, gilbert=None, delay_ms=0, jitter_ms=0,
                 rate=None, queue_ms=100, seed=1):
        if link not in ROUTED:
            raise ValueError("no such link %r (one of %s)" % (link, ", ".join(ROUTED)))
        if direction not in ("up", "down"):
            raise ValueError("direction is 'up' or 'down', not %r" % direction)
        if not 0 <= loss_pct <= 100:
            raise ValueError("loss_pct out of 0..100: %r" % loss_pct)
        if not 0 <= delay_ms <= 10000 or not 0 <= jitter_ms <= 10000:
            raise ValueError("delay_ms and jitter_ms are 0..10000")
        if rate is not None and not re.fullmatch(r"[0-9]+(kbit|mbit)", rate):
            raise ValueError("rate like '600kbit' or '2mbit', not %r" % rate)
        self.link, self.direction = link, direction
        self.loss_pct, self.gilbert = loss_pct, gilbert
        self.delay_ms, self.jitter_ms = delay_ms, jitter_ms
        self.rate, self.queue_ms, self.seed = rate, queue_ms, seed

    def needs_queue(self):
        return bool(self.gilbert or self.delay_ms or self.jitter_ms)

    def iface_match(self):
        """The router sees the client's sent packets come in on its link
        (iif) and the received ones go out on it (oif)."""
        return ("iifname" if self.direction == "up" else "oifname"), ROUTED[self.link][0]

    def __str__(self):
        parts = []
        if self.loss_pct:
            parts.append("%g%% random loss" % self.loss_pct)
        if self.gilbert:
            parts.append("Gilbert-Elliott %s" % self.gilbert)
        if self.delay_ms or self.jitter_ms:
            parts.append("%d+0..%d ms" % (self.delay_ms, self.jitter_ms))
        if self.rate:
            parts.append("rate %s" % self.rate)
        return "%s %s: %s" % (self.link, self.direction, ", ".join(parts) or "nothing")


def _ns(state, role, argv, check=True, input_text=None):
    p = subprocess.run(["ip", "netns", "exec", state["namespaces"][role]] + argv,
                       capture_output=True, text=True, input=input_text, timeout=30)
    if check and p.returncode != 0:
        raise RuntimeError("%s in %s failed (%d): %s" % (" ".join(argv), role, p.returncode,
                                                         (p.stderr or p.stdout).strip()))
    return p


class Impairment:
    """with Impairment(state, [Spec(...), ...], packet_delay=PATH) as imp: ..."""

    def __init__(self, state, specs, packet_delay=None):
        self.state = state
        self.specs = list(specs)
        self.packet_delay = packet_delay
        self.workdir = state["workdir"]
        self.queues = []  # (spec, queue number, Popen, log path)
        self.iptables_rules = []
        self.qdiscs = []  # (role, device)
        self.moved = []  # (role, old address, new address)
        self.table_made = False
        if any(s.needs_queue() for s in self.specs) and not (
                packet_delay and os.access(packet_delay, os.X_OK)):
            raise RuntimeError("bursty loss, delay and jitter need packet_delay "
                               "(tests/bench/netdelay), got %r" % packet_delay)

    # --- set-up

    def __enter__(self):
        try:
            self._apply()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _apply(self):
        rules = []
        for i, spec in enumerate(self.specs):
            key, dev = spec.iface_match()
            if spec.loss_pct:
                # the first counter sees every packet, the second the dropped ones
                rules.append('%s "%s" counter comment "seen %d"' % (key, dev, i))
                rules.append('%s "%s" numgen random mod 100 < %d counter drop comment "lost %d"'
                             % (key, dev, int(round(spec.loss_pct)), i))
            if spec.needs_queue():
                self._start_queue(spec, FIRST_QUEUE + i)
            if spec.rate:
                self._shape(spec)
        self._write_table(rules)

    def _write_table(self, rules, extra=""):
        # priority -5: ahead of the filter chains (and of the lab's NFQUEUE
        # rule), so a packet lost here is never queued or counted as sent on
        text = "table inet %s\ndelete table inet %s\ntable inet %s {\n chain impair {\n" \
               "  type filter hook forward priority -5; policy accept;\n%s%s }\n}\n" % (
                   TABLE, TABLE, TABLE, "".join("  %s\n" % r for r in rules), extra)
        _ns(self.state, "router", ["nft", "-f", "-"], input_text=text)
        self.table_made = True
        self.rules = rules

    def _start_queue(self, spec, number):
        log = os.path.join(self.workdir, "logs", "packet_delay-%d.log" % number)
        os.makedirs(os.path.dirname(log), exist_ok=True)
        argv = [self.packet_delay, "--queue", str(number), "--delay-ms", str(spec.delay_ms),
                "--jitter-ms", str(spec.jitter_ms), "--seed", str(spec.seed)]
        if spec.gilbert:
            argv += ["--gilbert", spec.gilbert]
        with open(log, "w") as f:
            proc = subprocess.Popen(["ip", "netns", "exec", self.state["namespaces"]["router"]] +
                                    argv, stdout=f, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.queues.append((spec, number, proc, log))
        deadline = time.monotonic() + 30
        while True:  # bound to its queue? (the rule is fail-open without it)
            bound = _ns(self.state, "router", ["cat", "/proc/net/netfilter/nfnetlink_queue"],
                        check=False).stdout.split("\n")
            if any(line.split()[:1] == [str(number)] for line in bound):
                break
            if proc.poll() is not None:
                raise RuntimeError("packet_delay exited %d: %s" % (proc.returncode,
                                                                   open(log).read()[-500:]))
            if time.monotonic() > deadline:
                raise RuntimeError("packet_delay did not bind NFQUEUE %d within 30 s" % number)
            time.sleep(0.05)
        flag = "-i" if spec.direction == "up" else "-o"
        rule = ["FORWARD", flag, spec.iface_match()[1], "-j", "NFQUEUE", "--queue-num",
                str(number), "--queue-bypass"]
        # inserted: ahead of the lab-wide delay rule, which this one replaces
        # for its link and direction (an accepted packet leaves the chain)
        _ns(self.state, "router", ["iptables", "-I"] + rule)
        self.iptables_rules.append(rule)

    def _shape(self, spec):
        if spec.direction == "down":
            role, dev = "router", ROUTED[spec.link][0]
        else:
            role, dev = spec.link, "eth0"
        # burst: a few full-size packets, so the rate holds over tens of ms
        _ns(self.state, role, ["tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate",
                               spec.rate, "burst", "8kb", "latency", "%dms" % spec.queue_ms])
        self.qdiscs.append((role, dev))

    # --- a client's address changes (Wi-Fi to cable, a VPN up or down)

    def move_address(self, role):
        """Gives the client a new address on its link and makes the old one
        dead: the router drops anything from or to it (no reset, no ICMP:
        a path that went away, as when a laptop leaves a network). Returns
        (old, new). Undone on exit."""
        prefix = ROUTED[role][1]
        addrs = _addresses(self.state, role)
        old = next(a for a in addrs if a.startswith(prefix))
        used = {int(a.rsplit(".", 1)[1]) for a in addrs}
        new = prefix + str(max(used | {10}) + 1 + len(self.moved))
        # recorded first: a move that fails half-way is still undone on exit
        self.moved.append((role, old, new))
        _ns(self.state, role, ["sysctl", "-qw", "net.ipv4.conf.eth0.promote_secondaries=1"])
        _ns(self.state, role, ["ip", "addr", "add", new + "/24", "dev", "eth0"])
        _ns(self.state, role, ["ip", "addr", "del", old + "/24", "dev", "eth0"])
        _ns(self.state, role, ["ip", "route", "replace", "default", "via", prefix + "1"])
        dead = "".join('  ip saddr %s counter drop comment "dead %s"\n'
                       '  ip daddr %s counter drop comment "dead %s"\n' % (o, o, o, o)
                       for _, o, _ in self.moved)
        self._write_table(self.rules, dead)
        return old, new

    def _restore_addresses(self):
        for role, old, new in reversed(self.moved):
            prefix = ROUTED[role][1]
            _ns(self.state, role, ["ip", "addr", "add", old + "/24", "dev", "eth0"], check=False)
            _ns(self.state, role, ["ip", "addr", "del", new + "/24", "dev", "eth0"], check=False)
            _ns(self.state, role, ["ip", "route", "replace", "default", "via", prefix + "1"],
                check=False)
        self.moved = []

    # --- what was applied

    def counters(self):
        """{comment: packets} of the router's impairment rules."""
        if not self.table_made:
            return {}
        p = _ns(self.state, "router", ["nft", "-j", "list", "table", "inet", TABLE], check=False)
        out = {}
        try:
            for item in json.loads(p.stdout)["nftables"]:
                rule = item.get("rule")
                if not rule or "comment" not in rule:
                    continue
                for expr in rule.get("expr", []):
                    if "counter" in expr:
                        out[rule["comment"]] = expr["counter"]["packets"]
        except (ValueError, KeyError):
            pass
        return out

    def report(self):
        """One dict per spec: packets seen and lost by the random-loss rule,
        and packet_delay's own line (after close())."""
        counts = self.counters() if self.table_made else getattr(self, "_last_counts", {})
        out = []
        for i, spec in enumerate(self.specs):
            r = {"spec": str(spec)}
            if spec.loss_pct:
                seen, lost = counts.get("seen %d" % i, 0), counts.get("lost %d" % i, 0)
                r.update(seen=seen, lost=lost,
                         lost_pct=round(100.0 * lost / seen, 2) if seen else None)
            for s, number, _, log in self.queues:
                if s is spec:
                    done = _done_line(log)
                    if done:
                        r.update(done)
            out.append(r)
        return out

    # --- tear-down

    def close(self):
        self._last_counts = self.counters()
        self._restore_addresses()
        for rule in reversed(self.iptables_rules):
            _ns(self.state, "router", ["iptables", "-D"] + rule, check=False)
        self.iptables_rules = []
        for _, _, proc, _ in self.queues:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        for role, dev in self.qdiscs:
            _ns(self.state, role, ["tc", "qdisc", "del", "dev", dev, "root"], check=False)
        self.qdiscs = []
        if self.table_made:
            _ns(self.state, "router", ["nft", "delete", "table", "inet", TABLE], check=False)
            self.table_made = False


def _addresses(state, role):
    p = _ns(state, role, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"])
    return re.findall(r"inet ([0-9.]+)/", p.stdout)


def _done_line(log):
    try:
        text = open(log).read()
    except OSError:
        return None
    m = re.search(r"done: (\d+) packets, (\d+) dropped \((\d+) in (\d+) bursts\)", text)
    if not m:
        return None
    packets, dropped, _, bursts = (int(x) for x in m.groups())
    return {"queued": packets, "dropped": dropped, "bursts": bursts,
            "dropped_pct": round(100.0 * dropped / packets, 2) if packets else None}


# --- the lab checks itself (lab.py impair-check, CTest lab.impair)


def _ping(state, role, target, count, interval="0.01"):
    """The icmp_seq numbers that came back, and the round trips (ms)."""
    p = _ns(state, role, ["ping", "-n", "-c", str(count), "-i", interval,
                          "-W", "2", target], check=False)
    seqs, rtts = [], []
    for m in re.finditer(r"icmp_seq=(\d+) ttl=\d+ time=([0-9.]+) ms", p.stdout):
        seqs.append(int(m.group(1)))
        rtts.append(float(m.group(2)))
    return seqs, rtts


def _bursts(seqs, count):
    """Lengths of the runs of lost sequence numbers."""
    got, runs, run = set(seqs), [], 0
    for n in range(1, count + 1):
        if n in got:
            if run:
                runs.append(run)
            run = 0
        else:
            run += 1
    if run:
        runs.append(run)
    return runs


def check(state, packet_delay, server_ip, web_ip, www_dir):
    """Each impairment does what it says, measured with ping and a download
    from the lab's web server; returns failures (empty: the lab works)."""
    failures = []
    n = 400
    with Impairment(state, [Spec("client", "up", loss_pct=20)]) as imp:
        seqs, _ = _ping(state, "client", server_ip, n)
    lost = 100.0 * (n - len(seqs)) / n
    print("random 20 %% up: ping lost %.1f %%, the rule %s" % (lost, imp.report()[0]))
    if not 10 <= lost <= 30:
        failures.append("random 20 %% loss: ping lost %.1f %%" % lost)

    with Impairment(state, [Spec("client", "down", gilbert="3.3,30", seed=7)],
                    packet_delay=packet_delay) as imp:
        seqs, _ = _ping(state, "client", server_ip, n)
    runs = _bursts(seqs, n)
    lost = 100.0 * (n - len(seqs)) / n
    mean_run = sum(runs) / len(runs) if runs else 0
    print("Gilbert-Elliott 3.3,30 down: ping lost %.1f %% in %d bursts of %.2f on average; %s"
          % (lost, len(runs), mean_run, imp.report()[0]))
    if not 3 <= lost <= 22:
        failures.append("bursty 10 %% loss: ping lost %.1f %%" % lost)
    if mean_run < 1.7:  # random loss at 10 % gives runs of 1.1 on average
        failures.append("bursty loss came in runs of %.2f packets, not bursts" % mean_run)

    with Impairment(state, [Spec("client", "down", delay_ms=30, jitter_ms=20)],
                    packet_delay=packet_delay):
        seqs, rtts = _ping(state, "client", server_ip, 100, interval="0.02")
    if len(rtts) < 95:
        failures.append("delay and jitter lost packets: %d of 100 came back" % len(rtts))
    else:
        print("30 ms + 0..20 ms jitter down: round trips %.1f..%.1f ms" % (min(rtts), max(rtts)))
        if min(rtts) < 29 or max(rtts) - min(rtts) < 8 or max(rtts) > 150:
            failures.append("30+0..20 ms: round trips %.1f..%.1f ms" % (min(rtts), max(rtts)))

    # 600 kbit/s down: a 300 KB download takes about 4 s
    blob = os.path.join(www_dir, "impair-check.bin")
    with open(blob, "wb") as f:
        f.write(os.urandom(300 * 1000))
    try:
        with Impairment(state, [Spec("client", "down", rate="600kbit")]):
            p = _ns(state, "client", ["curl", "-s", "-o", "/dev/null", "--noproxy", "*", "-m",
                                      "20", "-w", "%{speed_download}",
                                      "http://%s/impair-check.bin" % web_ip], check=False)
        kbit = float(p.stdout or 0) * 8 / 1000
        print("rate 600kbit down: download at %.0f kbit/s" % kbit)
        if not 400 <= kbit <= 700:
            failures.append("rate 600kbit: download at %.0f kbit/s" % kbit)
    finally:
        os.remove(blob)

    with Impairment(state, []) as imp:
        old, new = imp.move_address("client")
        seqs, _ = _ping(state, "client", server_ip, 5, interval="0.1")
        addrs = _addresses(state, "client")
        print("moved the client from %s to %s: %d of 5 pings back, addresses now %s"
              % (old, new, len(seqs), addrs))
        if len(seqs) < 4 or old in addrs or new not in addrs:
            failures.append("moving the client: %d of 5 pings, addresses %s" % (len(seqs), addrs))
    if old not in _addresses(state, "client"):
        failures.append("the client's address %s was not given back" % old)
    return failures
