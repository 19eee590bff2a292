// SystemSource on Windows: the current user's Internet Options
// (WinHttpGetIEProxyConfigForCurrentUser): a static proxy list
// ("http=p:80;https=p:3128;socks=s:1080" or "p:3128"), a bypass list, an
// automatic configuration script URL, and "automatically detect settings",
// which WinHttpGetProxyForUrl resolves (DHCP + DNS WPAD and the script, in
// WinHTTP's own sandboxed service) on a worker thread. Compiled on Windows
// only.

// Only built on Windows (net/proxy/CMakeLists.txt); the guard keeps tools that
// visit every file (clang-tidy in scripts/lint) from compiling it elsewhere.
#if defined(_WIN32)

// Asio first: it wants winsock2.h before anything brings in winsock.h.
#include <asio/post.hpp>

#include <windows.h>
#include <winhttp.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "net/proxy/pac_result.h"
#include "net/proxy/proxy_source.h"
#include "net/proxy/proxy_url.h"

namespace parley::net::detail {
namespace {

std::string narrow(const wchar_t* w) {
  if (w == nullptr || *w == L'\0') {
    return {};
  }
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
  if (n <= 1 || n > 65536) {
    return {};
  }
  std::string out(static_cast<std::size_t>(n - 1), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, w, -1, out.data(), n, nullptr, nullptr);
  return out;
}

std::wstring widen(const std::string& s) {
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, nullptr, 0);
  if (n <= 1) {
    return {};
  }
  std::wstring out(static_cast<std::size_t>(n - 1), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, s.c_str(), -1, out.data(), n);
  return out;
}

// "http=p:80;https=p2:3128;socks=s:1080" or "p:3128" (all protocols).
std::vector<ProxyServer> parseWinProxyList(const std::string& list) {
  std::vector<ProxyServer> https, http, socks, any;
  std::string_view rest = list;
  while (!rest.empty()) {
    const auto sep = rest.find_first_of("; ");
    std::string_view entry = rest.substr(0, sep);
    rest = sep == std::string_view::npos ? std::string_view() : rest.substr(sep + 1);
    if (entry.empty()) {
      continue;
    }
    std::string scheme;
    if (const auto eq = entry.find('='); eq != std::string_view::npos) {
      scheme = std::string(entry.substr(0, eq));
      entry.remove_prefix(eq + 1);
    }
    const ProxyKind kind = scheme == "socks" ? ProxyKind::Socks4 : ProxyKind::Http;
    auto proxy = parseProxyUrl(entry, kind);
    if (!proxy) {
      continue;
    }
    proxy->kind = kind;
    proxy->origin = ProxyOrigin::System;
    if (scheme.empty()) {
      any.push_back(*proxy);
    } else if (scheme == "https") {
      https.push_back(*proxy);
    } else if (scheme == "http") {
      http.push_back(*proxy);
    } else if (scheme == "socks") {
      socks.push_back(*proxy);
    }
  }
  std::vector<ProxyServer> out;
  for (auto* group : {&https, &http, &socks, &any}) {
    for (auto& p : *group) {
      if (std::find(out.begin(), out.end(), p) == out.end()) {
        out.push_back(p);
      }
    }
  }
  return out;
}

class WinSystemSource : public ProxySource {
 public:
  WinSystemSource(asio::any_io_executor executor, std::chrono::milliseconds timeout)
      : executor_(std::move(executor)), timeout_(timeout) {}

  ~WinSystemSource() override {
    *alive_ = false;
    {
      std::lock_guard lock(*session_mu_);
      if (*session_ != nullptr) {
        ::WinHttpCloseHandle(*session_);  // aborts a running WinHttpGetProxyForUrl
        *session_ = nullptr;
      }
    }
    if (worker_.joinable()) {
      worker_.join();
    }
  }

  const char* name() const override { return "system"; }

  void start(const DiscoveryTarget& target, Done done) override {
    done_ = std::move(done);
    SourceResult result;
    WINHTTP_CURRENT_USER_IE_PROXY_CONFIG ie{};
    bool auto_detect = false;
    std::string script;
    if (::WinHttpGetIEProxyConfigForCurrentUser(&ie)) {
      const std::string bypass = narrow(ie.lpszProxyBypass);
      const std::string list = narrow(ie.lpszProxy);
      script = narrow(ie.lpszAutoConfigUrl);
      auto_detect = ie.fAutoDetect != FALSE;
      if (!list.empty()) {
        std::string no_proxy = bypass;
        std::replace(no_proxy.begin(), no_proxy.end(), ';', ',');
        const bool local = target.host.find('.') == std::string::npos &&
                           no_proxy.find("<local>") != std::string::npos;
        if (local || noProxyMatches(no_proxy, target.host, target.port)) {
          result.notes.push_back("system: " + target.host + " is in the proxy exceptions");
        } else {
          result.proxies = parseWinProxyList(list);
          result.notes.push_back("system: Internet Options: " + describeProxies(result.proxies));
        }
      }
      for (LPWSTR s : {ie.lpszProxy, ie.lpszProxyBypass, ie.lpszAutoConfigUrl}) {
        if (s != nullptr) {
          ::GlobalFree(s);
        }
      }
    } else {
      result.notes.push_back("system: cannot read the Internet Options proxy settings");
    }
    if (!auto_detect && script.empty()) {
      asio::post(executor_, [this, alive = alive_, result = std::move(result)]() mutable {
        if (*alive) {
          finish(std::move(result));
        }
      });
      return;
    }
    // WinHTTP evaluates the script / runs WPAD itself; it blocks, so it runs
    // on a worker thread whose answer is posted back.
    *session_ = ::WinHttpOpen(L"Parley", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                              WINHTTP_NO_PROXY_BYPASS, 0);
    if (*session_ == nullptr) {
      result.notes.push_back("system: WinHttpOpen failed");
      asio::post(executor_, [this, alive = alive_, result = std::move(result)]() mutable {
        if (*alive) {
          finish(std::move(result));
        }
      });
      return;
    }
    const int ms = static_cast<int>(timeout_.count());
    ::WinHttpSetTimeouts(*session_, ms, ms, ms, ms);
    worker_ = std::thread([executor = executor_, alive = alive_, session = session_,
                           session_mu = session_mu_, url = widen(target.url()), script, auto_detect,
                           result = std::move(result), this]() mutable {
      WINHTTP_AUTOPROXY_OPTIONS options{};
      const std::wstring wscript = widen(script);
      if (!script.empty()) {
        options.dwFlags = WINHTTP_AUTOPROXY_CONFIG_URL;
        options.lpszAutoConfigUrl = wscript.c_str();
      } else {
        options.dwFlags = WINHTTP_AUTOPROXY_AUTO_DETECT;
        options.dwAutoDetectFlags = WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A;
      }
      options.fAutoLogonIfChallenged = TRUE;
      WINHTTP_PROXY_INFO info{};
      HINTERNET handle = nullptr;
      {
        std::lock_guard lock(*session_mu);
        handle = *session;
      }
      const bool ok =
          handle != nullptr && ::WinHttpGetProxyForUrl(handle, url.c_str(), &options, &info);
      if (ok) {
        const std::string answer = narrow(info.lpszProxy);
        if (info.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY && !answer.empty()) {
          for (auto& p : parseWinProxyList(answer)) {
            if (std::find(result.proxies.begin(), result.proxies.end(), p) ==
                result.proxies.end()) {
              result.proxies.push_back(std::move(p));
            }
          }
          result.notes.push_back("system: WinHTTP " +
                                 std::string(script.empty() ? "auto-detect" : script) + " -> " +
                                 answer);
        } else {
          result.notes.push_back("system: WinHTTP says DIRECT");
        }
        for (LPWSTR s : {info.lpszProxy, info.lpszProxyBypass}) {
          if (s != nullptr) {
            ::GlobalFree(s);
          }
        }
      } else {
        result.notes.push_back("system: WinHTTP found no proxy configuration (error " +
                               std::to_string(::GetLastError()) + ")");
      }
      asio::post(executor, [this, alive, result = std::move(result)]() mutable {
        if (*alive) {
          finish(std::move(result));
        }
      });
    });
  }

 private:
  void finish(SourceResult result) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) {
      done(std::move(result));
    }
  }

  asio::any_io_executor executor_;
  std::chrono::milliseconds timeout_;
  Done done_;
  std::thread worker_;
  std::shared_ptr<HINTERNET> session_ = std::make_shared<HINTERNET>(nullptr);
  std::shared_ptr<std::mutex> session_mu_ = std::make_shared<std::mutex>();
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ProxySource> makeSystemSource(asio::any_io_executor executor,
                                              std::chrono::milliseconds timeout) {
  return std::make_unique<WinSystemSource>(std::move(executor), timeout);
}

}  // namespace parley::net::detail

#endif  // defined(_WIN32)
