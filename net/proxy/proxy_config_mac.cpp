// SystemSource on macOS: CFNetworkCopySystemProxySettings, resolved for the
// target with CFNetworkCopyProxiesForURL (which applies the exceptions list
// and returns HTTPS/HTTP/SOCKS proxies in order, or a PAC URL that the owner
// then fetches and evaluates in parley-pac-helper). Compiled on macOS only.

// Only built on macOS (net/proxy/CMakeLists.txt); the guard keeps tools that
// visit every file (clang-tidy in scripts/lint) from compiling it elsewhere.
#if defined(__APPLE__)

#include <CFNetwork/CFNetwork.h>
#include <CoreFoundation/CoreFoundation.h>

#include <algorithm>

#include <asio/post.hpp>

#include "net/proxy/proxy_source.h"
#include "net/proxy/proxy_url.h"

namespace parley::net::detail {
namespace {

std::string toString(CFTypeRef value) {
  if (value == nullptr || CFGetTypeID(value) != CFStringGetTypeID()) {
    return {};
  }
  const auto s = static_cast<CFStringRef>(value);
  if (const char* fast = CFStringGetCStringPtr(s, kCFStringEncodingUTF8)) {
    return fast;
  }
  char buf[2048] = {};
  return CFStringGetCString(s, buf, sizeof buf, kCFStringEncodingUTF8) ? std::string(buf)
                                                                       : std::string();
}

int toInt(CFTypeRef value) {
  int out = 0;
  if (value != nullptr && CFGetTypeID(value) == CFNumberGetTypeID()) {
    CFNumberGetValue(static_cast<CFNumberRef>(value), kCFNumberIntType, &out);
  }
  return out;
}

SourceResult readSettings(const DiscoveryTarget& target) {
  SourceResult result;
  CFDictionaryRef settings = CFNetworkCopySystemProxySettings();
  if (settings == nullptr) {
    result.notes.push_back("system: no proxy settings");
    return result;
  }
  const std::string url_text = target.url();
  CFURLRef url =
      CFURLCreateWithBytes(nullptr, reinterpret_cast<const UInt8*>(url_text.data()),
                           static_cast<CFIndex>(url_text.size()), kCFStringEncodingUTF8, nullptr);
  CFArrayRef proxies = url != nullptr ? CFNetworkCopyProxiesForURL(url, settings) : nullptr;
  const CFIndex count = proxies != nullptr ? CFArrayGetCount(proxies) : 0;
  for (CFIndex i = 0; i < count && i < 32; ++i) {
    const auto entry = static_cast<CFDictionaryRef>(CFArrayGetValueAtIndex(proxies, i));
    if (entry == nullptr || CFGetTypeID(entry) != CFDictionaryGetTypeID()) {
      continue;
    }
    const CFTypeRef type = CFDictionaryGetValue(entry, kCFProxyTypeKey);
    if (type == nullptr) {
      continue;
    }
    if (CFEqual(type, kCFProxyTypeAutoConfigurationURL)) {
      const CFTypeRef pac = CFDictionaryGetValue(entry, kCFProxyAutoConfigurationURLKey);
      std::string pac_url;
      if (pac != nullptr && CFGetTypeID(pac) == CFURLGetTypeID()) {
        pac_url = toString(CFURLGetString(static_cast<CFURLRef>(pac)));
      } else {
        pac_url = toString(pac);
      }
      if (!pac_url.empty() && result.follow_pac_url.empty()) {
        result.follow_pac_url = pac_url;
        result.notes.push_back("system: the PAC file " + pac_url);
      }
      continue;
    }
    ProxyKind kind = ProxyKind::Http;
    if (CFEqual(type, kCFProxyTypeSOCKS)) {
      kind = ProxyKind::Socks5;
    } else if (!CFEqual(type, kCFProxyTypeHTTP) && !CFEqual(type, kCFProxyTypeHTTPS)) {
      continue;  // kCFProxyTypeNone (DIRECT), FTP, ...
    }
    const std::string host = toString(CFDictionaryGetValue(entry, kCFProxyHostNameKey));
    const int port = toInt(CFDictionaryGetValue(entry, kCFProxyPortNumberKey));
    if (host.empty() || port <= 0 || port > 65535) {
      continue;
    }
    auto proxy = parseProxyUrl(host + ":" + std::to_string(port), kind);
    if (!proxy) {
      continue;
    }
    proxy->kind = kind;
    proxy->origin = ProxyOrigin::System;
    if (std::find(result.proxies.begin(), result.proxies.end(), *proxy) == result.proxies.end()) {
      result.proxies.push_back(std::move(proxy).value());
    }
  }
  if (proxies != nullptr) {
    CFRelease(proxies);
  }
  if (url != nullptr) {
    CFRelease(url);
  }
  CFRelease(settings);
  result.notes.push_back("system: macOS settings: " + describeProxies(result.proxies));
  return result;
}

class MacSystemSource : public ProxySource {
 public:
  explicit MacSystemSource(asio::any_io_executor executor) : executor_(std::move(executor)) {}
  ~MacSystemSource() override { *alive_ = false; }

  const char* name() const override { return "system"; }

  // Reading the settings is a local, quick call; the answer is posted.
  void start(const DiscoveryTarget& target, Done done) override {
    asio::post(executor_,
               [alive = alive_, result = readSettings(target), done = std::move(done)]() mutable {
                 if (*alive) {
                   done(std::move(result));
                 }
               });
  }

 private:
  asio::any_io_executor executor_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ProxySource> makeSystemSource(asio::any_io_executor executor,
                                              std::chrono::milliseconds /*timeout*/) {
  return std::make_unique<MacSystemSource>(std::move(executor));
}

}  // namespace parley::net::detail

#endif  // defined(__APPLE__)
