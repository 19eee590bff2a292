#pragma once
// The text Windows gives for a system error code (Windows only).

#ifdef _WIN32
#include <windows.h>

#include <memory>
#include <string>

namespace parley::net {

inline std::string windowsErrorText(DWORD code) {
  struct LocalFreeDeleter {
    void operator()(void* p) const { ::LocalFree(p); }
  };
  char* text = nullptr;
  const DWORD n = ::FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                       FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
  std::unique_ptr<char, LocalFreeDeleter> owner(text);
  std::string out = n > 0 ? std::string(text, n) : "error " + std::to_string(code);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

}  // namespace parley::net
#endif
