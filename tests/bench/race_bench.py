#!/usr/bin/env python3
"""Connection-race benchmark: time to the secure channel, next to the physical minimum.

Runs in the network lab (tests/lab/lab.py, docs/lab.md) brought up with
`--delay-ms D`: the client sits behind a router namespace whose packet_delay
(tests/bench/netdelay, ADR 0006) adds D ms each way, 2*D ms to every round trip.
For every lab scenario that should connect, side by side in one run:

  - the race: `parley-cli probe --json` with the scenario's options, N times;
    the winner's tls_done (secure channel) and hello_done, medians;
  - the physical minimum of that path: curl through the same proxy to the same
    server, N times, `time_appconnect` (TCP + tunnel + TLS), median;
  - once, a sequential client as many clients do it: direct 443, then direct 5228,
    then the scenario's proxy or SOCKS route, each with a 10 s timeout (the probe
    with one route at a time); the time until the first success.

Like for like: every time in the table is read from the probe's own clock
(`stages` in its JSON, milliseconds since its race started), never from the
wall clock around the process, so process start, CA loading and the like count
for neither side. The race's time is the winner's hello_done. The sequential
client's time is the sum over its steps of each step's own race time: a step
that failed lasted until its last attempt ended (failed or cancelled; the
step's 10 s timeout when an attempt never ended), the step that succeeded
counts up to its winner's hello_done. The ratio divides the two. (The wall
time of the sequential probes, which also pays one process start per step, is
logged on stderr for reference only.)

Prints a Markdown table on stdout (progress on stderr). As root, from the repository
root:  tests/bench/race_bench.py BUILD_DIR [--runs 7] [--delay-ms 20] [--no-sequential]
Exit 77 when the lab cannot run here.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
import lab  # noqa: E402  (tests/lab/lab.py)


def log(msg):
    print("race_bench: " + msg, file=sys.stderr, flush=True)


class LabRun:
    def __init__(self, build, state_path):
        self.cli = os.path.join(build, "app", "parley-cli", "parley-cli")
        self.state_path = state_path
        self.state = lab.load_state(state_path)
        self.client_state = ""  # XDG_STATE_HOME of the probes: new per scenario

    def fresh_client_state(self, name):
        """Nothing remembered (proxy_auth_hints): the next probe is a first contact."""
        self.client_state = tempfile.mkdtemp(prefix="state-%s-" % name,
                                             dir=self.state["workdir"])

    def _client(self, argv, env_extra=None, timeout=120):
        env_extra = dict(env_extra or {})
        env_extra.setdefault("XDG_STATE_HOME", self.client_state)
        # As the lab's own checks run it (lab.in_client): in the client namespace
        # with a host name in the corp domain, which WPAD needs to find its server.
        full = lab.in_client(self.state, argv)
        return subprocess.run(full, capture_output=True, text=True, timeout=timeout,
                              env=lab.client_env(self.state, env_extra))

    def probe(self, args, password="", race_timeout=30):
        argv = [self.cli, "probe", "--server", lab.SERVER, "--ca", self.state["ca"], "--json",
                "--race-timeout", str(race_timeout)] + args
        start = time.monotonic()
        p = self._client(argv, {"PARLEY_PROXY_PASSWORD": password}, timeout=race_timeout + 60)
        wall_ms = (time.monotonic() - start) * 1000.0
        import json
        report = None
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                report = json.loads(line)
        return p.returncode, report, wall_ms

    def race(self, name, scenario, runs):
        """`runs` first contacts (each probe with nothing remembered, a new state
        directory), median; then `runs` probes that start with what the last first
        contact learned, as a person's second and later sign-ins do, medians."""
        tls, hello, winners = [], [], set()
        firsts = []
        for i in range(2 * runs):
            if i < runs:
                self.fresh_client_state(name)
            code, report, _ = self.probe(scenario["args"], scenario.get("password", ""))
            if code != 0 or report is None:
                raise RuntimeError("%s: the race failed: %s" % (name, report))
            w = report["winner"]
            winners.add(w["method"] + (" via " + w["via"] if w["via"] else "") +
                        " to %d" % w["port"])
            won = next(a for a in report["attempts"] if a["outcome"] == "won")
            if i < runs:
                firsts.append(won["stages"]["tls_done"])
                continue
            tls.append(won["stages"]["tls_done"])
            hello.append(race_ms(report, 0.0))  # the winner's hello_done
        return (statistics.median(firsts), statistics.median(tls), statistics.median(hello),
                sorted(winners))

    def discovery(self, scenario, runs):
        """What finding the proxy costs at least where only WPAD/PAC names it: curl
        fetching wpad.dat (DNS, TCP, GET) over the same link. 0 elsewhere."""
        if not scenario.get("wpad"):
            return 0.0
        times = []
        for _ in range(runs):
            p = self._client(["curl", "-s", "-o", "/dev/null", "--max-time", "10", "-w",
                              "%{time_total}", "http://wpad.%s/wpad.dat" % lab.SEARCH],
                             timeout=30)
            t = float(p.stdout.strip() or 0) * 1000.0
            if t <= 0:
                raise RuntimeError("curl could not fetch wpad.dat: %s" % p.stderr[-300:])
            times.append(t)
        return statistics.median(times)

    def curl(self, scenario, runs, anyauth=False):
        """curl's time_appconnect, median. `anyauth`: as a client that does not
        know the scheme yet (--proxy-anyauth: a CONNECT without credentials,
        the 407, then the scheme it offers on the same connection), the least a
        first contact can cost; None where the scenario has no proxy auth."""
        port = scenario["expect"].get("port", 443)
        proxy_args = scenario.get("curl", [])
        if anyauth:
            if "--proxy-user" not in proxy_args:
                return None
            proxy_args = [a for a in proxy_args if a not in
                          ("--proxy-basic", "--proxy-digest", "--proxy-ntlm", "--proxy-negotiate")]
            proxy_args = proxy_args + ["--proxy-anyauth"]
        times = []
        for _ in range(runs):
            argv = ["curl", "-s", "-o", "/dev/null", "--max-time", "10", "--cacert",
                    self.state["ca"], "-w", "%{time_appconnect}"] + proxy_args + [
                        "https://%s:%d/" % (lab.SERVER, port)]
            p = self._client(argv, timeout=30)
            # parleyd does not speak HTTP: curl fails after TLS, which is all we time.
            t = float(p.stdout.strip() or 0) * 1000.0
            if t <= 0:
                raise RuntimeError("curl did not reach TLS: %s %s" % (argv, p.stderr[-300:]))
            times.append(t)
        return statistics.median(times)

    def sequential(self, scenario):
        steps = [["--no-auto", "--tls-port", "443", "--alt-port", "443"],
                 ["--no-auto", "--tls-port", "5228", "--alt-port", "5228"]]
        if scenario["expect"]["method"] != "direct":
            steps.append(["--no-direct"] + scenario["args"])
        step_timeout = 10
        total, wall_total = 0.0, 0.0
        for args in steps:
            code, report, wall_ms = self.probe(args, scenario.get("password", ""),
                                               race_timeout=step_timeout)
            wall_total += wall_ms
            total += race_ms(report, step_timeout * 1000.0)
            if code == 0:
                log("sequential: %.0f ms on the probes' clocks, %.0f ms wall (%d processes)" %
                    (total, wall_total, steps.index(args) + 1))
                return total
        return None


TERMINAL_STAGES = ("hello_done", "failed", "cancelled")


def race_ms(report, timeout_ms):
    """How long one probe's race took on its own clock (ms since the race started).

    A race that was won: the winner's hello_done, the same figure the race column
    uses. A race that failed: when its last attempt ended; `timeout_ms` when an
    attempt never reported an end (cut by the race timeout) or there is no report.
    """
    if report is None:
        return timeout_ms
    attempts = report.get("attempts", [])
    for a in attempts:
        if a["outcome"] == "won":
            return float(a["stages"]["hello_done"])
    if not attempts or any(not any(st in a["stages"] for st in TERMINAL_STAGES)
                           for a in attempts):
        return timeout_ms
    return float(max(max(a["stages"].values()) for a in attempts))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--delay-ms", type=int, default=20)
    ap.add_argument("--no-sequential", action="store_true")
    ap.add_argument("--scenario", action="append", help="only these (default: every one that connects)")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    names = args.scenario or [n for n, s in lab.SCENARIOS.items() if s["expect"]["exit"] == 0]

    workdir = tempfile.mkdtemp(prefix="race-bench-")
    state_path = os.path.join(workdir, "lab-state.json")
    lab_py = os.path.join(HERE, "..", "lab", "lab.py")
    up = subprocess.run([sys.executable, lab_py, "up", "--state", state_path, "--parleyd",
                         os.path.join(build, "app", "parleyd", "parleyd"), "--delay-ms",
                         str(args.delay_ms), "--packet-delay",
                         os.path.join(build, "tests", "bench", "netdelay", "packet_delay")],
                        capture_output=True, text=True)
    if up.returncode == lab.SKIP:
        print("(skipped: %s)" % up.stdout.strip())
        return lab.SKIP
    if up.returncode != 0:
        log("lab did not come up:\n" + up.stdout + up.stderr)
        return 1
    rows = []
    try:
        run = LabRun(build, state_path)
        for name in names:
            scenario = lab.SCENARIOS[name]
            lab.apply_scenario(run.state, name)
            run.fresh_client_state(name)
            curl_ms = run.curl(scenario, args.runs)
            anyauth_ms = run.curl(scenario, args.runs, anyauth=True)
            find_ms = run.discovery(scenario, args.runs)
            first_ms, tls_ms, hello_ms, winners = run.race(name, scenario, args.runs)
            run.fresh_client_state(name)
            seq_ms = None if args.no_sequential else run.sequential(scenario)
            rows.append((name, "; ".join(winners), curl_ms, anyauth_ms, find_ms, first_ms, tls_ms,
                         hello_ms, seq_ms))
            log("%s: minimum %.1f (+%.1f discovery) ms, race tls first %s, then %s ms, "
                "hello %s ms, sequential %s" %
                (name, curl_ms, find_ms, first_ms, tls_ms, hello_ms,
                 "-" if seq_ms is None else "%.0f ms" % seq_ms))
    finally:
        subprocess.run([sys.executable, lab_py, "down", "--state", state_path],
                       capture_output=True, text=True)

    print("Lab round trip: %d ms added on the client's link (packet_delay); medians of %d runs; "
          "the race is `parley-cli probe`, the minimum is curl's time_appconnect on the same "
          "path (plus, where only WPAD/PAC names the proxy, curl's fetch of wpad.dat); "
          "\"first contact\" is the median of N probes each with nothing remembered, the other "
          "race figures are medians of N probes after them (which know the scheme the proxy asked for); \"first-contact "
          "minimum\" is curl --proxy-anyauth on the same path (it too learns the scheme from a "
          "407 first); race and sequential client are both timed on the probe's own clock "
          "(see the script's header)."
          % (2 * args.delay_ms, args.runs))
    print()
    print("| scenario | winner | minimum: TCP+tunnel+TLS (ms) | + wpad.dat fetch (ms) "
          "| first-contact minimum: curl --proxy-anyauth (ms) "
          "| race, first contact: TLS done (ms) | first contact - minimum (ms) "
          "| first contact - first-contact minimum (ms) "
          "| race: TLS done (ms) | race - minimum (ms) "
          "| race: server hello (ms) | sequential client: server hello (ms) | sequential / race |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, winner, curl_ms, anyauth_ms, find_ms, first_ms, tls_ms, hello_ms, seq_ms in rows:
        seq = "-" if seq_ms is None else "%.0f" % seq_ms
        ratio = "-" if seq_ms is None else "%.1fx" % (seq_ms / hello_ms)
        find = "-" if not find_ms else "%.1f" % find_ms
        anyauth = "-" if anyauth_ms is None else "%.1f" % anyauth_ms
        first_vs_anyauth = "-" if anyauth_ms is None else "%+.1f" % (first_ms - anyauth_ms)
        print("| %s | %s | %.1f | %s | %s | %s | %+.1f | %s | %s | %+.1f | %s | %s | %s |" %
              (name, winner, curl_ms, find, anyauth, first_ms, first_ms - curl_ms - find_ms,
               first_vs_anyauth, tls_ms, tls_ms - curl_ms - find_ms, hello_ms, seq, ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
