#pragma once
// What a proxy asks for and how the front end answers. The GUI shows a modal
// dialog, the CLI reads --proxy-user / PARLEY_PROXY_PASSWORD. Credentials are
// never logged and never written to disk in plain text.

#include <functional>
#include <optional>
#include <string>

#include "net/proxy/proxy_server.h"

namespace parley::net {

struct ProxyCredentials {
  std::string user;
  std::string password;
  std::string domain;  // NTLM / Negotiate: optional
};

struct ProxyAuthChallenge {
  ProxyServer proxy;
  std::string scheme;  // "Basic", "Digest", "NTLM", "Negotiate"
  std::string realm;   // Basic/Digest realm as the proxy sent it; may be empty
  // True when the logged-in credentials (Kerberos ticket, SSPI) or the ones
  // given before were refused.
  bool previous_failed = false;
};

// Implemented by each front end. requestCredentials() may answer at once or
// later, on any thread; std::nullopt means "cancel": that attempt fails, the
// race goes on.
class ProxyCredentialProvider {
 public:
  using Answer = std::function<void(std::optional<ProxyCredentials>)>;
  virtual ~ProxyCredentialProvider() = default;
  virtual void requestCredentials(const ProxyAuthChallenge& challenge, Answer answer) = 0;
};

}  // namespace parley::net
