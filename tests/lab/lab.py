#!/usr/bin/env python3
"""Parley network lab: real proxies, a KDC, names and firewalls in namespaces.

The lab is a small network made of Linux network namespaces on one bridge:

    client  10.231.1.10   the probe runs here; nftables decides what it may reach;
                          its only link goes to
    home    10.231.2.10   a second client (media tests: tc tbf shapes its link),
                          also behind
    router  10.231.0.2    forwards the client's traffic (optionally delayed)
    server  10.231.0.20   parleyd on 443 and 5228 (parley.lab.test)
    infra   10.231.0.30   dnsmasq (names), .31 wpad web server, .32 MIT KDC
    proxies 10.231.0.41.. squid (basic, ntlm, negotiate, ssl-bump, open/wpad, digest),
                          dante (SOCKS4/5), microsocks (SOCKS5 user/password)

One supervisor process owns a lab: it builds it, records itself as the owner,
waits for SIGTERM (or its time to live) and then tears down exactly what it
made: its daemons (by PID), its namespaces, /etc/netns/<ns>/, its temp dir.
Everything is named plab<supervisor pid>-...; a lab whose owner PID is dead is
swept by the next `up` or `down` (only names with our prefix).

Commands (all need root; `up` exits 77 when namespaces cannot be made):
  lab.py up --state FILE --parleyd PATH [--delay-ms N --packet-delay PATH]
                                            build a lab, write FILE, return;
                                            with a delay, the router between the
                                            client and the rest holds every
                                            packet N ms each way
  lab.py down --state FILE                  tear it down (and sweep stale labs)
  lab.py scenario NAME --state FILE         apply a scenario's firewall/WPAD
  lab.py exec --state FILE [--ns client] -- CMD...
                                            run CMD in a lab namespace (with
                                            the lab's Kerberos environment)
  lab.py test NAME --state FILE --cli PATH  apply NAME, run parley-cli probe
                                            --json in the client, check it
  lab.py impair-check --state FILE --packet-delay PATH
                                            loss, bursts, jitter, a rate limit
                                            and an address change on the
                                            client's link, each measured
  lab.py delay-check --state FILE --parleyd PATH --packet-delay PATH
                                            a lab with a 20 ms delay each way:
                                            connect takes >= 40 ms, paths work
  lab.py list                               scenarios and what they expect
  lab.py media NAME --state FILE --cli PATH --check PATH [--packet-delay PATH]
                                            a media test (media.py,
                                            voice_loss.py, screen_loss.py):
                                            parley-cli clients
                                            in a room, voice and video through
                                            a firewall, a tc tbf link or a
                                            lossy link (impair.py)
  lab.py curl [NAME] --state FILE           check the lab's paths with curl
  lab.py check                              can the lab run here? (0 yes, 77 no)
  lab.py sweep                              remove stale labs (dead owners)

Standard library only.
"""

import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from topology import (  # noqa: E402
    BRIDGED, BUMP_CA_NAME, DNS_IP, DOMAIN, HOSTS, KRB_PASSWORD, KRB_USER, MEDIA_USERS,
    PASSWORD, PREFIX, REALM, RECORD_DIR, ROLES, ROUTED, ROUTER_IP, SEARCH, SERVER, SERVICES,
    SKIP, SOCKS_PASSWORD, SOCKS_USER, USER, ip_of)
from scenarios import ALWAYS, SCENARIOS, check_probe, nft_rules  # noqa: E402
from jsonl import jsonl_events  # noqa: E402,F401 (peer_lab and interconnect_lab take it from here)
import media  # noqa: E402
import impair  # noqa: E402
import network_change  # noqa: E402
import screen_loss  # noqa: E402
import voice_loss  # noqa: E402
import busy_machine  # noqa: E402

MEDIA_TESTS = dict(media.TESTS, **voice_loss.TESTS, **network_change.TESTS, **screen_loss.TESTS,
                   **busy_machine.TESTS)


# --------------------------------------------------------------------------
# helpers


def log(msg):
    print("lab: " + msg, file=sys.stderr, flush=True)


def run(argv, check=True, input_text=None, env=None, timeout=60):
    p = subprocess.run(argv, input=input_text, capture_output=True, text=True, env=env,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(argv), p.returncode,
                                                   (p.stderr or p.stdout).strip()[-800:]))
    return p


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_lab_owner(pid):
    """True when pid is alive and is a lab supervisor (not a reused PID)."""
    if not pid_alive(pid):
        return False
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return b"lab.py" in f.read()
    except OSError:
        return False


def kill_pids(pids, grace_s=3.0):
    """SIGTERM, then SIGKILL after a bounded wait. Only PIDs we were given."""
    pids = [p for p in pids if p > 1 and p != os.getpid()]
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and any(pid_alive(p) for p in pids):
        for p in pids:  # reap our own children
            try:
                os.waitpid(p, os.WNOHANG)
            except ChildProcessError:
                pass
        time.sleep(0.05)
    for p in pids:
        if pid_alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(p, os.WNOHANG)
        except ChildProcessError:
            pass


def netns_list():
    p = run(["ip", "netns", "list"], check=False)
    return [line.split()[0] for line in p.stdout.splitlines() if line.strip()]


def netns_pids(ns):
    p = run(["ip", "netns", "pids", ns], check=False)
    return [int(x) for x in p.stdout.split() if x.isdigit()]


def remove_netns(ns):
    """Ends every process in our namespace (they are ours), then deletes it."""
    for _ in range(3):
        pids = netns_pids(ns)
        if not pids:
            break
        kill_pids(pids)
    run(["ip", "netns", "delete", ns], check=False)
    shutil.rmtree("/etc/netns/" + ns, ignore_errors=True)


def sweep():
    """Removes labs whose owner is dead. Only names plab<pid>-...; never others."""
    owners = {}
    for ns in netns_list():
        m = re.fullmatch(PREFIX + r"(\d+)-[a-z]+", ns)
        if m:
            owners.setdefault(int(m.group(1)), []).append(ns)
    if os.path.isdir(RECORD_DIR):
        for name in os.listdir(RECORD_DIR):
            m = re.fullmatch(PREFIX + r"(\d+)\.json", name)
            if m:
                owners.setdefault(int(m.group(1)), [])
    swept = 0
    for pid, namespaces in owners.items():
        if is_lab_owner(pid):
            continue
        record = os.path.join(RECORD_DIR, "%s%d.json" % (PREFIX, pid))
        workdir = None
        try:
            with open(record) as f:
                workdir = json.load(f).get("workdir")
        except (OSError, ValueError):
            pass
        for ns in namespaces:
            remove_netns(ns)
        # /etc/netns dirs of namespaces that are already gone
        if os.path.isdir("/etc/netns"):
            for d in os.listdir("/etc/netns"):
                if d.startswith("%s%d-" % (PREFIX, pid)):
                    shutil.rmtree("/etc/netns/" + d, ignore_errors=True)
        if workdir and os.path.basename(workdir).startswith("%s%d-" % (PREFIX, pid)):
            shutil.rmtree(workdir, ignore_errors=True)
        try:
            os.unlink(record)
        except OSError:
            pass
        swept += 1
        log("swept stale lab %s%d (owner gone)" % (PREFIX, pid))
    return swept


def can_make_namespaces():
    if os.environ.get("PARLEY_LAB_SKIP"):
        return "PARLEY_LAB_SKIP is set (%s)" % os.environ["PARLEY_LAB_SKIP"]
    if os.geteuid() != 0:
        return "not root (network namespaces need CAP_SYS_ADMIN)"
    for tool in ["ip", "nft", "squid", "danted", "microsocks", "dnsmasq", "krb5kdc",
                 "kdb5_util", "kadmin.local", "kinit", "openssl", "curl"]:
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            return "missing tool: %s (see scripts/lib/deps.sh)" % tool
    probe = "%s%d-probe" % (PREFIX, os.getpid())
    p = run(["ip", "netns", "add", probe], check=False)
    if p.returncode != 0:
        return "cannot create a network namespace: " + p.stderr.strip()
    try:
        p = run(["ip", "-n", probe, "link", "add", "t0", "type", "veth", "peer", "name", "t1"],
                check=False)
        if p.returncode != 0:
            return "cannot create a veth pair: " + p.stderr.strip()
        p = run(["ip", "netns", "exec", probe, "nft", "list", "tables"], check=False)
        if p.returncode != 0:
            return "nftables does not work in a namespace: " + p.stderr.strip()
    finally:
        run(["ip", "netns", "delete", probe], check=False)
    return None


def sbin(tool):
    return shutil.which(tool) or "/usr/sbin/" + tool


# --------------------------------------------------------------------------
# the lab



def squid_conf_text(hostname, addr, d, ports, dns=None, auth="", port_opts="", extra=""):
    """A squid that only tunnels (CONNECT to `ports`), logs into `d`, keeps
    nothing, and answers on addr:3128; `auth` and `extra` add access rules."""
    return """# {hostname}: written by tests/lab
http_port {addr}:3128 {port_opts}
pid_filename none
cache_effective_user proxy
cache_effective_group proxy
access_log stdio:{d}/access.log
cache_log {d}/cache.log
cache_store_log none
logfile_rotate 0
coredump_dir {d}
netdb_filename none
icp_port 0
htcp_port 0
shutdown_lifetime 0 seconds
{dns}hosts_file none
visible_hostname {hostname}
cache deny all
acl CONNECT method CONNECT
acl tunnel_ports port {ports}
http_access deny !CONNECT
http_access deny CONNECT !tunnel_ports
{auth}
{extra}
""".format(hostname=hostname, addr=addr, port_opts=port_opts, d=d,
           dns=("dns_nameservers %s\n" % dns) if dns else "", auth=auth, extra=extra,
           ports=" ".join(str(p) for p in ports))

class Lab:
    """Built and owned by the supervisor process (this PID)."""

    def __init__(self, parleyd, delay_ms=0, packet_delay=None, workdir=None):
        self.owner = os.getpid()
        self.tag = "%s%d" % (PREFIX, self.owner)
        self.parleyd = parleyd
        self.workdir = workdir or tempfile.mkdtemp(prefix=self.tag + "-")
        os.chmod(self.workdir, 0o755)  # squid runs as 'proxy' and reads its dir
        self.ns = {role: "%s-%s" % (self.tag, role[:3]) for role in ROLES + ["switch"]}
        self.delay_ms = delay_ms
        self.packet_delay = packet_delay
        self.daemons = []  # (name, Popen)
        self.launches = {}  # name -> (role, argv, env, cwd), to start it again
        self.record = os.path.join(RECORD_DIR, self.tag + ".json")
        self.krb_env = {
            "KRB5_CONFIG": self.path("krb5.conf"),
            "KRB5CCNAME": "FILE:" + self.path("client.ccache"),
        }

    def path(self, *parts):
        return os.path.join(self.workdir, *parts)

    def write(self, rel, text, mode=0o644):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def save_record(self, state):
        os.makedirs(RECORD_DIR, exist_ok=True)
        tmp = self.record + ".tmp"
        with open(tmp, "w") as f:
            json.dump(state, f, indent=1)
        os.replace(tmp, self.record)

    def state(self, status):
        return {
            "status": status,
            "owner": self.owner,
            "tag": self.tag,
            "workdir": self.workdir,
            "namespaces": self.ns,
            "ca": self.path("parleyd", "ca.crt"),
            "bump_ca": self.path("squid-bump", "bumpca.pem"),
            "server": SERVER,
            "hosts": HOSTS,
            "krb_env": self.krb_env,
            "delay_ms": self.delay_ms,
            "daemons": {name: p.pid for name, p in self.daemons},
        }

    # --- network

    def build_network(self):
        self.save_record(self.state("building"))
        for ns in self.ns.values():
            run(["ip", "netns", "add", ns])
        sw = self.ns["switch"]
        run(["ip", "-n", sw, "link", "add", "br0", "type", "bridge"])
        run(["ip", "-n", sw, "link", "set", "br0", "up"])
        run(["ip", "-n", sw, "link", "set", "lo", "up"])
        for role in BRIDGED:
            ns = self.ns[role]
            port = "v-" + role[:3]
            run(["ip", "-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0",
                 "netns", ns])
            run(["ip", "-n", sw, "link", "set", port, "master", "br0", "up"])
        # the clients hang off the router, whose forwarding path can hold
        # packets (--delay-ms); the others reach the clients through it.
        # "home" is a second client (the media tests shape its link with tc).
        rt = self.ns["router"]
        run(["ip", "-n", rt, "addr", "add", ROUTER_IP + "/24", "dev", "eth0"])
        for role, (dev, net) in ROUTED.items():
            run(["ip", "-n", rt, "link", "add", dev, "type", "veth", "peer", "name", "eth0",
                 "netns", self.ns[role]])
            run(["ip", "-n", rt, "addr", "add", net + "1/24", "dev", dev])
            run(["ip", "-n", rt, "link", "set", dev, "up"])
        run(["ip", "netns", "exec", rt, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
        for role in ROLES:
            ns = self.ns[role]
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
            for name, (r, addr) in HOSTS.items():
                if r == role:
                    run(["ip", "-n", ns, "addr", "add", addr + "/24", "dev", "eth0"])
            run(["ip", "-n", ns, "link", "set", "eth0", "up"])
            if role in ROUTED:
                run(["ip", "-n", ns, "route", "add", "default", "via", ROUTED[role][1] + "1"])
            elif role != "router":
                for _, net in ROUTED.values():
                    run(["ip", "-n", ns, "route", "add", net + "0/24", "via", ROUTER_IP])
            # names: the lab's dnsmasq, with the corp search domain (WPAD)
            os.makedirs("/etc/netns/" + ns, exist_ok=True)
            with open("/etc/netns/%s/resolv.conf" % ns, "w") as f:
                f.write("nameserver %s\nsearch %s %s\noptions timeout:1 attempts:2\n"
                        % (DNS_IP, SEARCH, DOMAIN))
            with open("/etc/netns/%s/hosts" % ns, "w") as f:
                f.write("127.0.0.1 localhost\n")

    # --- daemons

    def start(self, name, role, argv, env=None, cwd=None):
        logf = open(self.path("logs", name + ".log"), "ab")
        full_env = dict(os.environ)
        full_env.update(env or {})
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[role]] + argv, stdout=logf,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=full_env,
                             cwd=cwd, start_new_session=True)
        logf.close()
        self.daemons = [(n, q) for n, q in self.daemons if n != name] + [(name, p)]
        self.launches[name] = (role, argv, env, cwd)
        return p

    def ns_run(self, role, argv, env=None, input_text=None, check=True, timeout=60):
        full_env = dict(os.environ)
        full_env.update(env or {})
        return run(["ip", "netns", "exec", self.ns[role]] + argv, env=full_env,
                   input_text=input_text, check=check, timeout=timeout)

    def setup_delay(self):
        """Every packet forwarded by the router waits delay_ms (each way), so a
        client round trip gains 2 x delay_ms. tests/bench/netdelay/packet_delay
        holds them in NFQUEUE (no netem here; docs/adr/0006-lab-delay-element.md)."""
        if not self.delay_ms:
            return
        if not self.packet_delay or not os.access(self.packet_delay, os.X_OK):
            raise RuntimeError("--delay-ms needs --packet-delay (tests/bench/netdelay)")
        self.start("packet_delay", "router", [self.packet_delay, "--queue", "0",
                                              "--delay-ms", str(self.delay_ms)])
        # bound to the queue? (the rule is fail-open: without it packets pass undelayed)
        deadline = time.monotonic() + 60
        while True:
            q = self.ns_run("router", ["cat", "/proc/net/netfilter/nfnetlink_queue"],
                            check=False)
            if q.stdout.split()[:1] == ["0"]:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("packet_delay did not bind NFQUEUE 0 within 60 s")
            time.sleep(0.05)
        self.ns_run("router", ["iptables", "-A", "FORWARD", "-j", "NFQUEUE", "--queue-num",
                               "0", "--queue-bypass"])

    def setup_dns_web(self):
        records = ["--host-record=%s,%s" % (name, addr) for name, (_, addr) in HOSTS.items()]
        self.start("dnsmasq", "infra", [
            sbin("dnsmasq"), "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
            "--no-hosts", "--no-poll", "--bind-interfaces", "--listen-address=" + DNS_IP,
            "--user=root", "--pid-file=" + self.path("dnsmasq.pid"),
            "--log-facility=" + self.path("logs", "dnsmasq-queries.log"), "--log-queries",
            "--local=/" + DOMAIN + "/", "--cache-size=0"] + records)
        os.makedirs(self.path("www"), exist_ok=True)
        self.start("wpad-web", "infra", [
            sys.executable, "-m", "http.server", "80", "--bind", ip_of("wpad." + SEARCH),
            "--directory", self.path("www")])

    def setup_kdc(self):
        kdir = self.path("kdc")
        os.makedirs(kdir)
        self.write("krb5.conf", """[libdefaults]
 default_realm = {realm}
 dns_lookup_kdc = false
 dns_lookup_realm = false
 rdns = false
 dns_canonicalize_hostname = false
 ignore_acceptor_hostname = true
[realms]
 {realm} = {{
  kdc = kdc.lab.test:88
 }}
[domain_realm]
 .{domain} = {realm}
 {domain} = {realm}
""".format(realm=REALM, domain=DOMAIN))
        self.write("kdc/kdc.conf", """[kdcdefaults]
 kdc_ports = 88
 kdc_tcp_ports = 88
[realms]
 {realm} = {{
  database_name = {d}/principal
  key_stash_file = {d}/stash
  acl_file = {d}/kadm5.acl
  max_life = 10h
  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
 }}
[logging]
 kdc = FILE:{d}/kdc.log
""".format(realm=REALM, d=kdir))
        self.write("kdc/kadm5.acl", "")
        env = dict(os.environ, KRB5_CONFIG=self.path("krb5.conf"),
                   KRB5_KDC_PROFILE=self.path("kdc", "kdc.conf"))
        run([sbin("kdb5_util"), "create", "-s", "-r", REALM, "-P", "lab-master-key"], env=env)
        keytab = self.path("squid-negotiate", "http.keytab")
        os.makedirs(os.path.dirname(keytab), exist_ok=True)
        for q in ["addprinc -pw %s %s" % (KRB_PASSWORD, KRB_USER),
                  "addprinc -randkey HTTP/proxy-negotiate.lab.test",
                  "ktadd -k %s HTTP/proxy-negotiate.lab.test" % keytab]:
            run([sbin("kadmin.local"), "-r", REALM, "-q", q], env=env)
        self.start("krb5kdc", "infra", [sbin("krb5kdc"), "-n", "-r", REALM, "-P",
                                        self.path("kdc", "krb5kdc.pid")],
                   env={"KRB5_CONFIG": env["KRB5_CONFIG"],
                        "KRB5_KDC_PROFILE": env["KRB5_KDC_PROFILE"]})

    def setup_parleyd(self):
        d = self.path("parleyd")
        srv = ip_of(SERVER)
        run([self.parleyd, "init", "--dir", d, "--host", SERVER, "--tcp", srv + ":443",
             "--tcp", srv + ":5228", "--udp", srv + ":5564", "--rsa-bits", "2048"])
        # The media scenarios measure the server path; peer paths have their
        # own scenarios, which turn them on.
        conf = os.path.join(d, "parleyd.toml")
        with open(conf) as f:
            text = f.read()
        with open(conf, "w") as f:
            f.write(text.replace("peer_to_peer = true", "peer_to_peer = false"))
        for user in [USER] + MEDIA_USERS:
            run([self.parleyd, "user", "add", user, "--config", os.path.join(d, "parleyd.toml")],
                input_text=PASSWORD + "\n")
        self.start("parleyd", "server",
                   [self.parleyd, "run", "--config", os.path.join(d, "parleyd.toml")], cwd=d)

    def squid_conf(self, name, addr, auth="", port_opts="", extra=""):
        d = self.path(name)
        os.makedirs(d, exist_ok=True)
        self.write(name + "/squid.conf",
                   squid_conf_text(name + ".lab.test", addr, d, [443, 5228], dns=DNS_IP,
                                   auth=auth, port_opts=port_opts, extra=extra))
        return d

    def start_squid(self, name, env=None):
        d = self.path(name)
        run(["chown", "-R", "proxy:proxy", d])
        self.start(name, "proxies", [sbin("squid"), "-N", "-f", os.path.join(d, "squid.conf")],
                   env=env)

    def setup_proxies(self):
        lib = "/usr/lib/squid/"
        # Basic, against an htpasswd file (apr1 hash from openssl)
        h = run(["openssl", "passwd", "-apr1", PASSWORD]).stdout.strip()
        self.squid_conf("squid-basic", ip_of("proxy-basic.lab.test"), auth="""
auth_param basic program {lib}basic_ncsa_auth {d}/passwd
auth_param basic children 2
auth_param basic realm Parley Lab Basic
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all""".format(lib=lib, d=self.path("squid-basic")))
        self.write("squid-basic/passwd", "%s:%s\n" % (USER, h))
        self.start_squid("squid-basic")

        # Digest only (digest_file_auth, plain-text user:password file)
        self.squid_conf("squid-digest", ip_of("proxy-digest.lab.test"), auth="""
auth_param digest program {lib}digest_file_auth {d}/digest_passwd
auth_param digest children 2
auth_param digest realm Parley Lab Digest
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all""".format(lib=lib, d=self.path("squid-digest")))
        self.write("squid-digest/digest_passwd", "%s:%s\n" % (USER, PASSWORD))
        self.start_squid("squid-digest")

        # NTLM (fake helper: any user, the handshake is real)
        self.squid_conf("squid-ntlm", ip_of("proxy-ntlm.lab.test"), auth="""
auth_param ntlm program {lib}ntlm_fake_auth
auth_param ntlm children 2
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all""".format(lib=lib))
        self.start_squid("squid-ntlm")

        # Negotiate against the lab KDC
        keytab = self.path("squid-negotiate", "http.keytab")
        self.squid_conf("squid-negotiate", ip_of("proxy-negotiate.lab.test"), auth="""
auth_param negotiate program {lib}negotiate_kerberos_auth -k {kt} -s HTTP/proxy-negotiate.lab.test@{realm}
auth_param negotiate children 2
auth_param negotiate keep_alive on
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all""".format(lib=lib, kt=keytab, realm=REALM))
        self.start_squid("squid-negotiate", env={"KRB5_CONFIG": self.path("krb5.conf"),
                                                 "KRB5_KTNAME": "FILE:" + keytab})

        # Open squid, found only through WPAD / PAC
        self.squid_conf("squid-wpad", ip_of("proxy-wpad.lab.test"),
                        auth="http_access allow all")
        self.start_squid("squid-wpad")

        # TLS-inspecting squid (ssl_bump) with its own CA
        d = self.path("squid-bump")
        os.makedirs(d, exist_ok=True)
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-keyout", os.path.join(d, "bumpca.key"), "-out", os.path.join(d, "bumpca.pem"),
             "-subj", "/O=Parley Lab/CN=" + BUMP_CA_NAME,
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        run([lib + "security_file_certgen", "-c", "-s", os.path.join(d, "certdb"), "-M", "4MB"])
        self.squid_conf(
            "squid-bump", ip_of("proxy-bump.lab.test"),
            port_opts=("ssl-bump generate-host-certificates=on dynamic_cert_mem_cache_size=4MB "
                       "tls-cert={d}/bumpca.pem tls-key={d}/bumpca.key").format(d=d),
            auth="http_access allow all",
            extra="""sslcrtd_program {lib}security_file_certgen -s {d}/certdb -M 4MB
sslcrtd_children 2
tls_outgoing_options flags=DONT_VERIFY_PEER
sslproxy_cert_error allow all
acl step1 at_step SslBump1
ssl_bump peek step1
ssl_bump bump all""".format(lib=lib, d=d))
        self.start_squid("squid-bump")

        # dante: SOCKS4 and SOCKS5, no authentication
        self.write("dante/danted.conf", """logoutput: {d}/danted.log
internal: {ip} port = 1080
external: {ip}
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {{
  from: 0.0.0.0/0 to: 0.0.0.0/0
}}
socks pass {{
  from: 0.0.0.0/0 to: 0.0.0.0/0
  command: connect
  protocol: tcp
}}
""".format(d=self.path("dante"), ip=ip_of("socks.lab.test")))
        self.start("danted", "proxies", [sbin("danted"), "-f", self.path("dante", "danted.conf"),
                                         "-p", self.path("dante", "danted.pid")])

        # microsocks: SOCKS5 with user name and password
        self.start("microsocks", "proxies", [
            sbin("microsocks"), "-i", ip_of("socks-auth.lab.test"), "-p", "1080",
            "-u", SOCKS_USER, "-P", SOCKS_PASSWORD])

    def wait_ready(self, timeout_s=60.0):
        """Every service answers TCP from the client namespace, through lab names.

        A daemon that died while the lab came up is started once more, after its
        log is printed: CI once saw one squid of six exit during start-up on a
        loaded machine (the reason was lost with the lab's directory). A daemon
        that dies twice fails the lab."""
        for round_ in (1, 2):
            p = self.ns_run("client", [sys.executable, os.path.abspath(__file__), "_wait",
                                       "--timeout", str(timeout_s)] + SERVICES,
                            check=False, timeout=timeout_s + 10)
            dead = [n for n, proc in self.daemons if proc.poll() is not None]
            if p.returncode == 0 and not dead:
                return
            for name in dead:
                self.print_log_tail(name)
            if round_ == 1 and dead:
                log("restarting once: %s" % ", ".join(dead))
                for name in dead:
                    role, argv, env, cwd = self.launches[name]
                    self.start(name, role, argv, env=env, cwd=cwd)
                continue
            raise RuntimeError("lab services not ready: %s %s; exited daemons: %s (logs in %s)"
                               % (p.stdout.strip(), p.stderr.strip(), dead or "none",
                                  self.path("logs")))

    def print_log_tail(self, name, lines=25):
        """The lab's directory is removed on the way down, so a daemon that died
        says why here, in the test's output (its own log and, for squid, cache.log)."""
        for path in (self.path("logs", name + ".log"), self.path(name, "cache.log")):
            try:
                with open(path, errors="replace") as f:
                    tail = f.read().splitlines()[-lines:]
            except OSError:
                continue
            log("--- last lines of %s" % path)
            for line in tail:
                log("    " + line)

    def kinit(self):
        self.ns_run("client", [shutil.which("kinit") or "kinit", KRB_USER], env=self.krb_env,
                    input_text=KRB_PASSWORD + "\n")

    def up(self):
        os.makedirs(self.path("logs"), exist_ok=True)
        self.build_network()
        self.setup_delay()
        self.setup_dns_web()
        self.setup_kdc()
        self.setup_parleyd()
        self.setup_proxies()
        self.save_record(self.state("starting"))
        self.wait_ready()
        self.kinit()
        apply_scenario(self.state("up"), "open")
        self.save_record(self.state("up"))

    def down(self):
        t0 = time.monotonic()
        kill_pids([p.pid for _, p in reversed(self.daemons)])
        left = {n: p.pid for n, p in self.daemons if p.poll() is None}
        log("daemons stopped in %.1f s%s" % (time.monotonic() - t0,
                                               ", still running: %s" % left if left else ""))
        present = netns_list()
        for ns in self.ns.values():
            if ns in present:
                remove_netns(ns)
            shutil.rmtree("/etc/netns/" + ns, ignore_errors=True)
        log("namespaces removed after %.1f s" % (time.monotonic() - t0))
        shutil.rmtree(self.workdir, ignore_errors=True)
        try:
            os.unlink(self.record)
        except OSError:
            pass


# --------------------------------------------------------------------------
# scenarios


def apply_scenario(state, name):
    scenario = SCENARIOS[name]
    rules = nft_rules(scenario)
    path = os.path.join(state["workdir"], "client.nft")
    with open(path, "w") as f:
        f.write(rules)
    run(["ip", "netns", "exec", state["namespaces"]["client"], "nft", "-f", path])
    wpad = os.path.join(state["workdir"], "www", "wpad.dat")
    if scenario.get("wpad"):
        with open(wpad + ".tmp", "w") as f:
            f.write("function FindProxyForURL(url, host) {\n  return \"%s\";\n}\n"
                    % scenario["wpad"])
        os.replace(wpad + ".tmp", wpad)
    elif os.path.exists(wpad):
        os.unlink(wpad)


CLIENT_HOSTNAME = "client." + SEARCH


def in_client(state, argv):
    """argv run in the client namespace, with its own host name (a UTS namespace)
    in the corp domain, as a desktop in that office would have."""
    return ["ip", "netns", "exec", state["namespaces"]["client"], "unshare", "--uts", "--",
            "sh", "-c", 'hostname "$0" && exec "$@"', CLIENT_HOSTNAME] + argv


def client_env(state, extra=None):
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy",
                                "ftp_proxy", "socks_proxy", "parley_proxy_password")}
    env.update(state["krb_env"])
    env.update(extra or {})
    return env


def load_state(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"status": "missing", "reason": "no lab state at %s (%s)" % (path, e)}


def check_state(state):
    """Returns an exit code when the lab is not usable (77 = skipped), else None."""
    if state.get("status") == "skipped":
        print("SKIPPED: network lab unavailable: " + state.get("reason", "?"))
        return SKIP
    if state.get("status") != "up" or not is_lab_owner(int(state.get("owner", 0))):
        print("lab is not up: " + json.dumps(state)[:500])
        return 1
    dead = [name for name, pid in state.get("daemons", {}).items() if not pid_alive(pid)]
    if dead:
        print("lab daemon(s) died: %s; logs in %s/logs and per daemon dir"
              % (", ".join(dead), state["workdir"]))
        return 1
    return None


def run_probe(state, cli, args, env):
    """parley-cli probe --json in the client namespace: (exit, JSON report, seconds, stderr)."""
    probe = [cli, "probe", "--server", SERVER, "--ca", state["ca"], "--json"]
    print("$ " + " ".join(probe + args))
    started = time.monotonic()
    try:
        p = subprocess.run(in_client(state, probe + args), capture_output=True, text=True,
                           env=env, timeout=120)
    except subprocess.TimeoutExpired:
        return None, None, 120.0, "the probe did not finish within 120 s"
    elapsed = time.monotonic() - started
    result = None
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except ValueError:
                pass
    print("exit %d after %.1f s" % (p.returncode, elapsed))
    print(json.dumps(result, indent=1) if result is not None else p.stdout)
    if p.stderr.strip():
        print("stderr:\n" + p.stderr.strip()[-3000:])
    return p.returncode, result, elapsed, p.stderr


def proxy_407_count(state, via):
    """407 replies in the access log of the squid serving `via` (proxy-NAME.lab.test:3128)."""
    name = "squid-" + via.split(".")[0].replace("proxy-", "")
    try:
        with open(os.path.join(state["workdir"], name, "access.log")) as f:
            return sum(1 for line in f if "/407 " in line)
    except OSError:
        return 0


def check_remembered(state, name, scenario, cli, env):
    """The second sign-in through the same proxy starts with the scheme it asked
    for the first time (net/tunnel/proxy_auth_hints.h)."""
    via = scenario["expect"]["via"]
    before = proxy_407_count(state, via)
    print("scenario %s, again with what the first run remembered:" % name)
    code, result, elapsed, _ = run_probe(state, cli, scenario["args"], env)
    failures = check_probe(name, result, elapsed, code)
    won = [a for a in (result or {}).get("attempts", []) if a.get("outcome") == "won"]
    if not won or "remembered" not in (won[0].get("detail") or ""):
        failures.append("the winner's proxy_auth does not say it used the remembered scheme")
    if scenario["again"] == "no-407":
        added = proxy_407_count(state, via) - before
        if added != 0:
            failures.append("the proxy still answered %d x 407 on the second run" % added)
    return failures


def run_test(args):
    state = load_state(args.state)
    rc = check_state(state)
    if rc is not None:
        return rc
    name = args.name
    scenario = SCENARIOS[name]
    apply_scenario(state, name)
    wrong = check_firewall(state, name)
    if wrong:
        print("FAIL %s: the lab's firewall is wrong (not the client): %s" % (name, wrong))
        return 1
    # Each scenario starts with nothing remembered (its own XDG_STATE_HOME).
    client_state = tempfile.mkdtemp(prefix="state-%s-" % name, dir=state["workdir"])
    env = client_env(state, {"PARLEY_PROXY_PASSWORD": scenario.get("password", ""),
                             "XDG_STATE_HOME": client_state})
    print("scenario %s: %s" % (name, scenario["about"]))
    code, result, elapsed, stderr = run_probe(state, args.cli, scenario["args"], env)
    if code is None:
        print("FAIL: " + stderr)
        return 1
    failures = check_probe(name, result, elapsed, code)
    if not failures and scenario.get("again"):
        failures = check_remembered(state, name, scenario, args.cli, env)
    if failures:
        print("FAIL %s:\n  %s" % (name, "\n  ".join(failures)))
        return 1
    print("PASS %s" % name)
    return 0


def run_curl(args):
    """The hand check: curl through the scenario's path (the TLS handshake with the
    server's certificate is what counts; the reply to GET / does not matter)."""
    state = load_state(args.state)
    rc = check_state(state)
    if rc is not None:
        return rc
    names = [args.name] if args.name else sorted(SCENARIOS)
    failed = 0
    for name in names:
        scenario = SCENARIOS[name]
        apply_scenario(state, name)
        wrong = check_firewall(state, name)
        print("%-22s %s  firewall%s" % (name, "FAIL" if wrong else "ok  ",
                                         ": " + "; ".join(wrong) if wrong else
                                         " (only the allowed services answer)"))
        failed += 1 if wrong else 0
        extra = scenario.get("curl")
        if extra is None and scenario["expect"]["exit"] == 0:
            extra = []
        if extra is None:
            continue
        port = scenario["expect"].get("port", 443)
        # --max-time only bounds a hung path: a handshake through squid and
        # parleyd (ASan) takes well under a second, but not on a busy machine.
        argv = in_client(state, ["curl", "-s", "-o", "/dev/null", "--max-time", "30",
                                 "--cacert", state["ca"], "-w",
                                 "%{time_appconnect} %{ssl_verify_result}"] + extra + [
                                     "https://%s:%d/" % (SERVER, port)])
        p = subprocess.run(argv, capture_output=True, text=True, env=client_env(state),
                           timeout=60)
        out = p.stdout.strip()
        tls_ok = out and float(out.split()[0]) > 0
        ok = (not tls_ok) if scenario.get("curl_fails") else tls_ok
        print("%-22s %s  curl exit %d, appconnect %s %s" % (
            name, "ok  " if ok else "FAIL", p.returncode, out,
            p.stderr.strip()[-200:]))
        failed += 0 if ok else 1
    return 1 if failed else 0


def cmd_reach(args):
    """Prints {endpoint: true|false}: a TCP connect within the timeout, all at once."""
    import threading
    result = {}

    def attempt(ep):
        host, _, port = ep.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=args.timeout):
                result[ep] = True
        except OSError:
            result[ep] = False

    threads = [threading.Thread(target=attempt, args=(ep,)) for ep in args.endpoints]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(result))
    return 0


def check_firewall(state, name):
    """Only the scenario's allowed services answer a TCP connect from the client."""
    scenario = SCENARIOS[name]
    allowed = set()
    for item in ALWAYS + scenario["allow"]:
        for ep in SERVICES:
            if item == "<all>" or item == ep or item == ep.rpartition(":")[0]:
                allowed.add(ep)
    # by address: the name lookup itself must not be what fails
    by_ip = {"%s:%s" % (ip_of(ep.rpartition(":")[0]), ep.rpartition(":")[2]): ep
             for ep in SERVICES}
    p = subprocess.run(["ip", "netns", "exec", state["namespaces"]["client"], sys.executable,
                        os.path.abspath(__file__), "_reach", "--timeout", "1.5"] +
                       sorted(by_ip), capture_output=True, text=True, timeout=30)
    reach = {by_ip[k]: v for k, v in json.loads(p.stdout).items()}
    wrong = ["%s %s" % (ep, "answers but should be blocked" if ok else
                        "blocked but should answer")
             for ep, ok in sorted(reach.items()) if ok != (ep in allowed)]
    return wrong


def cmd_wait(args):
    deadline = time.monotonic() + args.timeout
    pending = list(args.endpoints)
    while pending and time.monotonic() < deadline:
        still = []
        for ep in pending:
            host, _, port = ep.rpartition(":")
            try:
                with socket.create_connection((host, int(port)), timeout=1):
                    pass
            except OSError:
                still.append(ep)
        pending = still
        if pending:
            time.sleep(0.1)
    if pending:
        print("not answering: " + " ".join(pending))
        return 1
    return 0


def cmd_up(args):
    old = load_state(args.state)
    if old.get("owner") and is_lab_owner(int(old["owner"])):
        log("a lab is still up for %s: taking it down first" % args.state)
        cmd_down(argparse.Namespace(state=args.state))
    sweep()
    reason = can_make_namespaces()
    if reason:
        with open(args.state, "w") as f:
            json.dump({"status": "skipped", "reason": reason}, f)
        print("SKIPPED: network lab unavailable: " + reason)
        return SKIP
    try:
        os.unlink(args.state)
    except OSError:
        pass
    parleyd = os.path.abspath(args.parleyd)
    # The supervisor: a new session that outlives this command, owns the lab.
    r, w = os.pipe()
    os.set_inheritable(w, True)
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.setsid()
        if os.fork() != 0:
            os._exit(0)
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        logfd = os.open(args.state + ".log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(logfd, 1)
        os.dup2(logfd, 2)
        # re-exec so /proc/<pid>/cmdline names lab.py (is_lab_owner)
        os.execv(sys.executable, [sys.executable, os.path.abspath(__file__), "_supervise",
                                  "--state", os.path.abspath(args.state), "--parleyd",
                                  parleyd, "--ttl", str(args.ttl), "--notify", str(w),
                                  "--delay-ms", str(args.delay_ms), "--packet-delay",
                                  os.path.abspath(args.packet_delay or "")])
    os.close(w)
    os.waitpid(pid, 0)
    with os.fdopen(r) as f:
        msg = f.read()  # EOF when the supervisor reported or died
    state = load_state(args.state)
    if state.get("status") == "up":
        print("lab %s up in %s (owner %d)" % (state["tag"], state["workdir"], state["owner"]))
        return 0
    print("lab did not come up: %s\n%s" % (msg.strip(), _tail(args.state + ".log")))
    return 1


def _tail(path, n=3000):
    try:
        with open(path) as f:
            return f.read()[-n:]
    except OSError:
        return ""


def cmd_supervise(args):
    notify = int(args.notify)
    lab = Lab(args.parleyd, delay_ms=args.delay_ms, packet_delay=args.packet_delay)
    stop = {"now": False}

    def on_signal(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        started = time.monotonic()
        lab.up()
        state = lab.state("up")
        with open(args.state + ".tmp", "w") as f:
            json.dump(state, f, indent=1)
        os.replace(args.state + ".tmp", args.state)
        log("up in %.1f s" % (time.monotonic() - started))
        os.write(notify, b"up\n")
        os.close(notify)
        deadline = time.monotonic() + args.ttl
        while not stop["now"] and time.monotonic() < deadline:
            time.sleep(0.2)
            dead = [n for n, p in lab.daemons if p.poll() is not None]
            if dead:
                log("daemon(s) exited: %s" % dead)
                lab.daemons = [(n, p) for n, p in lab.daemons if p.poll() is None]
        log("tearing down (%s)" % ("asked" if stop["now"] else "time to live over"))
    except Exception as e:  # noqa: BLE001 - report every setup failure, then clean up
        log("setup failed: %s" % e)
        try:
            os.write(notify, ("setup failed: %s\n" % e).encode())
        except OSError:
            pass
        with open(args.state, "w") as f:
            json.dump({"status": "failed", "reason": str(e)}, f)
    finally:
        lab.down()
        log("down")
    return 0


def cmd_down(args):
    state = load_state(args.state)
    owner = int(state.get("owner", 0) or 0)
    if owner and is_lab_owner(owner):
        os.kill(owner, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and pid_alive(owner):
            time.sleep(0.1)
        if pid_alive(owner):
            os.kill(owner, signal.SIGKILL)
            time.sleep(0.2)
    sweep()
    left = [ns for ns in netns_list() if state.get("tag") and ns.startswith(state["tag"] + "-")]
    if left:
        print("lab namespaces still present: %s" % left)
        return 1
    if state.get("workdir") and os.path.exists(state["workdir"]):
        print("lab temp dir still present: %s" % state["workdir"])
        return 1
    print("lab down" if state.get("status") == "up" else "no lab was up (%s)"
          % state.get("status"))
    return 0


def cmd_impair_check(args):
    """The lab's impairments (impair.py) on the shared lab: random and bursty
    loss, delay with jitter, a rate limit, a client moved to a new address;
    each measured with ping or a download, so a broken lab is not blamed on
    the client."""
    state = load_state(args.state)
    rc = check_state(state)
    if rc is not None:
        return rc
    apply_scenario(state, "open")
    failures = impair.check(state, os.path.abspath(args.packet_delay), ip_of(SERVER),
                            ip_of("wpad." + SEARCH), os.path.join(state["workdir"], "www"))
    if failures:
        print("FAIL impair:\n  " + "\n  ".join(failures))
        return 1
    print("PASS impair")
    return 0


def cmd_delay_check(args):
    """A lab of its own with --delay-ms D: the client's TCP connect to an address
    (no DNS) must take at least 2 x D (one SYN and one SYN-ACK through the router),
    and the lab's paths still work. Only a lower bound: a delay cannot make
    anything faster, while a busy machine can make it slower."""
    reason = can_make_namespaces()
    if reason:
        print("SKIPPED: network lab unavailable: " + reason)
        return SKIP
    state_path = args.state
    up = argparse.Namespace(state=state_path, parleyd=args.parleyd, ttl=600.0,
                            delay_ms=args.delay_ms, packet_delay=args.packet_delay)
    if cmd_up(up) != 0:
        return 1
    failed = []
    try:
        state = load_state(state_path)
        apply_scenario(state, "open")
        url = "http://%s/" % ip_of("wpad." + SEARCH)
        times = []
        for _ in range(3):
            p = subprocess.run(["ip", "netns", "exec", state["namespaces"]["client"], "curl",
                                "-s", "-o", "/dev/null", "--max-time", "30", "-w",
                                "%{time_connect}", url], capture_output=True, text=True,
                               env=client_env(state), timeout=60)
            times.append(float(p.stdout or 0))
        bound = 2 * args.delay_ms / 1000.0 * 0.95
        print("TCP connect through the delayed router: %s s (at least %.3f s expected)"
              % (" ".join("%.3f" % t for t in times), bound))
        if min(times) < bound:
            failed.append("connect faster than the delay allows: the delay is not applied")
        if run_curl(argparse.Namespace(state=state_path, name="socks5")) != 0:
            failed.append("SOCKS5 path broken with the delay")
    finally:
        cmd_down(argparse.Namespace(state=state_path))
    if failed:
        print("FAIL: " + "; ".join(failed))
        return 1
    print("PASS delay")
    return 0


def keep_media_output(state, state_path, name):
    """Copies the failed media test's client output (JSON lines and stderr)
    out of the lab's workdir, which `down` removes, to lab-media-failures/
    beside the state file: a failure on a busy machine is rarely repeated on
    demand, and its stats are what explains it."""
    runs = sorted(glob.glob(os.path.join(state["workdir"], "%s-media-*" % state["tag"])),
                  key=os.path.getmtime)
    if not runs:
        return None
    dest = os.path.join(os.path.dirname(os.path.abspath(state_path)), "lab-media-failures",
                        "%s-%s" % (name, time.strftime("%Y%m%dT%H%M%S")))
    os.makedirs(dest, exist_ok=True)
    # tests of several runs (screen_loss.py) keep each run in a folder
    for pattern in ("*.jsonl", "*.err", "*/*.jsonl", "*/*.err", "*/*.json"):
        for path in glob.glob(os.path.join(runs[-1], pattern)):
            target = os.path.join(dest, os.path.relpath(path, runs[-1]))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy(path, target)
    return dest


def run_media(args):
    """A media test (media.py): real clients in the lab's client namespaces."""
    state = load_state(args.state)
    rc = check_state(state)
    if rc is not None:
        return rc
    for tool in ["espeak-ng", "tc"]:
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            print("SKIPPED: media lab test needs %s (see scripts/lib/deps.sh)" % tool)
            return SKIP
    if args.name in busy_machine.TESTS:
        reason = busy_machine.skip_reason()
        if reason:
            print("SKIPPED: media %s: %s" % (args.name, reason))
            return SKIP
    print("media %s: %s" % (args.name, MEDIA_TESTS[args.name]))
    started = time.monotonic()
    apply_open = lambda: apply_scenario(state, "open")  # noqa: E731
    modules = [m for m in (voice_loss, network_change, screen_loss, busy_machine)
               if args.name in m.TESTS]
    if modules:
        module = modules[0]
        failures = module.run(args.name, state, os.path.abspath(args.cli),
                              os.path.abspath(args.check), apply_open, in_client,
                              args.packet_delay and os.path.abspath(args.packet_delay))
    else:
        failures = media.run(args.name, state, os.path.abspath(args.cli),
                             os.path.abspath(args.check), apply_open, in_client)
    print("(%.1f s)" % (time.monotonic() - started))
    if failures:
        print("FAIL media %s:\n  %s" % (args.name, "\n  ".join(failures)))
        kept = keep_media_output(state, args.state, args.name)
        if kept:
            print("the clients' output (stats, events, stderr) is kept in " + kept)
        return 1
    print("PASS media %s" % args.name)
    if os.environ.get("PARLEY_LAB_KEEP"):
        print("the clients' output is kept in %s (PARLEY_LAB_KEEP)"
              % keep_media_output(state, args.state, args.name))
    return 0


def cmd_exec(args):
    state = load_state(args.state)
    rc = check_state(state)
    if rc is not None:
        return rc
    if args.scenario:
        apply_scenario(state, args.scenario)
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if args.ns == "client":
        return subprocess.call(in_client(state, cmd), env=client_env(state))
    return subprocess.call(["ip", "netns", "exec", state["namespaces"][args.ns]] + cmd,
                           env=client_env(state))


def main():
    ap = argparse.ArgumentParser(description="Parley network lab")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("up")
    p.add_argument("--state", required=True)
    p.add_argument("--parleyd", required=True)
    p.add_argument("--ttl", type=float, default=3600.0,
                   help="seconds after which the lab tears itself down")
    p.add_argument("--delay-ms", type=int, default=0,
                   help="hold every packet between the client and the rest this long, "
                        "each way (needs --packet-delay)")
    p.add_argument("--packet-delay", help="tests/bench/netdelay's packet_delay binary")
    p = sub.add_parser("_supervise")
    p.add_argument("--state", required=True)
    p.add_argument("--parleyd", required=True)
    p.add_argument("--ttl", type=float, required=True)
    p.add_argument("--notify", required=True)
    p.add_argument("--delay-ms", type=int, default=0)
    p.add_argument("--packet-delay")
    p = sub.add_parser("down")
    p.add_argument("--state", required=True)
    p = sub.add_parser("scenario")
    p.add_argument("name", choices=sorted(SCENARIOS))
    p.add_argument("--state", required=True)
    p = sub.add_parser("exec")
    p.add_argument("--state", required=True)
    p.add_argument("--ns", default="client", choices=ROLES)
    p.add_argument("--scenario", choices=sorted(SCENARIOS))
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    p = sub.add_parser("test")
    p.add_argument("name", choices=sorted(SCENARIOS))
    p.add_argument("--state", required=True)
    p.add_argument("--cli", required=True)
    p = sub.add_parser("media")
    p.add_argument("name", choices=sorted(MEDIA_TESTS))
    p.add_argument("--state", required=True)
    p.add_argument("--cli", required=True)
    p.add_argument("--check", required=True, help="tests/lab's lab_media_check binary")
    p.add_argument("--packet-delay", help="tests/bench/netdelay's packet_delay binary (bursty "
                   "loss, delay and jitter on a link)")
    p = sub.add_parser("curl")
    p.add_argument("name", nargs="?", choices=sorted(SCENARIOS))
    p.add_argument("--state", required=True)
    sub.add_parser("list")
    p = sub.add_parser("delay-check")
    p.add_argument("--state", required=True)
    p.add_argument("--parleyd", required=True)
    p.add_argument("--packet-delay", required=True)
    p.add_argument("--delay-ms", type=int, default=20)
    p = sub.add_parser("impair-check")
    p.add_argument("--state", required=True)
    p.add_argument("--packet-delay", required=True)
    sub.add_parser("sweep")
    sub.add_parser("check", help="say whether the lab can run here (exit 0) or not (77)")
    p = sub.add_parser("_reach")
    p.add_argument("--timeout", type=float, default=1.5)
    p.add_argument("endpoints", nargs="+")
    p = sub.add_parser("_wait")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("endpoints", nargs="+")
    args = ap.parse_args()

    if args.command == "up":
        return cmd_up(args)
    if args.command == "_supervise":
        return cmd_supervise(args)
    if args.command == "down":
        return cmd_down(args)
    if args.command == "scenario":
        state = load_state(args.state)
        rc = check_state(state)
        if rc is not None:
            return rc
        apply_scenario(state, args.name)
        return 0
    if args.command == "exec":
        return cmd_exec(args)
    if args.command == "test":
        return run_test(args)
    if args.command == "curl":
        return run_curl(args)
    if args.command == "media":
        return run_media(args)
    if args.command == "delay-check":
        return cmd_delay_check(args)
    if args.command == "impair-check":
        return cmd_impair_check(args)
    if args.command == "list":
        for name in SCENARIOS:
            print("%-22s %s" % (name, SCENARIOS[name]["about"]))
        return 0
    if args.command == "check":
        reason = can_make_namespaces()
        if reason:
            print("network lab (tests/lab, label lab): SKIPPED: " + reason)
            return SKIP
        print("network lab (tests/lab, label lab): runs (root, namespaces, veth and "
              "nftables work)")
        return 0
    if args.command == "sweep":
        print("swept %d stale lab(s)" % sweep())
        return 0
    if args.command == "_reach":
        return cmd_reach(args)
    if args.command == "_wait":
        return cmd_wait(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
