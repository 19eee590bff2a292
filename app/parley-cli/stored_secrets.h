#pragma once
// Passwords parley-cli keeps in the system's credential store
// (net/platform/credential_store.h: the Windows Credential Manager), shared
// with the desktop client: `parley-cli password save|forget`, and the look-ups
// that join and probe make when no environment variable gives the password.

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace parley::cli {

struct PasswordOptions {
  std::string action;  // "save" or "forget"
  std::string server;
  std::string user;
  bool proxy = false;  // the proxy password instead of a server's
};

void addPasswordCommand(CLI::App& app, PasswordOptions& options, CLI::App*& command);
int runPassword(const PasswordOptions& options);

// The stored sign-in password for user@server, when the store has one.
std::optional<std::string> storedSignInPassword(const std::string& server, const std::string& user);
// PARLEY_PROXY_PASSWORD, else the stored proxy password, else "".
std::string proxyPassword();

}  // namespace parley::cli
