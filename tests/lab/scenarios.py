"""The lab's scenarios: what the client may reach, how the rest is blocked, the
probe's options and what its --json answer must say (tests/lab, docs/lab.md)."""

from topology import BUMP_CA_NAME, PASSWORD, SEARCH, SERVER, SOCKS_PASSWORD, SOCKS_USER, \
    USER, ip_of

# Scenarios: what the client may reach, how the rest is blocked, which probe
# options it gets, and what the probe must answer.
#   allow: list of "name" (every port) or "name:port"
#   block: "drop" (silently) or "reject" (TCP reset / ICMP unreachable)
#   expect: {"exit": 0|1, "method": ..., "via": ..., "port": ...,
#            "errors": [slug, ...] (one attempt at least has each),
#            "detail_has": text (in some attempt's detail),
#            "within_s": bound on the probe's own time, from the start of its race
#                        to the last attempt's end (its --json stages, in ms);
#                        its wall time, process start and exit on a busy
#                        machine included, is only bounded by WALL_BOUND_S}
#   again: run the probe a second time with what the first remembered; its
#          winner must say "remembered", and with "no-407" the proxy's access
#          log must show no 407 for that second run
ALWAYS = ["ns.lab.test:53"]
# A probe with "within_s" must also end (start under ASan in a namespace, race,
# exit) within this, on the busiest machine: far below the ~2 minutes a TCP
# connect to a silent address takes without the race's bound.
WALL_BOUND_S = 60
SCENARIOS = {
    "open": {
        "about": "nothing blocked: the server directly",
        "allow": ["<all>"],
        "block": "reject",
        "args": ["--no-auto"],
        "expect": {"exit": 0, "method": "direct", "via": ""},
    },
    "drop-5228": {
        "about": "port 5228 silently dropped, 443 open: direct to 443",
        "allow": [SERVER + ":443"],
        "block": "drop",
        "args": ["--no-auto"],
        "expect": {"exit": 0, "method": "direct", "port": 443},
    },
    "only-5228": {
        "about": "port 443 refused, 5228 open: direct to 5228",
        "allow": [SERVER + ":5228"],
        "block": "reject",
        "args": ["--no-auto"],
        "expect": {"exit": 0, "method": "direct", "port": 5228},
    },
    "basic": {
        "about": "only a squid with Basic auth (basic_ncsa_auth)",
        "allow": ["proxy-basic.lab.test:3128"],
        "block": "drop",
        "args": ["--proxy", "http://proxy-basic.lab.test:3128", "--proxy-user", USER],
        "password": PASSWORD,
        "curl": ["--proxy", "http://proxy-basic.lab.test:3128", "--proxy-user",
                 USER + ":" + PASSWORD],
        "expect": {"exit": 0, "method": "http", "via": "proxy-basic.lab.test:3128"},
        # a second run sends Basic on its first CONNECT: squid logs no 407
        "again": "no-407",
    },
    "basic-wrong-password": {
        "about": "only a Basic-auth squid, wrong password: proxy_auth_required",
        "allow": ["proxy-basic.lab.test:3128"],
        "block": "reject",
        "args": ["--no-auto", "--proxy", "http://proxy-basic.lab.test:3128", "--proxy-user",
                 USER],
        "password": "not-the-password",
        "expect": {"exit": 1, "errors": ["proxy_auth_required"]},
    },
    "digest": {
        "about": "only a squid with Digest auth (digest_file_auth), no Basic offered",
        "allow": ["proxy-digest.lab.test:3128"],
        "block": "drop",
        "args": ["--no-auto", "--proxy", "http://proxy-digest.lab.test:3128", "--proxy-user",
                 USER],
        "password": PASSWORD,
        "curl": ["--proxy", "http://proxy-digest.lab.test:3128", "--proxy-digest",
                 "--proxy-user", USER + ":" + PASSWORD],
        "expect": {"exit": 0, "method": "http", "via": "proxy-digest.lab.test:3128"},
        "again": "scheme",  # Digest needs the proxy's nonce: a 407 every time
    },
    "digest-wrong-password": {
        "about": "only a Digest-auth squid, wrong password: 407 naming Digest",
        "allow": ["proxy-digest.lab.test:3128"],
        "block": "reject",
        "args": ["--no-auto", "--proxy", "http://proxy-digest.lab.test:3128", "--proxy-user",
                 USER],
        "password": "not-the-password",
        "expect": {"exit": 1, "errors": ["proxy_auth_required"], "detail_has": "Digest"},
    },
    "ntlm": {
        "about": "only a squid with NTLM (ntlm_fake_auth)",
        "allow": ["proxy-ntlm.lab.test:3128"],
        "block": "drop",
        "args": ["--proxy", "http://proxy-ntlm.lab.test:3128", "--proxy-user", "LAB\\" + USER],
        "password": PASSWORD,
        "curl": ["--proxy", "http://proxy-ntlm.lab.test:3128", "--proxy-ntlm", "--proxy-user",
                 "LAB\\" + USER + ":" + PASSWORD],
        "expect": {"exit": 0, "method": "http", "via": "proxy-ntlm.lab.test:3128"},
        "again": "scheme",  # NTLM's challenge comes in a 407 every time
    },
    "negotiate": {
        "about": "only a squid with Negotiate/Kerberos; the client has a ticket, no prompt",
        "allow": ["proxy-negotiate.lab.test:3128", "kdc.lab.test:88"],
        "block": "drop",
        "args": ["--proxy", "http://proxy-negotiate.lab.test:3128"],
        "curl": ["--proxy", "http://proxy-negotiate.lab.test:3128", "--proxy-negotiate",
                 "--proxy-user", ":"],
        "expect": {"exit": 0, "method": "http", "via": "proxy-negotiate.lab.test:3128"},
        "again": "no-407",  # the ticket goes on the first CONNECT
    },
    "wpad": {
        "about": "an open squid known only from http://wpad.corp.lab.test/wpad.dat",
        "allow": ["proxy-wpad.lab.test:3128", "wpad." + SEARCH + ":80"],
        "block": "drop",
        "wpad": "PROXY proxy-wpad.lab.test:3128",
        "args": [],
        "curl": ["--proxy", "http://proxy-wpad.lab.test:3128"],
        "expect": {"exit": 0, "method": "http", "via": "proxy-wpad.lab.test:3128"},
    },
    "pac": {
        "about": "the same squid from an explicit PAC URL (--pac, --no-auto)",
        "allow": ["proxy-wpad.lab.test:3128", "wpad." + SEARCH + ":80"],
        "block": "drop",
        "wpad": "PROXY proxy-wpad.lab.test:3128",
        "args": ["--no-auto", "--pac", "http://wpad." + SEARCH + "/wpad.dat"],
        "curl": ["--proxy", "http://proxy-wpad.lab.test:3128"],
        "expect": {"exit": 0, "method": "http", "via": "proxy-wpad.lab.test:3128"},
    },
    "socks4": {
        "about": "only dante, SOCKS4",
        "allow": ["socks.lab.test:1080"],
        "block": "drop",
        "args": ["--socks", "socks4://socks.lab.test:1080"],
        "curl": ["--socks4", "socks.lab.test:1080"],
        "expect": {"exit": 0, "method": ["socks4", "socks4a"], "via": "socks.lab.test:1080"},
    },
    "socks5": {
        "about": "only dante, SOCKS5 (remote name resolution)",
        "allow": ["socks.lab.test:1080"],
        "block": "drop",
        "args": ["--socks", "socks5://socks.lab.test:1080"],
        "curl": ["--socks5-hostname", "socks.lab.test:1080"],
        "expect": {"exit": 0, "method": "socks5", "via": "socks.lab.test:1080"},
    },
    "socks5-auth": {
        "about": "only microsocks, SOCKS5 with user name and password",
        "allow": ["socks-auth.lab.test:1080"],
        "block": "drop",
        "args": ["--socks",
                 "socks5://%s:%s@socks-auth.lab.test:1080" % (SOCKS_USER, SOCKS_PASSWORD)],
        "curl": ["--socks5-hostname",
                 "%s:%s@socks-auth.lab.test:1080" % (SOCKS_USER, SOCKS_PASSWORD)],
        "expect": {"exit": 0, "method": "socks5", "via": "socks-auth.lab.test:1080"},
    },
    "blocked": {
        "about": "everything dropped: a clear failure within the race bound",
        "allow": [],
        "block": "drop",
        "args": ["--race-timeout", "10", "--proxy", "http://proxy-basic.lab.test:3128",
                 "--socks", "socks5://socks.lab.test:1080"],
        "expect": {"exit": 1, "errors": ["timed_out"], "within_s": 10 + 10},
    },
    "blocked-reject": {
        "about": "everything refused (TCP reset): a clear failure, well within the bound",
        "allow": [],
        "block": "reject",
        "args": ["--race-timeout", "10", "--proxy", "http://proxy-basic.lab.test:3128",
                 "--socks", "socks5://socks.lab.test:1080"],
        "expect": {"exit": 1, "errors": ["connection_refused"], "within_s": 10 + 10},
    },
    "tls-inspection": {
        "about": "only an ssl-bump squid: refused, naming the inspecting issuer",
        "allow": ["proxy-bump.lab.test:3128"],
        "block": "reject",
        "args": ["--no-auto", "--proxy", "http://proxy-bump.lab.test:3128"],
        "curl": ["--proxy", "http://proxy-bump.lab.test:3128"],
        "curl_fails": True,
        "expect": {"exit": 1, "errors": ["tls_inspection"], "detail_has": BUMP_CA_NAME},
    },
}


def nft_rules(scenario):
    allow = scenario["allow"]
    lines = ["table inet plab", "delete table inet plab", "table inet plab {",
             " chain out {", "  type filter hook output priority 0; policy accept;",
             "  oif \"lo\" accept", "  ct state established,related accept"]
    for item in ALWAYS + allow:
        if item == "<all>":
            lines.append("  accept")
            continue
        name, _, port = item.partition(":")
        addr = ip_of(name)
        if port:
            proto = "{ tcp, udp }" if port in ("53", "88") else "tcp"
            lines.append("  ip daddr %s meta l4proto %s th dport %s accept" % (addr, proto, port))
        else:
            lines.append("  ip daddr %s accept" % addr)
    if scenario["block"] == "reject":
        lines.append("  meta l4proto tcp reject with tcp reset")
        lines.append("  reject")
    else:
        lines.append("  drop")
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def check_probe(name, result, elapsed_s, exit_code):
    """Returns a list of failed expectations (empty = pass)."""
    exp = SCENARIOS[name]["expect"]
    failures = []
    if exit_code != exp["exit"]:
        failures.append("exit %d, expected %d" % (exit_code, exp["exit"]))
    if result is None:
        return failures + ["no JSON object on stdout"]
    winner = result.get("winner")
    attempts = result.get("attempts", [])
    if exp["exit"] == 0:
        if not winner:
            failures.append("no winner")
        else:
            methods = exp["method"] if isinstance(exp["method"], list) else [exp["method"]]
            if winner.get("method") not in methods:
                failures.append("winner method %r, expected %r" % (winner.get("method"),
                                                                    methods))
            if "via" in exp and winner.get("via") != exp["via"]:
                failures.append("winner via %r, expected %r" % (winner.get("via"), exp["via"]))
            if "port" in exp and winner.get("port") != exp["port"]:
                failures.append("winner port %r, expected %r" % (winner.get("port"),
                                                                  exp["port"]))
            won = [a for a in attempts if a.get("outcome") == "won"]
            if len(won) != 1:
                failures.append("%d attempts say won, expected 1" % len(won))
    else:
        if winner:
            failures.append("winner %r, expected none" % winner)
        if not attempts:
            failures.append("no attempts reported")
        for a in attempts:
            if a.get("outcome") == "won":
                failures.append("attempt %s says won" % a.get("id"))
            if a.get("outcome") == "failed" and not a.get("error"):
                failures.append("attempt %s failed without an error slug" % a.get("id"))
    slugs = [a.get("error") for a in attempts]
    for slug in exp.get("errors", []):
        if slug not in slugs:
            failures.append("no attempt failed with %r (got %r)" % (slug, slugs))
    if "detail_has" in exp:
        if not any(exp["detail_has"] in (a.get("detail") or "") for a in attempts):
            failures.append("no attempt detail names %r" % exp["detail_has"])
    if "within_s" in exp:
        own_s = max([ms for a in attempts for ms in (a.get("stages") or {}).values()] or [0]) / 1e3
        if own_s > exp["within_s"]:
            failures.append("its race took %.1f s, bound %d s" % (own_s, exp["within_s"]))
        if elapsed_s > WALL_BOUND_S:
            failures.append("the probe took %.1f s from start to exit, bound %d s"
                            % (elapsed_s, WALL_BOUND_S))
    return failures
