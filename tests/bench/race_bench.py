#!/usr/bin/env python3
"""Connection-race benchmark: time to the secure channel, next to the physical minimum.

Builds its own small network in namespaces (root only), with a 40 ms round trip
added by tests/bench/netdelay/packet_delay on the router between the client and
everything else:

    client ns --- router ns (packet_delay, +20 ms each way) --- net ns
    10.92.1.2       10.92.1.1 | 10.92.2.1                     10.92.2.10 parleyd :443 :5228
                                                              10.92.2.20 squid :3128, microsocks :1080

For each scenario (firewall rules in the client namespace) it runs, side by side:
  - `parley-cli probe --json` (the race), N times: the winner's tls_done and
    hello_done milliseconds;
  - curl through the same path to the same server, N times: time_appconnect, the
    physical minimum for TCP (+ tunnel) + TLS on that path;
  - once, a sequential client as many clients do it: direct 443, then 5228, then
    the HTTP proxy, then SOCKS, each with a 10 s timeout (parley-cli probe with one
    route at a time), wall time until the first success.

Prints a Markdown table. Usage (from the repository root, as root):
    tests/bench/race_bench.py BUILD_DIR [--runs N] [--delay-ms 20]
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PREFIX = f"prb{os.getpid() % 100000}"
NS_CLIENT, NS_ROUTER, NS_NET = f"{PREFIX}c", f"{PREFIX}r", f"{PREFIX}n"
SERVER_IP, PROXY_IP = "10.92.2.10", "10.92.2.20"
SERVER_NAME, PROXY_NAME = "parley.bench.test", "proxy.bench.test"


def sh(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kw)


def nsexec(ns, *args, **kw):
    return sh("ip", "netns", "exec", ns, *args, **kw)


class Bench:
    def __init__(self, build, delay_ms):
        self.build = os.path.abspath(build)
        self.delay_ms = delay_ms
        self.tmp = tempfile.mkdtemp(prefix="race-bench-")
        os.chmod(self.tmp, 0o777)  # squid drops to user proxy
        self.children = []  # Popen objects we started, stopped by PID
        self.netns_dirs = []

    # ---- topology -------------------------------------------------------
    def up(self):
        for ns in (NS_CLIENT, NS_ROUTER, NS_NET):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "add", f"{PREFIX}c0", "type", "veth", "peer", "name", f"{PREFIX}r0")
        sh("ip", "link", "add", f"{PREFIX}n0", "type", "veth", "peer", "name", f"{PREFIX}r1")
        sh("ip", "link", "set", f"{PREFIX}c0", "netns", NS_CLIENT)
        sh("ip", "link", "set", f"{PREFIX}r0", "netns", NS_ROUTER)
        sh("ip", "link", "set", f"{PREFIX}r1", "netns", NS_ROUTER)
        sh("ip", "link", "set", f"{PREFIX}n0", "netns", NS_NET)
        sh("ip", "-n", NS_CLIENT, "addr", "add", "10.92.1.2/24", "dev", f"{PREFIX}c0")
        sh("ip", "-n", NS_ROUTER, "addr", "add", "10.92.1.1/24", "dev", f"{PREFIX}r0")
        sh("ip", "-n", NS_ROUTER, "addr", "add", "10.92.2.1/24", "dev", f"{PREFIX}r1")
        sh("ip", "-n", NS_NET, "addr", "add", f"{SERVER_IP}/24", "dev", f"{PREFIX}n0")
        sh("ip", "-n", NS_NET, "addr", "add", f"{PROXY_IP}/24", "dev", f"{PREFIX}n0")
        for ns, dev in ((NS_CLIENT, "c0"), (NS_ROUTER, "r0"), (NS_ROUTER, "r1"), (NS_NET, "n0")):
            sh("ip", "-n", ns, "link", "set", f"{PREFIX}{dev}", "up")
        sh("ip", "-n", NS_CLIENT, "route", "add", "default", "via", "10.92.1.1")
        sh("ip", "-n", NS_NET, "route", "add", "default", "via", "10.92.2.1")
        nsexec(NS_ROUTER, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        # Names the client uses (ip netns exec bind-mounts /etc/netns/<ns>/hosts).
        for ns in (NS_CLIENT, NS_NET):
            d = f"/etc/netns/{ns}"
            os.makedirs(d, exist_ok=True)
            self.netns_dirs.append(d)
            with open(f"{d}/hosts", "w") as f:
                f.write(f"127.0.0.1 localhost\n{SERVER_IP} {SERVER_NAME}\n{PROXY_IP} {PROXY_NAME}\n")
        self.start_services()
        if self.delay_ms > 0:
            nsexec(NS_ROUTER, "iptables", "-A", "FORWARD", "-j", "NFQUEUE", "--queue-num", "0")
            self.spawn(NS_ROUTER, [f"{self.build}/tests/bench/netdelay/packet_delay", "--queue", "0",
                                   "--delay-ms", str(self.delay_ms)], "delay")
            time.sleep(0.3)

    def spawn(self, ns, argv, name, stdin=None):
        log = open(f"{self.tmp}/{name}.log", "w")
        p = subprocess.Popen(["ip", "netns", "exec", ns, *argv], stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
        if stdin:
            p.stdin.write(stdin.encode())
            p.stdin.close()
        self.children.append(p)
        return p

    def wait_port(self, ip, port, timeout=15.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = nsexec(NS_NET, "python3", "-c",
                       f"import socket; socket.create_connection(('{ip}', {port}), 1)", check=False)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"nothing listens on {ip}:{port} after {timeout} s")

    def start_services(self):
        srv = f"{self.tmp}/srv"
        parleyd = f"{self.build}/app/parleyd/parleyd"
        sh(parleyd, "init", "--dir", srv, "--host", SERVER_NAME)
        conf = f"{srv}/parleyd.toml"
        text = open(conf).read().replace('tcp = ["0.0.0.0:443", "0.0.0.0:5228"]',
                                         f'tcp = ["{SERVER_IP}:443", "{SERVER_IP}:5228"]')
        open(conf, "w").write(text)
        self.ca = f"{srv}/ca.crt"
        self.spawn(NS_NET, [parleyd, "run", "--config", conf], "parleyd")
        with open(f"{self.tmp}/squid.conf", "w") as f:
            f.write(f"""http_port {PROXY_IP}:3128
acl parley_ports port 443 5228
http_access allow CONNECT parley_ports
http_access deny all
cache deny all
pid_filename {self.tmp}/squid.pid
cache_log {self.tmp}/squid-cache.log
access_log none
coredump_dir {self.tmp}
shutdown_lifetime 0 seconds
""")
        self.spawn(NS_NET, ["squid", "-N", "-f", f"{self.tmp}/squid.conf"], "squid")
        self.spawn(NS_NET, ["microsocks", "-i", PROXY_IP, "-p", "1080"], "microsocks")
        self.wait_port(SERVER_IP, 443)
        self.wait_port(PROXY_IP, 3128)
        self.wait_port(PROXY_IP, 1080)

    def block(self, ports_to_server=(), proxy_ports=()):
        """Silently drops the client's packets to these server / proxy ports."""
        nsexec(NS_CLIENT, "nft", "flush", "ruleset")
        rules = ["table inet bench {", " chain out { type filter hook output priority 0;"]
        for port in ports_to_server:
            rules.append(f"  ip daddr {SERVER_IP} tcp dport {port} drop")
        for port in proxy_ports:
            rules.append(f"  ip daddr {PROXY_IP} tcp dport {port} drop")
        rules += [" }", "}"]
        nsexec(NS_CLIENT, "nft", "-f", "-", input="\n".join(rules) + "\n")

    def down(self):
        for p in reversed(self.children):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(self.children):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for ns in (NS_CLIENT, NS_ROUTER, NS_NET):
            sh("ip", "netns", "del", ns, check=False)
        for d in self.netns_dirs:
            shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- measurements ---------------------------------------------------
    def probe(self, extra, race_timeout=30):
        cli = f"{self.build}/app/parley-cli/parley-cli"
        argv = [cli, "probe", "--server", SERVER_NAME, "--ca", self.ca, "--no-auto", "--json",
                "--race-timeout", str(race_timeout), *extra]
        start = time.monotonic()
        r = nsexec(NS_CLIENT, *argv, check=False, timeout=race_timeout + 30)
        wall_ms = (time.monotonic() - start) * 1000
        report = json.loads(r.stdout) if r.stdout.strip() else {"winner": None, "attempts": []}
        return r.returncode, report, wall_ms

    def race(self, extra, runs):
        tls, hello, winners = [], [], set()
        for _ in range(runs):
            code, report, _ = self.probe(extra)
            if code != 0:
                raise RuntimeError(f"race failed: {json.dumps(report)[:2000]}")
            w = report["winner"]
            winners.add(f"{w['method']} {w['via'] or ''}:{w['port']}".replace(" :", ":"))
            won = next(a for a in report["attempts"] if a["outcome"] == "won")
            tls.append(won["stages"]["tls_done"])
            hello.append(won["stages"]["hello_done"])
        return statistics.median(tls), statistics.median(hello), sorted(winners)

    def curl_min(self, curl_args, port, runs):
        times = []
        for _ in range(runs):
            r = nsexec(NS_CLIENT, "curl", "-s", "-o", "/dev/null", "--max-time", "10", "--cacert", self.ca,
                       "-w", "%{time_appconnect}", *curl_args, f"https://{SERVER_NAME}:{port}/",
                       check=False)
            # parleyd does not speak HTTP: curl ends with an error after TLS, which is fine.
            t = float(r.stdout.strip() or 0) * 1000
            if t <= 0:
                raise RuntimeError(f"curl did not reach TLS: {curl_args} {r.stderr}")
            times.append(t)
        return statistics.median(times)

    def sequential(self, steps):
        """Each step a probe with one route and a 10 s timeout, until one succeeds."""
        total = 0.0
        for extra in steps:
            code, _, wall = self.probe(extra, race_timeout=10)
            total += wall
            if code == 0:
                return total
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--delay-ms", type=int, default=20)
    ap.add_argument("--no-sequential", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("race_bench: needs root (network namespaces)", file=sys.stderr)
        return 77

    proxy = f"http://{PROXY_NAME}:3128"
    socks = f"socks5h://{PROXY_NAME}:1080"
    race_routes = ["--proxy", proxy, "--socks", socks]
    seq_steps = [["--tls-port", "443", "--alt-port", "443"],
                 ["--tls-port", "5228", "--alt-port", "5228"],
                 ["--no-direct", "--proxy", proxy],
                 ["--no-direct", "--socks", socks]]
    scenarios = [
        ("open network", (), (), [], 443),
        ("5228 silently dropped", (5228,), (), [], 443),
        ("443 silently dropped", (443,), (), [], 5228),
        ("only the HTTP proxy", (443, 5228), (1080,), ["--proxy", proxy], 443),
        ("only SOCKS5", (443, 5228), (3128,), ["--socks5-hostname", f"{PROXY_NAME}:1080"], 5228),
    ]
    bench = Bench(args.build, args.delay_ms)
    rows = []
    try:
        bench.up()
        for name, blocked, proxies_blocked, curl_args, port in scenarios:
            bench.block(blocked, proxies_blocked)
            curl_ms = bench.curl_min(curl_args, port, args.runs)
            tls_ms, hello_ms, winners = bench.race(race_routes, args.runs)
            seq_ms = None if args.no_sequential else bench.sequential(seq_steps)
            rows.append((name, ", ".join(winners), curl_ms, tls_ms, hello_ms, seq_ms))
            print(f"race_bench: {name}: min {curl_ms:.1f} ms, race tls {tls_ms} ms, "
                  f"hello {hello_ms} ms, sequential {seq_ms}", file=sys.stderr)
    finally:
        bench.down()

    print(f"Round trip added on the client's link: {2 * args.delay_ms} ms; medians of {args.runs} runs.")
    print()
    print("| scenario | winner | physical minimum: curl TCP+tunnel+TLS (ms) | race: TLS done (ms) | "
          "race minus minimum (ms) | race: server hello (ms) | sequential client (ms) | sequential / race |")
    print("|---|---|---|---|---|---|---|---|")
    for name, winner, curl_ms, tls_ms, hello_ms, seq_ms in rows:
        seq = "-" if seq_ms is None else f"{seq_ms:.0f}"
        ratio = "-" if seq_ms is None else f"{seq_ms / hello_ms:.1f}x"
        print(f"| {name} | {winner} | {curl_ms:.1f} | {tls_ms} | {tls_ms - curl_ms:+.1f} | {hello_ms} | "
              f"{seq} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
