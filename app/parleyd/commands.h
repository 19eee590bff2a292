#pragma once
// parleyd's subcommands. Each returns the process exit code and prints its
// own errors to stderr.

#include <cstdint>
#include <filesystem>
#include <string>

namespace parley::app {

struct UserCommand {
  std::string action;  // add, list, remove
  std::string name;
  std::filesystem::path config;
  bool update = false;
};
int runUserCommand(const UserCommand& command);

// `parleyd room ...` and `parleyd group ...` (room_commands.cpp): edit the
// store's room policy; a running server follows it at the next join.
struct RoomCommand {
  std::string action;  // list, show, create, owner, lock, unlock, admit, unadmit, remove, readmit
  std::string room;
  std::string user;   // owner, admit/unadmit --user, remove, readmit
  std::string group;  // admit/unadmit --group
  bool no_owner = false;
  std::filesystem::path config;
};
int runRoomCommand(const RoomCommand& command);

struct GroupCommand {
  std::string action;  // add, remove, list
  std::string group;
  std::string user;
  std::filesystem::path config;
};
int runGroupCommand(const GroupCommand& command);

struct RunCommand {
  std::filesystem::path config;
  std::filesystem::path ports_file;  // empty = none
};
int runServer(const RunCommand& command);

struct CertRenewCommand {
  std::filesystem::path config;
  std::filesystem::path ca_key;  // empty = ca.key beside the CA certificate
  int rsa_bits = 3072;
  int valid_days = 825;
};
int runCertRenew(const CertRenewCommand& command);

// The packaged server's config (installer/: the Debian package's postinst).
inline constexpr const char* kDefaultConfig = "/etc/parleyd/parleyd.toml";

struct NetworkRequirementsCommand {
  std::filesystem::path config = kDefaultConfig;
  std::string format = "table";  // table, acl, nftables
  std::uint64_t participants = 10;
};
int runNetworkRequirements(const NetworkRequirementsCommand& command);

}  // namespace parley::app
