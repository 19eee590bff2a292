// parleyd: the Parley room server. See `parleyd --help`.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include "app/parleyd/commands.h"
#include "app/version.h"
#include "core/server/deployment/network_requirements.h"
#include "core/server/deployment/server_config.h"
#include "core/server/deployment/server_init.h"
#include "net/tls/certificate_authority.h"

namespace {

int runInit(const std::string& dir, std::vector<std::string> hosts,
            const std::vector<std::string>& tcp, const std::string& udp, int rsa_bits,
            const std::string& store) {
  using namespace parley::server;
  InitOptions options;
  options.dir = dir;
  options.store_path = store;
  if (!hosts.empty()) {
    options.hosts = std::move(hosts);
  }
  if (!tcp.empty()) {
    options.tcp.clear();
    for (const auto& text : tcp) {
      auto ep = parseEndpoint(text);
      if (!ep) {
        std::cerr << "parleyd init: --tcp " << ep.error().detail << "\n";
        return 2;
      }
      options.tcp.push_back(*ep);
    }
  }
  if (!udp.empty()) {
    auto ep = parseEndpoint(udp);
    if (!ep) {
      std::cerr << "parleyd init: --udp " << ep.error().detail << "\n";
      return 2;
    }
    options.udp = *ep;
  }
  options.rsa_bits = rsa_bits;
  auto result = initServerDirectory(options);
  if (!result) {
    std::cerr << "parleyd init: " << result.error().detail << "\n";
    return 1;
  }
  std::cout << "Created a Parley server in " << options.dir.string() << "\n"
            << "CA fingerprint (SHA-256): " << result->ca_fingerprint << "\n\n"
            << "Next steps:\n"
            << "  1. Add users:    parleyd user add NAME --config " << result->config_file.string()
            << "   (password on stdin)\n"
            << "  2. Start:        parleyd run --config " << result->config_file.string() << "\n"
            << "  3. Give clients the CA certificate " << result->ca_certificate.string()
            << "\n     and check its fingerprint with them.\n"
            << "  4. Move the CA key " << result->ca_key.string() << " offline (a USB stick or\n"
            << "     another machine, not this server): parleyd run never reads it. Bring it\n"
            << "     back only to renew the server certificate:\n"
            << "       parleyd cert renew --config " << result->config_file.string()
            << " --ca-key PATH\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parleyd: the Parley room server"};
  app.set_version_flag("--version", std::string("parleyd ") + parley::app::kVersion);
  app.require_subcommand(1);

  std::string init_dir;
  std::vector<std::string> init_hosts;
  std::vector<std::string> init_tcp;
  std::string init_udp;
  int init_rsa_bits = parley::net::kDefaultRsaBits;
  std::string init_store;
  auto* init =
      app.add_subcommand("init", "create a CA, a server certificate, a config and a store");
  init->add_option("--dir", init_dir, "directory to create the deployment in")->required();
  init->add_option("--host", init_hosts, "server name or IP for the certificate (repeatable)");
  init->add_option("--tcp", init_tcp, "TCP listen address ADDR:PORT (repeatable)");
  init->add_option("--udp", init_udp, "UDP media address ADDR:PORT");
  init->add_option("--rsa-bits", init_rsa_bits, "RSA key size (at least 2048)")
      ->check(CLI::Range(parley::net::kMinimumRsaBits, 16384));
  init->add_option("--store", init_store,
                   "SQLite store path (default: parley.db in --dir; the package uses "
                   "/var/lib/parleyd/parley.db)");

  parley::app::UserCommand user_command;
  auto* user = app.add_subcommand("user", "manage accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add an account; password on stdin");
  user_add->add_option("name", user_command.name, "user name")->required();
  user_add->add_flag("--update", user_command.update, "change the password of an existing user");
  auto* user_list = user->add_subcommand("list", "list accounts, one per line");
  auto* user_remove = user->add_subcommand("remove", "remove an account");
  user_remove->add_option("name", user_command.name, "user name")->required();
  auto* user_revoke = user->add_subcommand(
      "revoke-tokens", "sign the account's clients out of resume: they need the password again");
  user_revoke->add_option("name", user_command.name, "user name")->required();
  for (auto* sub : {user_add, user_list, user_remove, user_revoke}) {
    sub->add_option("--config", user_command.config, "parleyd.toml")->required();
  }

  parley::app::RoomCommand room_command;
  auto* room = app.add_subcommand("room", "manage rooms: owner, lock, who may join");
  room->require_subcommand(1);
  std::map<CLI::App*, std::string> room_actions;
  const auto room_action = [&](const std::string& action, const std::string& help) {
    auto* sub = room->add_subcommand(action, help);
    sub->add_option("--config", room_command.config, "parleyd.toml")->required();
    if (action != "list") {
      sub->add_option("room", room_command.room, "room name")->required();
    }
    room_actions[sub] = action;
    return sub;
  };
  room_action("list", "list rooms: owner, locked, open or listed");
  room_action("show", "show a room with its admission list and removals");
  room_action("create", "create a room")
      ->add_option("--owner", room_command.user, "its owner (default: none)");
  auto* room_owner = room_action("owner", "set or clear a room's owner");
  room_owner->add_option("user", room_command.user, "the new owner");
  room_owner->add_flag("--none", room_command.no_owner, "no owner: only admins manage the room");
  room_action("lock", "let no one new join (the owner still may)");
  room_action("unlock", "let admitted accounts join again");
  for (const auto* action : {"admit", "unadmit"}) {
    auto* sub = room_action(action, std::string(action) == "admit"
                                        ? "add an account or group to the admission list"
                                        : "take an account or group off the admission list");
    sub->add_option("--user", room_command.user, "account");
    sub->add_option("--group", room_command.group, "group");
  }
  room_action("remove", "remove an account from the room until it is admitted again")
      ->add_option("user", room_command.user, "account")
      ->required();
  room_action("readmit", "let a removed account join again")
      ->add_option("user", room_command.user, "account")
      ->required();

  parley::app::GroupCommand group_command;
  auto* group = app.add_subcommand("group", "manage groups of accounts (admitted to rooms)");
  group->require_subcommand(1);
  auto* group_add = group->add_subcommand("add", "put an account in a group (made if new)");
  auto* group_remove = group->add_subcommand("remove", "take an account out of a group");
  auto* group_list = group->add_subcommand("list", "list groups and their accounts");
  for (auto* sub : {group_add, group_remove}) {
    sub->add_option("group", group_command.group, "group name")->required();
    sub->add_option("user", group_command.user, "account")->required();
  }
  for (auto* sub : {group_add, group_remove, group_list}) {
    sub->add_option("--config", group_command.config, "parleyd.toml")->required();
  }

  parley::app::RunCommand run_command;
  auto* run = app.add_subcommand("run", "serve in the foreground");
  run->add_option("--config", run_command.config, "parleyd.toml")->required();
  run->add_option("--ports-file", run_command.ports_file,
                  "write the bound addresses as JSON here once listening");

  parley::app::NetworkRequirementsCommand nr_command;
  auto* nr = app.add_subcommand(
      "network-requirements",
      "print the ports, protocols and directions to allow, and the bandwidth to plan for");
  nr->add_option("--config", nr_command.config, "parleyd.toml")->capture_default_str();
  nr->add_option("--format", nr_command.format, "table, acl (Cisco-style) or nftables")
      ->check(CLI::IsMember({"table", "acl", "nftables"}))
      ->capture_default_str();
  nr->add_option("--participants", nr_command.participants,
                 "participants in one room, for the bandwidth totals")
      ->check(CLI::Range(std::uint64_t{1}, parley::server::kMaxPlanParticipants))
      ->capture_default_str();

  parley::app::CertRenewCommand renew_command;
  auto* cert = app.add_subcommand("cert", "manage the server certificate");
  cert->require_subcommand(1);
  auto* cert_renew = cert->add_subcommand(
      "renew",
      "issue a new server key and certificate for the same names under the same CA; clients "
      "need no change; restart the server to serve it");
  cert_renew->add_option("--config", renew_command.config, "parleyd.toml")->required();
  cert_renew->add_option("--ca-key", renew_command.ca_key,
                         "the CA's private key (default: ca.key beside the CA certificate)");
  cert_renew->add_option("--rsa-bits", renew_command.rsa_bits, "RSA key size (at least 2048)")
      ->check(CLI::Range(parley::net::kMinimumRsaBits, 16384))
      ->capture_default_str();
  cert_renew->add_option("--days", renew_command.valid_days, "days the certificate is valid")
      ->check(CLI::Range(1, 825))
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  if (cert_renew->parsed()) {
    return parley::app::runCertRenew(renew_command);
  }

  if (nr->parsed()) {
    return parley::app::runNetworkRequirements(nr_command);
  }

  if (init->parsed()) {
    return runInit(init_dir, init_hosts, init_tcp, init_udp, init_rsa_bits, init_store);
  }
  if (user->parsed()) {
    user_command.action = user_add->parsed()      ? "add"
                          : user_list->parsed()   ? "list"
                          : user_revoke->parsed() ? "revoke-tokens"
                                                  : "remove";
    return parley::app::runUserCommand(user_command);
  }
  if (room->parsed()) {
    for (const auto& [sub, action] : room_actions) {
      if (sub->parsed()) {
        room_command.action = action;
      }
    }
    return parley::app::runRoomCommand(room_command);
  }
  if (group->parsed()) {
    group_command.action = group_add->parsed() ? "add" : group_remove->parsed() ? "remove" : "list";
    return parley::app::runGroupCommand(group_command);
  }
  if (run->parsed()) {
    return parley::app::runServer(run_command);
  }
  return 2;
}
