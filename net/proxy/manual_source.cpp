// ManualSource: the proxies the user configured, as given; and
// EnvironmentSource: https_proxy / http_proxy / all_proxy / no_proxy.
// Both answer at once (posted, never synchronously).

#include <asio/post.hpp>

#include "net/proxy/proxy_source.h"

namespace parley::net::detail {

std::string DiscoveryTarget::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/";
}

std::string describeProxies(const std::vector<ProxyServer>& proxies) {
  std::string out;
  for (const auto& p : proxies) {
    if (!out.empty()) {
      out += ", ";
    }
    out += std::string(proxyKindName(p.kind)) + " " + proxyHostPort(p);
  }
  return out.empty() ? "nothing" : out;
}

namespace {

// Answers with a value computed at start(), on the executor.
class ImmediateSource : public ProxySource {
 public:
  ImmediateSource(asio::any_io_executor executor, const char* name,
                  std::function<SourceResult(const DiscoveryTarget&)> compute)
      : executor_(std::move(executor)), name_(name), compute_(std::move(compute)) {}
  ~ImmediateSource() override { *alive_ = false; }

  const char* name() const override { return name_; }

  void start(const DiscoveryTarget& target, Done done) override {
    asio::post(executor_,
               [alive = alive_, result = compute_(target), done = std::move(done)]() mutable {
                 if (*alive) {
                   done(std::move(result));
                 }
               });
  }

 private:
  asio::any_io_executor executor_;
  const char* name_;
  std::function<SourceResult(const DiscoveryTarget&)> compute_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ProxySource> makeManualSource(asio::any_io_executor executor,
                                              std::vector<ProxyServer> proxies) {
  return std::make_unique<ImmediateSource>(std::move(executor), "manual",
                                           [proxies = std::move(proxies)](const DiscoveryTarget&) {
                                             SourceResult r;
                                             r.proxies = proxies;
                                             for (auto& p : r.proxies) {
                                               p.origin = ProxyOrigin::Manual;
                                             }
                                             r.notes.push_back("manual: " +
                                                               describeProxies(r.proxies));
                                             return r;
                                           });
}

std::unique_ptr<ProxySource> makeEnvironmentSource(asio::any_io_executor executor,
                                                   EnvLookup lookup) {
  return std::make_unique<ImmediateSource>(
      std::move(executor), "env", [lookup = std::move(lookup)](const DiscoveryTarget& target) {
        EnvProxies env = proxiesFromEnvironment(lookup, target.host, target.port);
        SourceResult r;
        r.proxies = std::move(env.proxies);
        for (auto& note : env.notes) {
          r.notes.push_back("env: " + note);
        }
        if (r.notes.empty()) {
          r.notes.emplace_back("env: no proxy variables set");
        }
        return r;
      });
}

}  // namespace parley::net::detail
