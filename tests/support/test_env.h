#pragma once
// Environment variables and temporary directories for tests, on POSIX and
// Windows alike (setenv/unsetenv/mkdtemp are POSIX only).

#ifdef _WIN32
#include <process.h>
#else
#include <unistd.h>
#endif

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>

namespace parley::testing {

inline void setEnv(const char* name, const std::string& value) {
#ifdef _WIN32
  ::_putenv_s(name, value.c_str());
#else
  ::setenv(name, value.c_str(), 1);
#endif
}

inline void unsetEnv(const char* name) {
#ifdef _WIN32
  ::_putenv_s(name, "");  // an empty value removes the variable on Windows
#else
  ::unsetenv(name);
#endif
}

// Sets a variable for one scope and puts the old value (or its absence) back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) {
      old_ = old;
    }
    setEnv(name, value);
  }
  ~ScopedEnv() {
    if (old_) {
      setEnv(name_, *old_);
    } else {
      unsetEnv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

inline long processId() {
#ifdef _WIN32
  return static_cast<long>(::_getpid());
#else
  return static_cast<long>(::getpid());
#endif
}

// A new, empty directory under the system's temporary directory, named
// `prefix` and a random suffix.
inline std::filesystem::path makeTempDir(const std::string& prefix) {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto path = std::filesystem::temp_directory_path() /
                (prefix + std::to_string(random()) + std::to_string(random()));
    if (std::filesystem::create_directory(path)) {
      return path;
    }
  }
  throw std::runtime_error("no new temporary directory for " + prefix);
}

}  // namespace parley::testing
