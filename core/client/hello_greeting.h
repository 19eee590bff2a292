#pragma once
// The hello that every race attempt sends right after TLS, and the check of
// the server's answer: a path counts as up only once the Parley server itself
// has answered with a ServerHello (a TLS-terminating or TCP-terminating box
// in between cannot fake that). Used by ClientSession and `parley-cli probe`.

#include <cstdint>
#include <string>

#include "core/protocol/message_codec.h"
#include "net/connect/connector.h"

namespace parley::client {

protocol::Envelope makeClientHello(const std::string& client_name, std::uint64_t client_instance);
net::Greeting makeHelloGreeting(const std::string& client_name, std::uint64_t client_instance);

}  // namespace parley::client
