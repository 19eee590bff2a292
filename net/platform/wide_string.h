#pragma once
// UTF-8 to UTF-16 for the Windows API's W functions (Windows only). Parley's
// strings are UTF-8; Windows paths, command lines and environments are wide.

#ifdef _WIN32
#include <windows.h>

#include <string>

namespace parley::net {

inline std::wstring widen(const std::string& utf8) {
  if (utf8.empty()) {
    return {};
  }
  const int n =
      ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), n);
  return out;
}

}  // namespace parley::net
#endif
