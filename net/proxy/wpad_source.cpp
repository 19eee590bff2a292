// WpadSource: Web Proxy Auto-Discovery. First DHCP option 252 (where the OS
// leaves it), then the DNS walk wpad.<domain> from the machine's domain
// (wpad.h). All candidate names are resolved at once (NameLookup); the most specific one
// that resolves is fetched (http://wpad.<domain>/wpad.dat, from the addresses
// that lookup found) and evaluated by
// a PacSource (origin Wpad). When a candidate's PAC fails, the next one is
// tried.

#include <unistd.h>

#include <fstream>

#include <asio/post.hpp>

#include "net/proxy/name_lookup.h"
#include "net/proxy/proxy_source.h"
#include "net/proxy/wpad.h"

namespace parley::net::detail {
namespace {

std::string readSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(64 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

class WpadSource : public ProxySource {
 public:
  WpadSource(asio::any_io_executor executor, WpadOptions options)
      : executor_(std::move(executor)), options_(std::move(options)) {}
  ~WpadSource() override { *alive_ = false; }

  const char* name() const override { return "wpad"; }

  void start(const DiscoveryTarget& target, Done done) override {
    target_ = target;
    done_ = std::move(done);
    if (options_.use_dhcp) {
      std::vector<std::string> dhcp_notes;
      dhcp_url_ = dhcpWpadUrl(options_.lease_files, dhcp_notes);
      for (auto& n : dhcp_notes) {
        notes_.push_back("wpad: " + n);
      }
    }
    if (options_.use_dns) {
      std::string hostname = options_.hostname;
      if (hostname.empty()) {
        char buf[256] = {};
        if (::gethostname(buf, sizeof buf - 1) == 0) {
          hostname = buf;
        }
      }
      const std::string domain = wpadDomain(readSmallFile(options_.resolv_conf), hostname);
      names_ = wpadCandidates(domain);
      if (names_.empty()) {
        notes_.push_back("wpad: no DNS domain to search (" + options_.resolv_conf +
                         ", host name '" + hostname + "')");
      }
    }
    resolved_.assign(names_.size(), Resolution::Pending);
    addresses_.assign(names_.size(), {});
    for (std::size_t i = 0; i < names_.size(); ++i) {
      lookups_.push_back(
          NameLookup::start(executor_, names_[i],
                            [this, i,
                             alive = alive_](const std::vector<asio::ip::address>& addresses) {
                              if (!*alive) {
                                return;
                              }
                              const bool resolved = !addresses.empty();
                              resolved_[i] = resolved ? Resolution::Resolved : Resolution::Failed;
                              addresses_[i] = addresses;
                              if (!resolved) {
                                notes_.push_back("wpad: " + names_[i] + " does not resolve");
                              }
                              advance();
                            }));
    }
    // Never answer synchronously.
    asio::post(executor_, [this, alive = alive_] {
      if (*alive) {
        advance();
      }
    });
  }

 private:
  enum class Resolution { Pending, Resolved, Failed };

  // The state machine: DHCP URL first, then the candidates in order.
  void advance() {
    if (pac_) {
      return;  // a PAC file is being fetched or evaluated
    }
    if (!dhcp_url_.empty() && !dhcp_tried_) {
      dhcp_tried_ = true;
      notes_.push_back("wpad: DHCP option 252 says " + dhcp_url_);
      runPac(dhcp_url_);
      return;
    }
    while (next_ < names_.size()) {
      if (resolved_[next_] == Resolution::Pending) {
        return;  // wait: a more specific name may still resolve
      }
      const std::size_t i = next_++;
      if (resolved_[i] == Resolution::Resolved) {
        // The fetch connects to what was just looked up: a second DNS query
        // for the same name would cost the sign-in another round trip.
        runPac("http://" + names_[i] + "/wpad.dat", addresses_[i]);
        return;
      }
    }
    SourceResult r;
    r.notes = std::move(notes_);
    r.notes.emplace_back("wpad: no WPAD server found");
    finish(std::move(r));
  }

  void runPac(const std::string& url, std::vector<asio::ip::address> addresses = {}) {
    PacSourceOptions pac;
    pac.url = url;
    pac.addresses = std::move(addresses);
    pac.origin = ProxyOrigin::Wpad;
    pac.evaluator = options_.evaluator;
    pac.fetch_timeout = options_.fetch_timeout;
    pac_ = makePacSource(executor_, std::move(pac));
    pac_->start(target_, [this, alive = alive_](SourceResult r) {
      // Called as PacSource's last action: keep it alive until we return.
      asio::post(executor_, [this, alive, r = std::move(r)]() mutable {
        if (!*alive) {
          return;
        }
        pac_.reset();
        for (auto& n : r.notes) {
          notes_.push_back(std::move(n));
        }
        if (r.pac_answered) {
          r.notes = std::move(notes_);
          finish(std::move(r));
          return;
        }
        advance();
      });
    });
  }

  void finish(SourceResult r) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) {
      done(std::move(r));
    }
  }

  asio::any_io_executor executor_;
  WpadOptions options_;
  DiscoveryTarget target_;
  Done done_;
  std::string dhcp_url_;
  bool dhcp_tried_ = false;
  std::vector<std::string> names_;
  std::vector<Resolution> resolved_;
  std::vector<std::vector<asio::ip::address>> addresses_;
  std::vector<std::unique_ptr<NameLookup>> lookups_;
  std::size_t next_ = 0;
  std::unique_ptr<ProxySource> pac_;
  std::vector<std::string> notes_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ProxySource> makeWpadSource(asio::any_io_executor executor, WpadOptions options) {
  return std::make_unique<WpadSource>(std::move(executor), std::move(options));
}

}  // namespace parley::net::detail
