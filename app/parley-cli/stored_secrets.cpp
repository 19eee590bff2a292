#include "app/parley-cli/stored_secrets.h"

#include <cstdlib>
#include <iostream>

#include "app/parley-cli/exit_codes.h"
#include "net/platform/credential_store.h"

namespace parley::cli {
namespace {

std::string targetOf(const PasswordOptions& options) {
  return options.proxy ? net::kProxyCredentialTarget
                       : net::signInCredentialTarget(options.server, options.user);
}

// The store's answer, or nothing when it has none or this system has no
// store; other failures are said once on stderr and treated as none.
std::optional<std::string> lookUp(const std::string& target) {
  auto stored = net::readStoredSecret(target);
  if (!stored) {
    if (stored.error().code != ErrorCode::Unavailable) {
      std::cerr << "parley-cli: " << stored.error().detail << '\n';
    }
    return std::nullopt;
  }
  return *stored;
}

}  // namespace

void addPasswordCommand(CLI::App& app, PasswordOptions& options, CLI::App*& command) {
  command = app.add_subcommand(
      "password",
      "save or forget a password in the system's credential store (Windows Credential "
      "Manager), where join and probe find it: the first line of stdin or PARLEY_PASSWORD "
      "(PARLEY_PROXY_PASSWORD with --proxy) is saved");
  command->add_option("action", options.action, "save or forget")
      ->required()
      ->check(CLI::IsMember({"save", "forget"}));
  command->add_option("--server", options.server, "the server it signs in to");
  command->add_option("--user", options.user, "the user name it signs in with");
  command->add_flag("--proxy", options.proxy,
                    "the proxy password (used with --proxy-user) instead of a server's");
}

int runPassword(const PasswordOptions& options) {
  if (!options.proxy && (options.server.empty() || options.user.empty())) {
    std::cerr << "parley-cli password: give --server and --user, or --proxy\n";
    return kExitUsage;
  }
  const std::string target = targetOf(options);
  if (options.action == "forget") {
    if (auto forgotten = net::forgetStoredSecret(target); !forgotten) {
      std::cerr << "parley-cli password: " << forgotten.error().detail << '\n';
      return exitCodeFor(forgotten.error().code);
    }
    std::cout << "forgot " << target << '\n';
    return kExitOk;
  }
  std::string secret;
  const char* env = std::getenv(options.proxy ? "PARLEY_PROXY_PASSWORD" : "PARLEY_PASSWORD");
  if (env != nullptr) {
    secret = env;
  } else if (!std::getline(std::cin, secret)) {
    std::cerr << "parley-cli password: no password on stdin\n";
    return kExitUsage;
  }
  if (!secret.empty() && secret.back() == '\r') {
    secret.pop_back();
  }
  if (secret.empty()) {
    std::cerr << "parley-cli password: an empty password is not saved\n";
    return kExitUsage;
  }
  if (auto saved = net::storeSecret(target, secret); !saved) {
    std::cerr << "parley-cli password: " << saved.error().detail << '\n';
    return saved.error().code == ErrorCode::InvalidArgument ? kExitUsage : kExitOther;
  }
  std::cout << "saved " << target << '\n';
  return kExitOk;
}

std::optional<std::string> storedSignInPassword(const std::string& server,
                                                const std::string& user) {
  return lookUp(net::signInCredentialTarget(server, user));
}

std::string proxyPassword() {
  if (const char* env = std::getenv("PARLEY_PROXY_PASSWORD")) {
    return env;
  }
  return lookUp(net::kProxyCredentialTarget).value_or("");
}

}  // namespace parley::cli
