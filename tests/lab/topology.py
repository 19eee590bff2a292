"""The lab's network: names, addresses, accounts (tests/lab, docs/lab.md)."""

SKIP = 77
PREFIX = "plab"
RECORD_DIR = "/run/parley-lab"
NET = "10.231.0."  # the bridge: router, server, infra, proxies
CLIENT_NET = "10.231.1."  # the client's link to the router
HOME_NET = "10.231.2."  # a second client (media tests: a receiver on a shaped link)
ROUTER_IP = NET + "2"
REALM = "LAB.TEST"
DOMAIN = "lab.test"
SEARCH = "corp.lab.test"
SERVER = "parley.lab.test"
USER, PASSWORD = "alice", "lab-Secret-1"
SOCKS_USER, SOCKS_PASSWORD = "bob", "socks-Secret-2"
KRB_USER, KRB_PASSWORD = "carol", "krb-Secret-3"
# parleyd accounts for the media tests (several people in one room), PASSWORD each
MEDIA_USERS = ["dave", "erin"]
BUMP_CA_NAME = "Parley Lab Inspection CA"

# name -> (namespace role, address)
HOSTS = {
    "client.corp.lab.test": ("client", CLIENT_NET + "10"),
    "home.lab.test": ("home", HOME_NET + "10"),
    SERVER: ("server", NET + "20"),
    "ns.lab.test": ("infra", NET + "30"),
    "wpad." + SEARCH: ("infra", NET + "31"),
    "kdc.lab.test": ("infra", NET + "32"),
    "proxy-basic.lab.test": ("proxies", NET + "41"),
    "proxy-ntlm.lab.test": ("proxies", NET + "42"),
    "proxy-negotiate.lab.test": ("proxies", NET + "43"),
    "proxy-bump.lab.test": ("proxies", NET + "44"),
    "socks.lab.test": ("proxies", NET + "45"),
    "socks-auth.lab.test": ("proxies", NET + "46"),
    "proxy-wpad.lab.test": ("proxies", NET + "47"),
    "proxy-digest.lab.test": ("proxies", NET + "48"),
}
# every TCP service of the lab
SERVICES = ["ns.lab.test:53", SERVER + ":443", SERVER + ":5228", "wpad.%s:80" % SEARCH,
            "kdc.lab.test:88", "proxy-basic.lab.test:3128", "proxy-ntlm.lab.test:3128",
            "proxy-negotiate.lab.test:3128", "proxy-bump.lab.test:3128",
            "proxy-wpad.lab.test:3128", "proxy-digest.lab.test:3128", "socks.lab.test:1080",
            "socks-auth.lab.test:1080"]
ROLES = ["client", "home", "server", "infra", "proxies", "router"]
# namespaces hanging off the router: role -> (router's interface, subnet prefix)
ROUTED = {"client": ("cl0", CLIENT_NET), "home": ("cl1", HOME_NET)}
BRIDGED = ["router", "server", "infra", "proxies"]
DNS_IP = HOSTS["ns.lab.test"][1]


def ip_of(name):
    return HOSTS[name][1]
