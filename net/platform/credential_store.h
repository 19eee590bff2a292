#pragma once
// The user's own store of secrets, for the command-line client: on Windows
// the Credential Manager (generic credentials), with the same target names
// the desktop client's QtKeychain writes ("sign-in/USER@SERVER", "proxy"), so
// a password remembered by one is found by the other. Other systems have no
// store here: Linux's Secret Service needs a desktop session's D-Bus, which a
// command line often lacks, and the desktop client reaches it itself through
// QtKeychain. There every call answers ErrorCode::Unavailable, saying what to
// use instead.
//
// Secrets are UTF-8 and at most kMaxStoredSecretBytes; they are never logged.

#include <cstddef>
#include <optional>
#include <string>

#include "core/base/result.h"

namespace parley::net {

inline constexpr std::size_t kMaxStoredSecretBytes = 512;

// The target names the desktop client uses (ui/secrets/secret_store.cpp).
std::string signInCredentialTarget(const std::string& server, const std::string& user);
inline constexpr const char* kProxyCredentialTarget = "proxy";

// The secret, std::nullopt when none is stored under `target`.
Result<std::optional<std::string>> readStoredSecret(const std::string& target);
// Creates or replaces; kept on this machine for this user.
Result<void> storeSecret(const std::string& target, const std::string& secret);
// NotFound when there was none.
Result<void> forgetStoredSecret(const std::string& target);

}  // namespace parley::net
