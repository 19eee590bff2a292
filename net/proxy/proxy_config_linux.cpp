// SystemSource on Linux: the desktop's proxy settings.
//  - GNOME (and GNOME-based desktops): `gsettings list-recursively
//    org.gnome.system.proxy`, run asynchronously with a bound on its time and
//    output (Subprocess), only when gsettings is installed.
//  - KDE: ~/.config/kioslaverc, [Proxy Settings] (the file kreadconfig5
//    reads; read directly, small and bounded).
// "Automatic with a URL" becomes a PAC URL the owner follows; "automatic"
// without one is WPAD, which runs anyway.

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <asio/post.hpp>

#include "net/proxy/proxy_source.h"
#include "net/proxy/subprocess.h"
#include "net/proxy/system_proxy_parse.h"

namespace parley::net::detail {
namespace {

bool inPath(const std::string& tool) {
  const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe)
  std::string_view rest = path != nullptr ? path : "/usr/bin:/bin";
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    std::string candidate(rest.substr(0, colon));
    candidate += '/';
    candidate += tool;
    if (candidate.size() > tool.size() + 1 && ::access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  }
  return false;
}

class LinuxSystemSource : public ProxySource {
 public:
  LinuxSystemSource(asio::any_io_executor executor, std::chrono::milliseconds timeout)
      : executor_(std::move(executor)), timeout_(timeout) {}
  ~LinuxSystemSource() override { *alive_ = false; }

  const char* name() const override { return "system"; }

  void start(const DiscoveryTarget& target, Done done) override {
    target_ = target;
    done_ = std::move(done);
    readKde();
    if (!inPath("gsettings")) {
      asio::post(executor_, [this, alive = alive_] {
        if (*alive) {
          finish();
        }
      });
      return;
    }
    SubprocessOptions options;
    options.argv = {"gsettings", "list-recursively", "org.gnome.system.proxy"};
    options.search_path = true;
    options.timeout = std::min(timeout_, std::chrono::milliseconds(3000));
    options.max_output = 64 * 1024;
    gsettings_ =
        Subprocess::start(executor_, std::move(options),
                          [this](const Result<SubprocessOutput>& out) { onGsettings(out); });
  }

 private:
  void readKde() {
    std::string path;
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != '\0') {
      path = std::string(xdg) + "/kioslaverc";
    } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      path = std::string(home) + "/.config/kioslaverc";
    } else {
      return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return;
    }
    std::string text(64 * 1024, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    apply("KDE", parseKioslaverc(text));
  }

  void onGsettings(const Result<SubprocessOutput>& out) {
    if (!out) {
      result_.notes.push_back("system: gsettings: " + out.error().toString());
    } else if (out->exit_code == 0) {
      apply("GNOME", parseGsettingsProxy(out->out));
    }
    finish();  // last action
  }

  void apply(const char* desktop, const SystemProxyConfig& config) {
    using Mode = SystemProxyConfig::Mode;
    const std::string who = std::string("system: ") + desktop;
    switch (config.mode) {
      case Mode::None:
        result_.notes.push_back(who + " says no proxy");
        return;
      case Mode::Environment:
        result_.notes.push_back(who + " says: use the environment variables");
        return;
      case Mode::AutoDetect:
        result_.notes.push_back(who + " says: detect automatically (WPAD)");
        return;
      case Mode::AutoUrl:
        result_.notes.push_back(who + " names the PAC file " + config.pac_url);
        if (result_.follow_pac_url.empty()) {
          result_.follow_pac_url = config.pac_url;
        }
        return;
      case Mode::Manual:
        break;
    }
    if (!config.bypass.empty() && noProxyMatches(config.bypass, target_.host, target_.port)) {
      result_.notes.push_back(who + ": " + target_.host + " is in the proxy exceptions");
      return;
    }
    result_.notes.push_back(who + ": " + describeProxies(config.proxies));
    for (const auto& p : config.proxies) {
      if (std::find(result_.proxies.begin(), result_.proxies.end(), p) == result_.proxies.end()) {
        result_.proxies.push_back(p);
      }
    }
  }

  void finish() {
    auto done = std::move(done_);
    done_ = nullptr;
    if (result_.notes.empty()) {
      result_.notes.emplace_back("system: no desktop proxy settings found");
    }
    if (done) {
      done(std::move(result_));
    }
  }

  asio::any_io_executor executor_;
  std::chrono::milliseconds timeout_;
  DiscoveryTarget target_;
  Done done_;
  SourceResult result_;
  std::unique_ptr<Subprocess> gsettings_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ProxySource> makeSystemSource(asio::any_io_executor executor,
                                              std::chrono::milliseconds timeout) {
  return std::make_unique<LinuxSystemSource>(std::move(executor), timeout);
}

}  // namespace parley::net::detail
