#!/usr/bin/env python3
"""parley-cli.exe under Wine next to the Linux parley-cli, in one run: a sanity ratio.

Not a claim about Windows' speed (Wine translates every system call, and this
is one Linux machine): it shows that the Windows build does the same work in
the same number of round trips, and how much Wine adds on top. Everything is
on loopback, against this tree's Linux parleyd:

  - the race: `probe --json` direct, and through a squid with Basic auth
    (`--no-direct`, credentials in the URL), N times each, alternating Linux
    and Wine; the winner's hello_done read from the probe's own clock (ms
    since its race started), so process and Wine start-up count for neither;
  - chat round trip: `join --say` N times each; the time from the `joined`
    event to the server's acknowledgement (`sent`), both stamped by the
    client's own clock.

Prints a Markdown table on stdout (progress on stderr). From the repository root:
  tests/bench/wine_bench.py LINUX_BUILD_DIR WINDOWS_BUILD_DIR [--runs 7]
WINDOWS_BUILD_DIR is a tree tests/windows/build-windows made; the dependency
cache (scripts/windows-deps --prefix) gives the DLLs. Exit 77 when wine, squid
or the Windows build is missing.
"""

import argparse
import datetime
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def log(msg):
    print("wine_bench: " + msg, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def stamp(event):
    return datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00"))


class Bench:
    def __init__(self, linux_build, windows_build, work):
        self.work = work
        self.procs = []
        self.cli = os.path.join(linux_build, "app", "parley-cli", "parley-cli")
        self.parleyd = os.path.join(linux_build, "app", "parleyd", "parleyd")
        self.exe = os.path.join(windows_build, "app", "parley-cli", "parley-cli.exe")
        prefix = subprocess.run([os.path.join(ROOT, "scripts", "windows-deps"), "--prefix"],
                                capture_output=True, text=True, check=True).stdout.strip()
        self.wine_env = dict(os.environ, WINEPREFIX=os.path.join(work, "wineprefix"),
                             WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=",
                             WINEPATH=";".join([prefix + "/bin",
                                                "/usr/lib/gcc/x86_64-w64-mingw32/12-posix",
                                                "/usr/x86_64-w64-mingw32/lib"]))
        self.linux_env = dict(os.environ, XDG_STATE_HOME=os.path.join(work, "state"))

    def start(self, args, **kw):
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["wineserver", "-k"], env=self.wine_env, check=False)

    def setup(self):
        server = os.path.join(self.work, "server")
        subprocess.run([self.parleyd, "init", "--dir", server, "--tcp", "127.0.0.1:0", "--udp",
                        "127.0.0.1:0", "--host", "localhost", "--host", "127.0.0.1"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([self.parleyd, "user", "add", "alice", "--config",
                        os.path.join(server, "parleyd.toml")], input="pw-alice\n", text=True,
                       check=True, stdout=subprocess.DEVNULL)
        ports = os.path.join(self.work, "ports")
        self.start([self.parleyd, "run", "--config", os.path.join(server, "parleyd.toml"),
                    "--ports-file", ports])
        for _ in range(100):
            if os.path.exists(ports) and os.path.getsize(ports) > 0:
                break
            time.sleep(0.1)
        self.port = json.load(open(ports))["tcp"][0]["port"]
        self.ca = os.path.join(server, "ca.crt")
        self.ca_win = subprocess.run(["winepath", "-w", self.ca], env=self.wine_env,
                                     capture_output=True, text=True).stdout.strip()

        squid = os.path.join(self.work, "squid")
        os.makedirs(squid)
        os.chmod(self.work, 0o777)
        os.chmod(squid, 0o777)
        self.proxy_port = free_port()
        digest = subprocess.run(["openssl", "passwd", "-apr1", "-salt", "parleywb", "secret"],
                                capture_output=True, text=True, check=True).stdout.strip()
        with open(os.path.join(squid, "htpasswd"), "w") as f:
            f.write("alice:%s\n" % digest)
        with open(os.path.join(squid, "squid.conf"), "w") as f:
            f.write("\n".join([
                "http_port 127.0.0.1:%d" % self.proxy_port,
                "pid_filename %s/squid.pid" % squid, "cache_log %s/cache.log" % squid,
                "access_log none", "cache deny all", "cache_mem 8 MB",
                "shutdown_lifetime 0 seconds", "coredump_dir %s" % squid,
                "auth_param basic program /usr/lib/squid/basic_ncsa_auth %s/htpasswd" % squid,
                "acl authed proxy_auth REQUIRED", "http_access allow authed",
                "http_access deny all", ""]))
        self.start(["/usr/sbin/squid", "-N", "-f", os.path.join(squid, "squid.conf")])
        if not wait_port(self.proxy_port):
            raise RuntimeError("squid did not start")
        subprocess.run(["wine", "wineboot", "-i"], env=self.wine_env, capture_output=True,
                       timeout=300, check=False)

    def run(self, wine, args, stdin=None):
        cmd = (["wine", self.exe] if wine else [self.cli]) + args
        out = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120,
                             env=self.wine_env if wine else self.linux_env)
        return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]

    def common(self, wine):
        return ["--server", "127.0.0.1", "--tls-port", str(self.port), "--alt-port",
                str(self.port), "--ca", self.ca_win if wine else self.ca, "--no-auto"]

    def probe(self, wine, via_proxy):
        args = ["probe", "--json"] + self.common(wine)
        if via_proxy:
            args += ["--no-direct", "--proxy",
                     "http://alice:secret@127.0.0.1:%d" % self.proxy_port]
        events = self.run(wine, args)
        if not events or not events[0].get("winner"):
            return None
        result = events[0]
        winner = next(a for a in result["attempts"] if a["id"] == result["winner"]["attempt"])
        return winner["stages"].get("hello_done", result["winner"]["ms"])

    def chat(self, wine):
        events = self.run(wine, ["join", "--json", "--user", "alice", "--room", "bench",
                                 "--for", "0", "--say", "ping"] + self.common(wine),
                          stdin="pw-alice\n")
        joined = next((e for e in events if e.get("event") == "joined"), None)
        sent = next((e for e in events if e.get("event") == "sent"), None)
        if joined is None or sent is None:
            return None
        return (stamp(sent) - stamp(joined)).total_seconds() * 1000.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("linux_build")
    parser.add_argument("windows_build")
    parser.add_argument("--runs", type=int, default=7)
    a = parser.parse_args()
    exe = os.path.join(a.windows_build, "app", "parley-cli", "parley-cli.exe")
    if not shutil.which("wine") or not os.path.exists("/usr/sbin/squid") or \
            not os.path.exists(exe):
        log("needs wine, squid and %s" % exe)
        return 77
    work = tempfile.mkdtemp(prefix="wine-bench-")
    bench = Bench(os.path.abspath(a.linux_build), os.path.abspath(a.windows_build), work)
    rows = []
    try:
        bench.setup()
        measures = [("race, direct: hello_done (ms)", lambda w: bench.probe(w, False)),
                    ("race, squid Basic: hello_done (ms)", lambda w: bench.probe(w, True)),
                    ("chat round trip: joined to acknowledged (ms)", bench.chat)]
        for name, measure in measures:
            values = {False: [], True: []}
            for i in range(a.runs):
                for wine in (False, True):  # alternating: the same load for both
                    v = measure(wine)
                    if v is not None:
                        values[wine].append(v)
                log("%s: run %d/%d" % (name, i + 1, a.runs))
            linux = statistics.median(values[False]) if values[False] else float("nan")
            windows = statistics.median(values[True]) if values[True] else float("nan")
            rows.append((name, linux, windows, len(values[False]), len(values[True])))
    finally:
        bench.stop()
    print("| measure | Linux parley-cli | parley-cli.exe under Wine | Wine / Linux | runs (ok) |")
    print("|---|---|---|---|---|")
    for name, linux, windows, n_linux, n_wine in rows:
        ratio = windows / linux if linux else float("nan")
        print("| %s | %.1f | %.1f | %.2f | %d / %d |" % (name, linux, windows, ratio, n_linux,
                                                          n_wine))
    return 0


if __name__ == "__main__":
    sys.exit(main())
