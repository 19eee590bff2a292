#include "net/platform/credential_store.h"

namespace parley::net {

std::string signInCredentialTarget(const std::string& server, const std::string& user) {
  return "sign-in/" + user + "@" + server;
}

}  // namespace parley::net
