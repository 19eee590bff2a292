// DefaultNameSource: a conventional proxy name (socks-server, web-proxy) that
// counts when it resolves. The lookup runs off the loop (NameLookup).

#include "net/proxy/name_lookup.h"
#include "net/proxy/proxy_source.h"

namespace parley::net::detail {
namespace {

class DefaultNameSource : public ProxySource {
 public:
  DefaultNameSource(asio::any_io_executor executor, std::string name, std::uint16_t port,
                    std::vector<ProxyKind> kinds)
      : executor_(std::move(executor)),
        name_(std::move(name)),
        port_(port),
        kinds_(std::move(kinds)) {}
  ~DefaultNameSource() override { *alive_ = false; }

  const char* name() const override { return "default"; }

  void start(const DiscoveryTarget& /*target*/, Done done) override {
    done_ = std::move(done);
    lookup_ =
        NameLookup::start(executor_, name_,
                          [this, alive = alive_](const std::vector<asio::ip::address>& addresses) {
                            if (*alive) {
                              onResolved(!addresses.empty());
                            }
                          });
  }

 private:
  void onResolved(bool resolved) {
    SourceResult r;
    if (!resolved) {
      r.notes.push_back("default: " + name_ + " does not resolve");
    } else {
      for (ProxyKind kind : kinds_) {
        ProxyServer p;
        p.kind = kind;
        p.host = name_;
        p.port = port_;
        p.origin = ProxyOrigin::Default;
        r.proxies.push_back(std::move(p));
      }
      r.notes.push_back("default: " + name_ + " resolves -> " + describeProxies(r.proxies));
    }
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) {
      done(std::move(r));
    }
  }

  asio::any_io_executor executor_;
  std::unique_ptr<NameLookup> lookup_;
  std::string name_;
  std::uint16_t port_;
  std::vector<ProxyKind> kinds_;
  Done done_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ProxySource> makeDefaultNameSource(asio::any_io_executor executor, std::string name,
                                                   std::uint16_t port,
                                                   std::vector<ProxyKind> kinds) {
  return std::make_unique<DefaultNameSource>(std::move(executor), std::move(name), port,
                                             std::move(kinds));
}

}  // namespace parley::net::detail
