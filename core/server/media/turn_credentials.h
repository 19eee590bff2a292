#pragma once
// Time-limited TURN credentials in coturn's "use-auth-secret" (TURN REST API)
// form: username "EXPIRY:USER", password base64(HMAC-SHA1(secret, username)).
// The TURN server checks them with the same shared secret, so no long-term
// TURN password ever reaches a client and a leaked one expires.

#include <chrono>
#include <cstdint>
#include <string>

namespace parley::server {

struct TurnCredentials {
  std::string username;
  std::string password;
};

// `now_unix_s` + `ttl` is the expiry written into the username.
TurnCredentials makeTurnCredentials(const std::string& secret, const std::string& user,
                                    std::int64_t now_unix_s, std::chrono::seconds ttl);

}  // namespace parley::server
