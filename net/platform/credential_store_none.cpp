// No credential store for the command line on this system (see
// credential_store.h for why): every call says what to use instead.

#include "net/platform/credential_store.h"

namespace parley::net {
namespace {

Unexpected unavailable() {
  return makeError(
      ErrorCode::Unavailable,
      "this system has no credential store for parley-cli: give the password in "
      "PARLEY_PASSWORD (the proxy's in PARLEY_PROXY_PASSWORD) or on stdin; the desktop "
      "client keeps passwords in the system keychain");
}

}  // namespace

Result<std::optional<std::string>> readStoredSecret(const std::string& /*target*/) {
  return unavailable();
}

Result<void> storeSecret(const std::string& /*target*/, const std::string& /*secret*/) {
  return unavailable();
}

Result<void> forgetStoredSecret(const std::string& /*target*/) { return unavailable(); }

}  // namespace parley::net
