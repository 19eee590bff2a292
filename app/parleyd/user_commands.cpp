// `parleyd user add|list|remove|revoke-tokens`.

#include <iostream>
#include <string>

#include "app/parleyd/commands.h"
#include "core/base/clock.h"
#include "core/protocol/message_codec.h"
#include "core/server/accounts/password_hasher.h"
#include "core/server/deployment/server_config.h"
#include "core/server/store/store.h"

namespace parley::app {

int runUserCommand(const UserCommand& command) {
  using namespace parley::server;
  auto config = loadServerConfig(command.config);
  if (!config) {
    std::cerr << "parleyd user: " << config.error().detail << "\n";
    return 1;
  }
  if (command.action != "list") {
    if (auto valid = protocol::validateUserName(command.name); !valid) {
      std::cerr << "parleyd user " << command.action << ": invalid user name '" << command.name
                << "': " << valid.error().detail << "\n";
      return 1;
    }
  }
  auto store = openStore(storeSettings(*config), false);
  if (!store) {
    std::cerr << "parleyd user: " << store.error().detail << "\n";
    return 1;
  }
  if (command.action == "list") {
    auto names = (*store)->listUsers();
    if (!names) {
      std::cerr << "parleyd user list: " << names.error().detail << "\n";
      return 1;
    }
    for (const auto& name : *names) {
      std::cout << name << "\n";
    }
    return 0;
  }
  if (command.action == "remove") {
    if (auto ok = (*store)->removeUser(command.name); !ok) {
      std::cerr << "parleyd user remove: " << ok.error().detail << "\n";
      return 1;
    }
    std::cout << "removed user '" << command.name << "'\n";
    return 0;
  }
  if (command.action == "revoke-tokens") {
    // A running parleyd reads tokens from the store at each sign-in, so
    // this takes effect at the account's next sign-in; sessions signed in
    // now stay (they are not re-checked).
    auto existing = (*store)->passwordHash(command.name);
    if (existing && !existing->has_value()) {
      std::cerr << "parleyd user revoke-tokens: no user named '" << command.name << "'\n";
      return 1;
    }
    auto revoked = (*store)->revokeResumeTokens(command.name);
    if (!revoked) {
      std::cerr << "parleyd user revoke-tokens: " << revoked.error().detail << "\n";
      return 1;
    }
    std::cout << "revoked " << *revoked << " resume token(s) of user '" << command.name << "'\n";
    return 0;
  }

  // add / add --update. Check existence first so nobody types a password
  // for a command that will fail anyway.
  auto existing = (*store)->passwordHash(command.name);
  if (!existing) {
    std::cerr << "parleyd user add: " << existing.error().detail << "\n";
    return 1;
  }
  if (existing->has_value() && !command.update) {
    std::cerr << "parleyd user add: user '" << command.name
              << "' already exists; use --update to change the password\n";
    return 1;
  }
  if (!existing->has_value() && command.update) {
    std::cerr << "parleyd user add --update: no user named '" << command.name << "'\n";
    return 1;
  }
  std::string password;
  if (!std::getline(std::cin, password)) {
    password.clear();
  }
  if (!password.empty() && password.back() == '\r') {
    password.pop_back();
  }
  if (password.empty()) {
    std::cerr << "parleyd user add: empty password refused (give it as the first line of stdin)\n";
    return 1;
  }
  auto hash =
      hashPassword(password, PasswordCost{config->argon2_opslimit, config->argon2_memlimit_kib});
  std::fill(password.begin(), password.end(), '\0');
  if (!hash) {
    std::cerr << "parleyd user add: " << hash.error().detail << "\n";
    return 1;
  }
  auto ok = existing->has_value()
                ? (*store)->updateUserPassword(command.name, *hash)
                : (*store)->addUser(command.name, *hash, SystemClock::instance().wallMillis());
  if (!ok) {
    std::cerr << "parleyd user add: " << ok.error().detail << "\n";
    return 1;
  }
  std::cout << (existing->has_value() ? "updated password of user '" : "added user '")
            << command.name
            << (existing->has_value() ? "' (its resume tokens are revoked)\n" : "'\n");
  return 0;
}

}  // namespace parley::app
