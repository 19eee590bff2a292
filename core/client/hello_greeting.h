#pragma once
// The hello that every race attempt sends right after TLS, and the check of
// the server's answer: a path counts as up only once the Parley server itself
// has answered with a ServerHello (a TLS-terminating or TCP-terminating box
// in between cannot fake that). Used by ClientSession and `parley-cli probe`.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/protocol/message_codec.h"
#include "net/connect/connector.h"

namespace parley::client {

// ClientHello.connection_method for a race attempt's method (net::Route::
// method()): "direct", "http_proxy", "socks4", "socks4a", "socks5"; empty for
// a method the protocol does not name (the server counts it as unknown).
std::string helloConnectionMethod(std::string_view race_method);

// `connection_method` is already in the protocol's spelling (see above).
protocol::Envelope makeClientHello(const std::string& client_name, std::uint64_t client_instance,
                                   std::string_view connection_method = {});
// Each attempt's hello carries that attempt's method (Greeting::request_for);
// `request` is the hello without one, for connectors that cannot tell.
net::Greeting makeHelloGreeting(const std::string& client_name, std::uint64_t client_instance);

}  // namespace parley::client
