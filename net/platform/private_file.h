#pragma once
// Files that only this user may read: the server's keys, the client's cached
// proxy hints. Whether another account can read a file is the operating
// system's business (a mode on POSIX, an ACL on Windows), so each system has
// its own implementation; the callers say what they need, not how.

#include <string>
#include <string_view>

#include "core/base/result.h"

namespace parley::net {

// Creates `path` holding `contents`. Fails with AlreadyExists when anything is
// there already (never follows a link, never overwrites). The access is set
// when the file is created, so there is no moment when others can read it.
// POSIX: exactly `posix_mode` (the umask is not applied; 0600 for keys).
// Windows: when `posix_mode` gives group or others nothing, an ACL that grants
// the file's owner alone; otherwise the directory's inherited access.
Result<void> writeNewFile(const std::string& path, std::string_view contents, unsigned posix_mode);

// Replaces `path` with a file holding `contents`, readable by this user only:
// written beside it first, then renamed over it, so a reader sees the old
// file or the new one, never half of one.
Result<void> replacePrivateFile(const std::string& path, std::string_view contents);

// Replaces the existing `path` the same way (beside it, then renamed), the
// new file keeping the old one's access: POSIX its owner, group and mode
// (a key the service reads through its group stays readable by it).
// Windows: readable by this user only, as replacePrivateFile.
Result<void> replaceFileKeepingAccess(const std::string& path, std::string_view contents);

// Fails (InvalidArgument, naming the file, its mode and the chmod that
// fixes it) when a secret file can be read by accounts it is not meant for:
// POSIX, any access for others, or group access unless the file's group is
// this process's own (root:parleyd 0640 for the parleyd service is how the
// package shares the key). Windows: not checked here (ACLs; always passes).
Result<void> checkSecretFileAccess(const std::string& path);

}  // namespace parley::net
