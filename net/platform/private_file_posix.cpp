#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "net/platform/private_file.h"

namespace parley::net {
namespace {

Unexpected ioError(const std::string& what, const std::string& path, int err) {
  return makeError(ErrorCode::Io, what + " " + path + ": " + std::strerror(err));
}

// Writes, flushes and closes `fd` (closed on every path).
Result<void> writeAll(int fd, const std::string& path, std::string_view contents) {
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int err = errno;
      ::close(fd);
      return ioError("cannot write", path, err);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return ioError("cannot flush", path, err);
  }
  if (::close(fd) != 0) {
    return ioError("cannot close", path, errno);
  }
  return {};
}

Result<void> createExclusive(const std::string& path, std::string_view contents, unsigned mode) {
  // O_EXCL with O_NOFOLLOW: never follow or overwrite what is there; the mode
  // applies at creation, so the file is never readable by others.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                        static_cast<mode_t>(mode));
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) {
      return makeError(ErrorCode::AlreadyExists,
                       "cannot create " + path + ": " + std::strerror(err));
    }
    return ioError("cannot create", path, err);
  }
  // The umask may have removed bits; set exactly what was asked.
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) {
    const int err = errno;
    ::close(fd);
    return ioError("cannot set the mode of", path, err);
  }
  return writeAll(fd, path, contents);
}

}  // namespace

Result<void> writeNewFile(const std::string& path, std::string_view contents, unsigned posix_mode) {
  return createExclusive(path, contents, posix_mode);
}

Result<void> replacePrivateFile(const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());  // a leftover of an interrupted write
  if (auto created = createExclusive(tmp, contents, 0600); !created) {
    ::unlink(tmp.c_str());
    return created;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioError("cannot replace", path, err);
  }
  return {};
}

}  // namespace parley::net
