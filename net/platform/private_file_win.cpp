// Windows: CreateFileW with CREATE_NEW (never opens what is there) and, for a
// private file, a protected DACL granting the current user alone, given at
// creation so there is no moment when the directory's inherited access
// applies.
#include <windows.h>
// windows.h first: these need its types.
#include <sddl.h>

#include <algorithm>
#include <memory>
#include <string>

#include "net/platform/private_file.h"
#include "net/platform/wide_string.h"
#include "net/platform/win_error.h"

namespace parley::net {
namespace {

struct LocalFreeDeleter {
  void operator()(void* p) const { ::LocalFree(p); }
};
struct HandleCloser {
  void operator()(HANDLE h) const { ::CloseHandle(h); }
};
using UniqueHandle = std::unique_ptr<void, HandleCloser>;

Unexpected ioError(const std::string& what, const std::string& path, DWORD code) {
  return makeError(ErrorCode::Io, what + " " + path + ": " + windowsErrorText(code));
}

// "D:P(A;;FA;;;<this user's SID>)": full access for the current user, nothing
// inherited, nobody else listed.
Result<std::wstring> ownerOnlyDescriptor() {
  HANDLE raw = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &raw)) {
    return ioError("cannot read", "the process token", ::GetLastError());
  }
  UniqueHandle token(raw);
  DWORD size = 0;
  ::GetTokenInformation(raw, TokenUser, nullptr, 0, &size);
  std::unique_ptr<std::byte[]> buffer(new std::byte[size]);
  if (!::GetTokenInformation(raw, TokenUser, buffer.get(), size, &size)) {
    return ioError("cannot read", "the token's user", ::GetLastError());
  }
  const auto* user = reinterpret_cast<const TOKEN_USER*>(buffer.get());
  wchar_t* sid = nullptr;
  if (!::ConvertSidToStringSidW(user->User.Sid, &sid)) {
    return ioError("cannot format", "the user's SID", ::GetLastError());
  }
  std::unique_ptr<wchar_t, LocalFreeDeleter> sid_owner(sid);
  return std::wstring(L"D:P(A;;FA;;;") + sid + L")";
}

Result<void> createExclusive(const std::string& path, std::string_view contents, bool owner_only) {
  SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), nullptr, FALSE};
  std::unique_ptr<void, LocalFreeDeleter> descriptor;
  if (owner_only) {
    auto sddl = ownerOnlyDescriptor();
    if (!sddl) {
      return makeError(std::move(sddl).error());
    }
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl->c_str(), SDDL_REVISION_1, &sd,
                                                                nullptr)) {
      return ioError("cannot build the access list for", path, ::GetLastError());
    }
    descriptor.reset(sd);
    attributes.lpSecurityDescriptor = sd;
  }
  // CREATE_NEW fails on anything already there, a link included.
  HANDLE raw = ::CreateFileW(widen(path).c_str(), GENERIC_WRITE, 0, &attributes, CREATE_NEW,
                             FILE_ATTRIBUTE_NORMAL, nullptr);
  if (raw == INVALID_HANDLE_VALUE) {
    const DWORD code = ::GetLastError();
    if (code == ERROR_FILE_EXISTS || code == ERROR_ALREADY_EXISTS) {
      return makeError(ErrorCode::AlreadyExists,
                       "cannot create " + path + ": " + windowsErrorText(code));
    }
    return ioError("cannot create", path, code);
  }
  UniqueHandle file(raw);
  std::size_t written = 0;
  while (written < contents.size()) {
    const DWORD chunk =
        static_cast<DWORD>(std::min<std::size_t>(contents.size() - written, 1U << 30));
    DWORD n = 0;
    if (!::WriteFile(raw, contents.data() + written, chunk, &n, nullptr)) {
      return ioError("cannot write", path, ::GetLastError());
    }
    written += n;
  }
  if (!::FlushFileBuffers(raw)) {
    return ioError("cannot flush", path, ::GetLastError());
  }
  return {};
}

}  // namespace

Result<void> writeNewFile(const std::string& path, std::string_view contents, unsigned posix_mode) {
  return createExclusive(path, contents, (posix_mode & 077U) == 0);
}

Result<void> replacePrivateFile(const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp";
  ::DeleteFileW(widen(tmp).c_str());  // a leftover of an interrupted write
  if (auto created = createExclusive(tmp, contents, true); !created) {
    ::DeleteFileW(widen(tmp).c_str());
    return created;
  }
  if (!::MoveFileExW(widen(tmp).c_str(), widen(path).c_str(),
                     MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    const DWORD code = ::GetLastError();
    ::DeleteFileW(widen(tmp).c_str());
    return ioError("cannot replace", path, code);
  }
  return {};
}

Result<void> replaceFileKeepingAccess(const std::string& path, std::string_view contents) {
  return replacePrivateFile(path, contents);
}

Result<void> checkSecretFileAccess(const std::string& /*path*/) { return {}; }

}  // namespace parley::net
