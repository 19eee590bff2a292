#include "core/client/hello_greeting.h"

#include "core/protocol/protocol_limits.h"

namespace parley::client {

protocol::Envelope makeClientHello(const std::string& client_name, std::uint64_t client_instance) {
  protocol::Envelope hello;
  auto* h = hello.mutable_client_hello();
  h->set_protocol_version(protocol::kProtocolVersion);
  h->set_client_name(client_name);
  h->set_client_instance(client_instance);
  return hello;
}

net::Greeting makeHelloGreeting(const std::string& client_name, std::uint64_t client_instance) {
  net::Greeting greeting;
  (void)protocol::appendEnvelopeFrame(makeClientHello(client_name, client_instance),
                                      greeting.request);
  greeting.check = [](std::string_view reply) -> Result<void> {
    auto envelope = protocol::parseEnvelope(reply);
    if (!envelope) {
      return makeError(ErrorCode::HelloFailed,
                       "the server's answer to hello is malformed: " + envelope.error().detail);
    }
    if (envelope.value().has_error()) {
      return makeError(ErrorCode::HelloFailed,
                       "the server refused hello: " + envelope.value().error().reason());
    }
    if (!envelope.value().has_server_hello()) {
      return makeError(ErrorCode::HelloFailed,
                       "the server answered hello with " +
                           std::string(protocol::bodyName(envelope.value())));
    }
    return {};
  };
  return greeting;
}

}  // namespace parley::client
