#pragma once
// What an administrator must allow through firewalls for one parleyd
// configuration, and the bandwidth to plan for: the port tables, example ACL
// lines and bandwidth formulas of the products Parley grew from (Prysm's
// ports-and-bandwidth bulletin, Rainbow's network requirements), computed from
// the configuration in force. Pure functions of a ServerConfig, any thread.
// `parleyd network-requirements` prints them; docs/server-admin.md explains.

#include <cstdint>
#include <string>
#include <vector>

#include "core/server/deployment/server_config.h"

namespace parley::server {

// One flow the firewall must let through, seen from the server.
struct PortRequirement {
  enum class Direction { Inbound, Outbound, Both };
  std::string protocol;    // "TCP" or "UDP"
  std::uint16_t port = 0;  // destination port of the flow's first packet
  Direction direction = Direction::Inbound;
  std::string source;          // "any" or an address
  std::string destination;     // the server's address, or a peer's/collector's
  std::string local_address;   // the server's listen address ("0.0.0.0" = any)
  std::string remote_address;  // the peer's address when fixed, else ""
  std::string purpose;
  std::string label;           // short name for ACL remarks and nftables comments
  bool loopback_only = false;  // bound to loopback: no firewall rule needed
  // A flow between clients and another server (STUN, TURN) that parleyd's
  // own host never carries: a perimeter ACL lists it from any client, the
  // host's nftables rule set does not.
  bool clients_only = false;
};

std::vector<PortRequirement> networkRequirements(const ServerConfig& config);

// Kbit/s, from the [media] budget (docs/server-admin.md). A producer sends
// voice and camera; one presenter at a time adds a screen share. Every value
// is clamped to the per-client cap (max_upload_kbps).
struct BandwidthPlan {
  std::uint64_t participants = 0;
  std::uint64_t producer_upload_kbps = 0;    // audio + camera, capped
  std::uint64_t presenter_upload_kbps = 0;   // audio + camera + screen, capped
  std::uint64_t screen_kbps = 0;             // what the share adds (after the cap)
  std::uint64_t consumer_download_kbps = 0;  // (N - 1) producers + one share
  std::uint64_t server_inbound_kbps = 0;     // N producers + one share
  std::uint64_t server_outbound_kbps = 0;    // N x (N - 1) producers + (N - 1) shares
};

// `participants` >= 1 (callers bound it; kMaxPlanParticipants).
inline constexpr std::uint64_t kMaxPlanParticipants = 100000;
BandwidthPlan bandwidthPlan(const ServerConfig& config, std::uint64_t participants);

// The three formats of `parleyd network-requirements --format`. Each ends
// with the bandwidth plan (as comment lines in the ACL and nftables formats,
// so the output stays loadable).
std::string renderRequirementsTable(const ServerConfig& config, std::uint64_t participants);
std::string renderRequirementsAcl(const ServerConfig& config, std::uint64_t participants);
std::string renderRequirementsNftables(const ServerConfig& config, std::uint64_t participants);

}  // namespace parley::server
