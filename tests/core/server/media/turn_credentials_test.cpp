#include "core/server/media/turn_credentials.h"

#include <catch2/catch.hpp>

using namespace parley::server;

TEST_CASE("TURN credentials are coturn's use-auth-secret form", "[server][turn]") {
  // Expected value from Python: base64(hmac.new(secret, username, sha1)).
  const auto c = makeTurnCredentials("0123456789abcdef-secret", "alice", 1700000000,
                                     std::chrono::seconds(3600));
  CHECK(c.username == "1700003600:alice");
  CHECK(c.password == "RdimA65Hn6XcpWiLB0HmFEQZlmY=");
}
