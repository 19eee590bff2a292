#pragma once
// WPAD pieces that need no network: which wpad.<domain> names to try, and
// where the OS left a DHCP option 252 (WPAD URL). Pure; part of
// parley_proxy_parsers.
//
// DNS devolution: from the machine's domain (the first `search`/`domain` of
// resolv.conf, else the FQDN's domain) one label is removed at a time, most
// specific first, and the walk stops at two labels, earlier when those two
// are a multi-label public suffix from a small built-in list (co.uk, com.au,
// ...). Limitation: the list is not the full Public Suffix List, so an
// unlisted suffix such as "pvt.k12.ma.us" may be queried as wpad.<suffix>.

#include <string>
#include <string_view>
#include <vector>

namespace parley::net {

// The domain to start from: resolv.conf's first search domain (or `domain`
// line), else the part of `fqdn` after its first dot. Lower case, no
// trailing dot; empty when there is none.
std::string wpadDomain(std::string_view resolv_conf, std::string_view fqdn);

// "a.corp.example.co.uk" -> {"wpad.a.corp.example.co.uk",
// "wpad.corp.example.co.uk", "wpad.example.co.uk"}. At most 8 names; input
// that is not a plausible domain name gives none.
std::vector<std::string> wpadCandidates(std::string_view domain);

// True for the built-in multi-label public suffixes ("co.uk").
bool isMultiLabelPublicSuffix(std::string_view suffix);

// A WPAD URL (DHCP option 252) from a lease file's text: dhclient's
// `option wpad "http://..."` (any option name containing "wpad"), or a
// NetworkManager/systemd style `WPAD=http://...` line. The last one wins
// (lease files append). Empty when there is none or it is not http(s)://.
std::string wpadUrlFromLease(std::string_view lease_text);

}  // namespace parley::net
