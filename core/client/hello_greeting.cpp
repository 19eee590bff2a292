#include "core/client/hello_greeting.h"

#include "core/protocol/protocol_limits.h"

namespace parley::client {

std::string helloConnectionMethod(std::string_view race_method) {
  if (race_method == "http") {
    return "http_proxy";  // the protocol names the kind of path, not the scheme
  }
  for (const char* same : {"direct", "socks4", "socks4a", "socks5"}) {
    if (race_method == same) {
      return same;
    }
  }
  return {};
}

protocol::Envelope makeClientHello(const std::string& client_name, std::uint64_t client_instance,
                                   std::string_view connection_method) {
  protocol::Envelope hello;
  auto* h = hello.mutable_client_hello();
  h->set_protocol_version(protocol::kProtocolVersion);
  h->set_client_name(client_name);
  h->set_client_instance(client_instance);
  h->set_connection_method(std::string(connection_method));
  return hello;
}

net::Greeting makeHelloGreeting(const std::string& client_name, std::uint64_t client_instance) {
  net::Greeting greeting;
  (void)protocol::appendEnvelopeFrame(makeClientHello(client_name, client_instance),
                                      greeting.request);
  greeting.request_for = [client_name, client_instance](std::string_view method) {
    std::string request;
    (void)protocol::appendEnvelopeFrame(makeClientHello(client_name, client_instance,
                                                        helloConnectionMethod(method)),
                                        request);
    return request;
  };
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
