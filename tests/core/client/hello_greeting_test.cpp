// The hello each race attempt sends: it names the attempt's method in the
// protocol's spelling, so the server can count connections by method; the
// check accepts only a ServerHello.

#include "core/client/hello_greeting.h"

#include <catch2/catch.hpp>
#include <string>

using parley::client::helloConnectionMethod;
using parley::client::makeHelloGreeting;

namespace {

// The ClientHello inside one frame (u32 big-endian length, then the payload).
parley::proto::ClientHello helloOf(const std::string& frame) {
  REQUIRE(frame.size() > 4);
  std::uint32_t length = 0;
  for (int i = 0; i < 4; ++i) {
    length = (length << 8U) | static_cast<unsigned char>(frame[i]);
  }
  REQUIRE(length == frame.size() - 4);
  auto envelope = parley::protocol::parseEnvelope(std::string_view(frame).substr(4));
  REQUIRE(envelope);
  REQUIRE(envelope.value().has_client_hello());
  return envelope.value().client_hello();
}

}  // namespace

TEST_CASE("each attempt's hello carries its method", "[client][hello]") {
  const auto greeting = makeHelloGreeting("parley-cli/test", 42);
  REQUIRE(greeting.request_for);
  REQUIRE_FALSE(greeting.empty());
  // The race's method names (net::Route::method()) -> ClientHello.connection_method.
  const struct {
    const char* race_method;
    const char* in_hello;
  } cases[] = {
      {"direct", "direct"},   {"http", "http_proxy"}, {"socks4", "socks4"},
      {"socks4a", "socks4a"}, {"socks5", "socks5"},   {"carrier-pigeon", ""},
  };
  for (const auto& c : cases) {
    INFO(c.race_method);
    CHECK(helloConnectionMethod(c.race_method) == c.in_hello);
    const auto hello = helloOf(greeting.requestFor(c.race_method));
    CHECK(hello.connection_method() == c.in_hello);
    CHECK(hello.client_name() == "parley-cli/test");
    CHECK(hello.client_instance() == 42);
  }
  // Without a method (a connector that cannot tell) the field stays empty.
  CHECK(helloOf(greeting.request).connection_method().empty());
}

TEST_CASE("the hello check accepts only the server's hello", "[client][hello]") {
  const auto greeting = makeHelloGreeting("t", 1);
  parley::protocol::Envelope good;
  good.mutable_server_hello()->set_server_name("s");
  CHECK(greeting.check(good.SerializeAsString()));
  parley::protocol::Envelope refused;
  refused.mutable_error()->set_reason("go away");
  const auto no = greeting.check(refused.SerializeAsString());
  REQUIRE_FALSE(no);
  CHECK_THAT(no.error().detail, Catch::Contains("go away"));
  CHECK_FALSE(greeting.check("\xff\xff garbage"));
}
