#include "core/server/deployment/network_requirements.h"

#include <algorithm>
#include <array>
#include <asio/ip/address.hpp>
#include <sstream>

namespace parley::server {
namespace {

bool isAnyAddress(const std::string& address) { return address == "0.0.0.0" || address == "::"; }

bool isLoopback(const std::string& address) {
  asio::error_code ec;
  const auto a = asio::ip::make_address(address, ec);
  return !ec && a.is_loopback();
}

bool isV6(const std::string& address) { return address.find(':') != std::string::npos; }

// How the table names the server's side of a flow.
std::string serverSide(const std::string& listen_address) {
  return isAnyAddress(listen_address) ? std::string("parleyd (any address)")
                                      : "parleyd " + listen_address;
}

std::string controlPurpose(std::uint16_t port) {
  if (port == 443) {
    return "Control channel (TLS 1.3) and TCP media fallback: direct clients and clients "
           "through web proxies (HTTP CONNECT)";
  }
  if (port == 5228) {
    return "Control channel (TLS 1.3) and TCP media fallback: direct clients and clients "
           "through SOCKS servers";
  }
  return "Control channel (TLS 1.3) and TCP media fallback (clients reach 443 through web "
         "proxies and 5228 through SOCKS; other ports only directly)";
}

std::string directionName(PortRequirement::Direction d) {
  switch (d) {
    case PortRequirement::Direction::Inbound:
      return "inbound";
    case PortRequirement::Direction::Outbound:
      return "outbound";
    case PortRequirement::Direction::Both:
      return "both";
  }
  return "?";
}

std::string kbps(std::uint64_t value) {
  std::string out = std::to_string(value) + " kbit/s";
  if (value >= 1000) {
    std::ostringstream mbit;
    mbit << " (" << value / 1000 << "." << (value % 1000) / 100 << " Mbit/s)";
    out += mbit.str();
  }
  return out;
}

std::string renderBandwidth(const ServerConfig& c, std::uint64_t participants) {
  const auto plan = bandwidthPlan(c, participants);
  const auto n = plan.participants;
  std::ostringstream out;
  out << "Bandwidth plan, from [media] (kbit/s on the wire, per stream): audio " << c.audio_kbps
      << ", camera " << c.video_kbps << ", screen " << c.screen_kbps << "; a client sends at most "
      << c.max_upload_kbps << " in total.\n";
  out << "The server forwards streams (SFU): each participant uploads once and downloads every "
         "other participant's streams.\n\n";
  out << "  Upload per producer (voice + camera)   = " << kbps(plan.producer_upload_kbps) << "\n";
  out << "  Upload of the presenter (+ screen)     = " << kbps(plan.presenter_upload_kbps) << "\n";
  out << "  Download per consumer                  = (participants - 1) x "
      << plan.producer_upload_kbps << " + " << plan.screen_kbps << " (one screen share)\n";
  out << "  Voice only                             = upload " << c.audio_kbps
      << ", download (participants - 1) x " << c.audio_kbps << "\n\n";
  out << "For " << n << " participant" << (n == 1 ? "" : "s")
      << " (one presenting; --participants N to change):\n";
  out << "  Each client downloads  " << (n - 1) << " x " << plan.producer_upload_kbps << " + "
      << plan.screen_kbps << " = " << kbps(plan.consumer_download_kbps) << "\n";
  out << "  Server inbound         " << n << " x " << plan.producer_upload_kbps << " + "
      << plan.screen_kbps << " = " << kbps(plan.server_inbound_kbps) << "\n";
  out << "  Server outbound        " << n << " x " << (n - 1) << " x " << plan.producer_upload_kbps
      << " + " << (n - 1) << " x " << plan.screen_kbps << " = " << kbps(plan.server_outbound_kbps)
      << "\n";
  return out.str();
}

std::string commented(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out += line.empty() ? prefix.substr(0, prefix.find_last_not_of(' ') + 1) : prefix + line;
    out += "\n";
  }
  return out;
}

}  // namespace

std::vector<PortRequirement> networkRequirements(const ServerConfig& c) {
  std::vector<PortRequirement> rows;
  for (const auto& ep : c.tcp) {
    if (ep.port == 0) {
      continue;  // ephemeral: tests only, nothing to open
    }
    rows.push_back({"TCP", ep.port, PortRequirement::Direction::Inbound, "any (clients, proxies)",
                    serverSide(ep.address), ep.address, "", controlPurpose(ep.port),
                    ep.port == 443    ? "parley control (direct, web proxy)"
                    : ep.port == 5228 ? "parley control (direct, SOCKS)"
                                      : "parley control (direct)",
                    isLoopback(ep.address)});
  }
  if (c.udp.port != 0) {
    rows.push_back({"UDP", c.udp.port, PortRequirement::Direction::Inbound, "any (clients)",
                    serverSide(c.udp.address), c.udp.address, "",
                    "Media: RTP/RTCP protected by SRTP, multiplexed on one port; when blocked, "
                    "media falls back to the control channel (slower, still works)",
                    "parley media (RTP/RTCP, SRTP)", isLoopback(c.udp.address)});
  }
  // Either server may open the control link, so each direction is a rule;
  // the media relay flows both ways between the two ports.
  for (const auto& peer : c.interconnect_peers) {
    const std::string who = peer.address + " (" + peer.name + ")";
    rows.push_back({"UDP", c.interconnect_port, PortRequirement::Direction::Inbound, who,
                    serverSide(c.udp.address), c.udp.address, peer.address,
                    "Interconnect: media relay from " + peer.name + " (SRTP)",
                    "parley interconnect media from " + peer.name, false});
    rows.push_back({"UDP", peer.port, PortRequirement::Direction::Outbound, "parleyd (this server)",
                    who, "", peer.address, "Interconnect: media relay to " + peer.name + " (SRTP)",
                    "parley interconnect media to " + peer.name, false});
    rows.push_back(
        {"TCP", c.interconnect_control_port, PortRequirement::Direction::Inbound, who,
         serverSide(c.udp.address), c.udp.address, peer.address,
         "Interconnect: control link opened by " + peer.name + " (TLS 1.3, mutually authenticated)",
         "parley interconnect control from " + peer.name, false});
    rows.push_back(
        {"TCP", peer.control_port, PortRequirement::Direction::Outbound, "parleyd (this server)",
         who, "", peer.address,
         "Interconnect: control link opened to " + peer.name + " (TLS 1.3, mutually authenticated)",
         "parley interconnect control to " + peer.name, false});
  }
  if (c.metrics_enabled && c.metrics_address.port != 0) {
    const bool loop = isLoopback(c.metrics_address.address);
    rows.push_back({"TCP", c.metrics_address.port, PortRequirement::Direction::Inbound,
                    loop ? "this host" : "your Prometheus server",
                    serverSide(c.metrics_address.address), c.metrics_address.address, "",
                    loop ? "Metrics: Prometheus scrape (HTTP); loopback only, no rule needed"
                         : "Metrics: Prometheus scrape (HTTP, no TLS: allow your scraper only)",
                    "parley metrics", loop});
  }
  if (c.syslog == ServerConfig::Syslog::Udp) {
    rows.push_back({"UDP", c.syslog_collector.port, PortRequirement::Direction::Outbound, "parleyd",
                    c.syslog_collector.address, "", c.syslog_collector.address,
                    "Logging: syslog (RFC 5424) to your collector", "parley syslog", false});
  }
  // STUN and TURN servers the clients are told to use: flows from the
  // clients to those servers (which are usually not parleyd).
  if (c.peer_enabled && c.peer_stun) {
    rows.push_back({"UDP", c.peer_stun->port, PortRequirement::Direction::Outbound, "any (clients)",
                    c.peer_stun->address, "", c.peer_stun->address,
                    "Peer paths: clients ask this STUN server for their public address",
                    "parley peer STUN", false, true});
  }
  if (c.peer_enabled) {
    for (const auto& turn : c.peer_turn) {
      const bool udp = turn.transport == "udp";
      rows.push_back({udp ? "UDP" : "TCP", turn.endpoint.port, PortRequirement::Direction::Outbound,
                      "any (clients)", turn.endpoint.address, "", turn.endpoint.address,
                      std::string("Peer paths: clients relay media through this TURN server (") +
                          (turn.transport == "tls" ? "TURN over TLS, also through web proxies"
                                                   : "TURN over " + turn.transport) +
                          "); the relay itself uses UDP 49152-65535 between clients",
                      "parley peer TURN " + turn.transport, false, true});
    }
  }
  return rows;
}

BandwidthPlan bandwidthPlan(const ServerConfig& c, std::uint64_t participants) {
  BandwidthPlan p;
  p.participants = std::clamp<std::uint64_t>(participants, 1, kMaxPlanParticipants);
  const std::uint64_t cap = c.max_upload_kbps;
  p.producer_upload_kbps = std::min<std::uint64_t>(cap, std::uint64_t{c.audio_kbps} + c.video_kbps);
  p.presenter_upload_kbps =
      std::min<std::uint64_t>(cap, std::uint64_t{c.audio_kbps} + c.video_kbps + c.screen_kbps);
  p.screen_kbps = p.presenter_upload_kbps - p.producer_upload_kbps;
  const auto n = p.participants;
  p.consumer_download_kbps = (n - 1) * p.producer_upload_kbps + (n > 1 ? p.screen_kbps : 0);
  p.server_inbound_kbps = n * p.producer_upload_kbps + p.screen_kbps;
  p.server_outbound_kbps = n * (n - 1) * p.producer_upload_kbps + (n - 1) * p.screen_kbps;
  return p;
}

std::string renderRequirementsTable(const ServerConfig& c, std::uint64_t participants) {
  const auto rows = networkRequirements(c);
  const std::array<std::string, 6> header = {"Port",        "Protocol",  "Source",
                                             "Destination", "Direction", "Purpose"};
  std::vector<std::array<std::string, 6>> cells;
  for (const auto& r : rows) {
    cells.push_back({std::to_string(r.port), r.protocol, r.source, r.destination,
                     directionName(r.direction), r.purpose});
  }
  std::array<std::size_t, 6> width{};
  for (std::size_t i = 0; i < 6; ++i) {
    width[i] = header[i].size();
    for (const auto& row : cells) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  auto line = [&](const std::array<std::string, 6>& row) {
    std::string out = "|";
    for (std::size_t i = 0; i < 6; ++i) {
      out += " " + row[i] + std::string(width[i] - row[i].size(), ' ') + " |";
    }
    return out + "\n";
  };
  std::string out = "Network requirements of parleyd";
  out += c.config_file.empty() ? std::string("\n") : " (" + c.config_file.string() + ")\n";
  out +=
      "Directions are seen from the server. Replies on established connections need no "
      "rule of their own.\n\n";
  out += line(header);
  std::array<std::string, 6> rule;
  for (std::size_t i = 0; i < 6; ++i) {
    rule[i] = std::string(width[i], '-');
  }
  out += line(rule);
  for (const auto& row : cells) {
    out += line(row);
  }
  out +=
      "\nClients only connect outwards: to TCP 443 and 5228 (directly, through a web proxy "
      "to 443, or through a SOCKS server to 5228) and to the UDP media port.\n";
  if (c.peer_enabled) {
    out +=
        "Two-person rooms also try a peer-to-peer path: UDP between the two clients on "
        "ephemeral ports, in both directions (ICE). Where that is blocked, media stays on the "
        "server or goes through the TURN servers listed above; [peer] peer_to_peer = false turns "
        "peer paths off.\n";
  }
  out += "\n";
  return out + renderBandwidth(c, participants);
}

std::string renderRequirementsAcl(const ServerConfig& c, std::uint64_t participants) {
  // IPv4 flows go into numbered list 101 as in the seeds; a flow with a fixed
  // IPv6 address needs the named `ipv6 access-list` form instead.
  std::string v4;
  std::string v6;
  for (const auto& r : networkRequirements(c)) {
    if (r.loopback_only) {
      continue;
    }
    const std::string proto = r.protocol == "TCP" ? "tcp" : "udp";
    const std::string port = std::to_string(r.port);
    const bool any_server = r.local_address.empty() || isAnyAddress(r.local_address);
    const std::string server = any_server ? std::string("<parleyd address>") : r.local_address;
    const bool ipv6 = (!any_server && isV6(r.local_address)) || isV6(r.remote_address);
    std::string lines;
    switch (r.direction) {
      case PortRequirement::Direction::Inbound:
        lines += "permit " + proto +
                 (!r.remote_address.empty()       ? " host " + r.remote_address
                  : r.source.rfind("any", 0) == 0 ? std::string(" any")
                                                  : " host <" + r.source + ">") +
                 " host " + server + " eq " + port + "\n";
        break;
      case PortRequirement::Direction::Outbound:
        lines += "permit " + proto +
                 (r.clients_only ? std::string(" any") : std::string(" host <parleyd address>")) +
                 " host " + r.remote_address + " eq " + port + "\n";
        break;
      case PortRequirement::Direction::Both:
        lines += "permit " + proto + " host <parleyd address> host " + r.remote_address + " eq " +
                 port + "\n";
        lines += "permit " + proto + " host " + r.remote_address + " host <parleyd address> eq " +
                 port + "\n";
        break;
    }
    if (ipv6) {
      v6 += " remark " + r.label + "\n" + commented(lines, " ");
    } else {
      v4 += "!- " + r.label + "\n" + commented(lines, "access-list 101 ");
    }
  }
  std::string out = "! parleyd: example access list (Cisco IOS extended syntax)\n";
  out += "! Replace <parleyd address> with the server's public address.\n";
  out += v4;
  if (!v6.empty()) {
    out += "ipv6 access-list parleyd\n" + v6;
  }
  return out + "!\n" + commented(renderBandwidth(c, participants), "! ");
}

std::string renderRequirementsNftables(const ServerConfig& c, std::uint64_t participants) {
  std::string input;
  std::string output;
  for (const auto& r : networkRequirements(c)) {
    if (r.loopback_only || r.clients_only) {
      continue;  // not this host's traffic
    }
    const std::string proto = r.protocol == "TCP" ? "tcp" : "udp";
    const std::string port = std::to_string(r.port);
    const std::string comment = " comment \"" + r.label + "\"\n";
    auto family = [](const std::string& address) { return isV6(address) ? "ip6" : "ip"; };
    switch (r.direction) {
      case PortRequirement::Direction::Inbound: {
        std::string match;
        if (!r.local_address.empty() && !isAnyAddress(r.local_address)) {
          match = std::string(family(r.local_address)) + " daddr " + r.local_address + " ";
        }
        if (!r.remote_address.empty()) {
          match += std::string(family(r.remote_address)) + " saddr " + r.remote_address + " ";
        }
        input += "    " + match + proto + " dport " + port + " accept" + comment;
        break;
      }
      case PortRequirement::Direction::Outbound:
        output += "    " + std::string(family(r.remote_address)) + " daddr " + r.remote_address +
                  " " + proto + " dport " + port + " accept" + comment;
        break;
      case PortRequirement::Direction::Both:
        input += "    " + std::string(family(r.remote_address)) + " saddr " + r.remote_address +
                 " " + proto + " dport " + port + " accept" + comment;
        output += "    " + std::string(family(r.remote_address)) + " daddr " + r.remote_address +
                  " " + proto + " dport " + port + " accept" + comment;
        break;
    }
  }
  std::string out;
  out += "#!/usr/sbin/nft -f\n";
  out += "# parleyd: example nftables rule set. Check it with `nft -c -f FILE`.\n";
  out += "# The input chain drops what it does not list: add your own management access\n";
  out += "# (for example `tcp dport 22 accept`) before loading it on a remote machine.\n";
  out += "table inet parleyd {\n";
  out += "  chain input {\n";
  out += "    type filter hook input priority filter; policy drop;\n";
  out += "    iif \"lo\" accept\n";
  out += "    ct state established,related accept\n";
  out += "    ct state invalid drop\n";
  out += "    meta l4proto { icmp, ipv6-icmp } accept\n";
  out += input;
  out += "  }\n";
  out += "  chain output {\n";
  out += "    type filter hook output priority filter; policy accept;\n";
  out += "    # Under a drop policy, these are the flows parleyd starts itself.\n";
  out += output;
  out += "  }\n";
  out += "}\n";
  return out + "\n" + commented(renderBandwidth(c, participants), "# ");
}

}  // namespace parley::server
