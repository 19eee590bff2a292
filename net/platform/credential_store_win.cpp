// The Windows Credential Manager through CredReadW/CredWriteW/CredDeleteW:
// generic credentials whose blob is the secret's UTF-8 bytes, as QtKeychain
// stores them for the desktop client.

#include <windows.h>

#include <wincred.h>

#include <memory>
#include <string>

#include "net/platform/credential_store.h"
#include "net/platform/wide_string.h"
#include "net/platform/win_error.h"

namespace parley::net {
namespace {

struct CredFreeDeleter {
  void operator()(CREDENTIALW* credential) const { ::CredFree(credential); }
};

Unexpected storeError(const std::string& what, const std::string& target, DWORD code) {
  return makeError(ErrorCode::Io, "Windows Credential Manager: cannot " + what + " '" + target +
                                      "': " + windowsErrorText(code));
}

Result<void> checkTarget(const std::string& target) {
  if (target.empty() || target.size() > CRED_MAX_GENERIC_TARGET_NAME_LENGTH) {
    return makeError(ErrorCode::InvalidArgument,
                     "a credential's name must be 1 to " +
                         std::to_string(CRED_MAX_GENERIC_TARGET_NAME_LENGTH) + " bytes");
  }
  return {};
}

}  // namespace

Result<std::optional<std::string>> readStoredSecret(const std::string& target) {
  if (auto ok = checkTarget(target); !ok) {
    return makeError(ok.error());
  }
  CREDENTIALW* raw = nullptr;
  if (::CredReadW(widen(target).c_str(), CRED_TYPE_GENERIC, 0, &raw) == FALSE) {
    const DWORD code = ::GetLastError();
    if (code == ERROR_NOT_FOUND) {
      return std::optional<std::string>();
    }
    return storeError("read", target, code);
  }
  std::unique_ptr<CREDENTIALW, CredFreeDeleter> credential(raw);
  if (credential->CredentialBlobSize > kMaxStoredSecretBytes) {
    return makeError(ErrorCode::InvalidArgument,
                     "the credential '" + target + "' is larger than a password (" +
                         std::to_string(credential->CredentialBlobSize) + " bytes)");
  }
  return std::optional<std::string>(
      std::string(reinterpret_cast<const char*>(credential->CredentialBlob),
                  credential->CredentialBlobSize));
}

Result<void> storeSecret(const std::string& target, const std::string& secret) {
  if (auto ok = checkTarget(target); !ok) {
    return ok;
  }
  if (secret.size() > kMaxStoredSecretBytes) {
    return makeError(ErrorCode::InvalidArgument, "a stored secret is at most " +
                                                     std::to_string(kMaxStoredSecretBytes) +
                                                     " bytes");
  }
  std::wstring name = widen(target);
  std::wstring comment = L"Parley";
  std::string blob = secret;
  CREDENTIALW credential{};
  credential.Type = CRED_TYPE_GENERIC;
  credential.TargetName = name.data();
  credential.Comment = comment.data();
  credential.CredentialBlobSize = static_cast<DWORD>(blob.size());
  credential.CredentialBlob = reinterpret_cast<BYTE*>(blob.data());
  // This machine only: a proxy or server password is no use on another one
  // the user roams to, and enterprise persistence would copy it there.
  credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
  const BOOL written = ::CredWriteW(&credential, 0);
  const DWORD code = ::GetLastError();
  ::SecureZeroMemory(blob.data(), blob.size());
  if (written == FALSE) {
    return storeError("write", target, code);
  }
  return {};
}

Result<void> forgetStoredSecret(const std::string& target) {
  if (auto ok = checkTarget(target); !ok) {
    return ok;
  }
  if (::CredDeleteW(widen(target).c_str(), CRED_TYPE_GENERIC, 0) == FALSE) {
    const DWORD code = ::GetLastError();
    if (code == ERROR_NOT_FOUND) {
      return makeError(ErrorCode::NotFound, "no credential '" + target + "' is stored");
    }
    return storeError("delete", target, code);
  }
  return {};
}

}  // namespace parley::net
