#include "app/parley-cli/network_options.h"

#include <cstdlib>
#include <iostream>
#include <mutex>

#include "app/parley-cli/stored_secrets.h"
#include "net/proxy/proxy_url.h"

namespace parley::cli {
namespace {

// Answers each challenge with the credentials from the command line, once per
// proxy and scheme: a second 407 means they are wrong, and asking again would
// loop.
class CliCredentialProvider final : public net::ProxyCredentialProvider {
 public:
  CliCredentialProvider(std::string user, std::string password)
      : user_(std::move(user)), password_(std::move(password)) {}

  void requestCredentials(const net::ProxyAuthChallenge& challenge, Answer answer) override {
    if (user_.empty() || challenge.previous_failed) {
      answer(std::nullopt);
      return;
    }
    net::ProxyCredentials credentials;
    credentials.password = password_;
    const auto slash = user_.find('\\');
    if (slash != std::string::npos) {
      credentials.domain = user_.substr(0, slash);
      credentials.user = user_.substr(slash + 1);
    } else {
      credentials.user = user_;
    }
    answer(std::move(credentials));
  }

 private:
  std::string user_;
  std::string password_;
};

}  // namespace

void addNetworkOptions(CLI::App& command, NetworkOptions& options) {
  command.add_option("--proxy", options.proxies,
                     "HTTP proxy to try, http://[user:password@]host:port (repeatable)");
  command.add_option("--socks", options.socks,
                     "SOCKS server to try, socks4://, socks4a:// or socks5://host:port "
                     "(repeatable)");
  command.add_option("--pac", options.pac, "proxy auto-config (PAC) URL");
  command.add_flag("--no-auto", options.no_auto,
                   "no auto-detection (environment, system settings, WPAD, default names)");
  command.add_flag("--no-direct", options.no_direct,
                   "do not try the server directly: only proxies and SOCKS servers");
  command.add_option("--proxy-user", options.proxy_user,
                     "user name for proxies that ask ([DOMAIN\\]user); the password comes from "
                     "PARLEY_PROXY_PASSWORD");
  command
      .add_option("--race-timeout", options.race_timeout_s,
                  "seconds before the whole connection race gives up")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 600.0));
}

Result<net::RaceSettings> makeRaceSettings(const NetworkOptions& options) {
  net::RaceSettings settings;
  for (const auto& url : options.proxies) {
    auto proxy = net::parseProxyUrl(url, net::ProxyKind::Http);
    if (!proxy) {
      return makeError(ErrorCode::InvalidArgument, "--proxy " + url + ": " + proxy.error().detail);
    }
    if (proxy.value().kind != net::ProxyKind::Http) {
      return makeError(ErrorCode::InvalidArgument,
                       "--proxy " + url + ": give SOCKS servers with --socks");
    }
    settings.proxies.manual.push_back(std::move(proxy).value());
  }
  for (const auto& url : options.socks) {
    auto proxy = net::parseProxyUrl(url, net::ProxyKind::Socks5);
    if (!proxy) {
      return makeError(ErrorCode::InvalidArgument, "--socks " + url + ": " + proxy.error().detail);
    }
    if (proxy.value().kind == net::ProxyKind::Http) {
      return makeError(ErrorCode::InvalidArgument,
                       "--socks " + url + ": give HTTP proxies with --proxy");
    }
    settings.proxies.manual.push_back(std::move(proxy).value());
  }
  settings.proxies.pac_url = options.pac;
  settings.try_direct = !options.no_direct;
  settings.proxies.auto_detect = !options.no_auto;
  settings.proxies.default_names = !options.no_auto;
  settings.options.race_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.race_timeout_s * 1000.0));
  settings.credentials =
      std::make_shared<CliCredentialProvider>(options.proxy_user, options.proxy_user.empty()
                                                                      ? std::string()
                                                                      : proxyPassword());
  settings.auth_hints = net::ProxyAuthHints::forThisUser();
  static std::once_flag said;
  std::call_once(said, [&hints = *settings.auth_hints] {
    if (!hints.loadProblem().empty()) {
      std::cerr << "parley-cli: " << hints.loadProblem() << '\n';
    }
  });
  return settings;
}

}  // namespace parley::cli
