#pragma once
// `parley-cli probe`: runs one connection race and prints every attempt with
// the milliseconds to each stage, and the winner: the same data the desktop
// client shows while signing in, in the shape of the port tables network
// administrators read. Exit 0 when a secure connection (TLS + server hello)
// was made, 1 otherwise, 2 for usage errors. Then the ICE candidates this
// machine could offer a peer in a two-person room (gathered, not checked).

#include <cstdint>
#include <string>
#include <vector>

#include "app/parley-cli/network_options.h"

namespace parley::cli {

struct ProbeOptions {
  std::string server;
  std::string ca;
  std::uint16_t tls_port = 443;
  std::uint16_t alt_port = 5228;
  bool json = false;
  NetworkOptions network;
  // ICE: the candidates a peer path could use from here.
  std::vector<std::string> ice_interfaces;
  std::string stun;  // "ADDRESS:PORT", numeric; empty: host candidates only
};

int runProbe(const ProbeOptions& options);

}  // namespace parley::cli
