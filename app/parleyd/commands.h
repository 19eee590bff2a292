#pragma once
// parleyd's subcommands. Each returns the process exit code and prints its
// own errors to stderr.

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

struct RunCommand {
  std::filesystem::path config;
  std::filesystem::path ports_file;  // empty = none
};
int runServer(const RunCommand& command);

}  // namespace parley::app
