#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

Result<void> replaceFileKeepingAccess(const std::string& link_or_path, std::string_view contents) {
  // A symlinked key (e.g. into a secrets mount) is replaced at its target:
  // renaming over the link would leave the target old and the two diverged.
  std::string path = link_or_path;
  if (char* real = ::realpath(link_or_path.c_str(), nullptr); real != nullptr) {
    path = real;
    std::free(real);  // NOLINT(cppcoreguidelines-no-malloc): realpath's contract
  }
  struct stat old {};
  if (::stat(path.c_str(), &old) != 0) {
    return ioError("cannot read the access of", path, errno);
  }
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());  // a leftover of an interrupted write
  // Created owner-only, then given the old owner, group and mode before the
  // rename: the file is never readable by more accounts than the old one.
  if (auto created = createExclusive(tmp, contents, 0600); !created) {
    ::unlink(tmp.c_str());
    return created;
  }
  // Only root can give a file away; another user renewing its own files
  // keeps them (and its default group) without chown.
  if (::chown(tmp.c_str(), old.st_uid, old.st_gid) != 0 && old.st_uid != ::geteuid()) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioError("cannot give the old owner to", tmp, err);
  }
  if (::chmod(tmp.c_str(), old.st_mode & 07777) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioError("cannot set the mode of", tmp, err);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return ioError("cannot replace", path, err);
  }
  return {};
}

Result<void> checkSecretFileAccess(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return ioError("cannot read the access of", path, errno);
  }
  const auto mode = static_cast<unsigned>(st.st_mode & 0777);
  const bool others = (mode & 0007U) != 0;
  const bool foreign_group = (mode & 0070U) != 0 && st.st_gid != ::getegid();
  if (!others && !foreign_group) {
    return {};
  }
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", mode);
  return makeError(ErrorCode::InvalidArgument,
                   path + " holds a secret but is readable by " +
                       (others ? std::string("everyone") : std::string("its group")) + " (mode " +
                       octal + "); refusing to start: run chmod 600 " + path +
                       " (or chmod 640 with the server's own group as its group)");
}

}  // namespace parley::net
