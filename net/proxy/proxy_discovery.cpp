// ProxyDiscoveryImpl: starts every applicable ProxySource at once, hands each
// new proxy to the race as soon as a source yields it (deduplicated: the
// first origin wins), and says `finished` once, when every source answered
// or settings.timeout passed.
//
// Sources: manual; and with auto_detect: environment, system settings, and
// WPAD unless an explicit PAC URL is set; the PAC URL; the default names
// (socks-server:1080 at once when it resolves; web-proxy:8088 held back and
// handed out at the end only when no automatic source found an HTTP proxy).

#include <algorithm>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include "net/proxy/proxy_discovery.h"
#include "net/proxy/proxy_source.h"

namespace parley::net {
namespace {

using detail::DiscoveryTarget;
using detail::ProxySource;
using detail::SourceResult;

class ProxyDiscoveryImpl : public ProxyDiscovery {
 public:
  ProxyDiscoveryImpl(asio::any_io_executor executor, ProxySettings settings,
                     detail::DiscoverySeams seams)
      : executor_(std::move(executor)),
        settings_(std::move(settings)),
        seams_(std::move(seams)),
        timer_(executor_) {}

  ~ProxyDiscoveryImpl() override {
    *alive_ = false;
    try {
      timer_.cancel();
      slots_.clear();  // kills a running PAC helper, closes sockets
    } catch (...) {    // NOLINT(bugprone-empty-catch): nothing to do in a destructor
    }
  }

  void discover(const std::string& target_host, std::uint16_t target_port, Found found,
                Finished finished) override {
    target_.host = target_host;
    target_.port = target_port;
    found_ = std::move(found);
    finished_ = std::move(finished);

    if (!settings_.manual.empty()) {
      add(detail::makeManualSource(executor_, settings_.manual), false);
    }
    if (settings_.auto_detect) {
      add(detail::makeEnvironmentSource(executor_, seams_.environment ? seams_.environment
                                                                      : processEnvironment()),
          false);
      if (seams_.system_settings) {
        add(detail::makeSystemSource(executor_, settings_.timeout), false);
      }
      if (settings_.pac_url.empty() && seams_.wpad) {
        detail::WpadOptions wpad;
        wpad.evaluator = evaluatorOptions();
        wpad.fetch_timeout = settings_.timeout;
        add(detail::makeWpadSource(executor_, std::move(wpad)), false);
      }
    }
    if (!settings_.pac_url.empty()) {
      addPac(settings_.pac_url);
    }
    if (settings_.default_names) {
      add(detail::makeDefaultNameSource(executor_, seams_.socks_server_name, 1080,
                                        {ProxyKind::Socks5, ProxyKind::Socks4}),
          false);
      add(detail::makeDefaultNameSource(executor_, seams_.web_proxy_name, 8088, {ProxyKind::Http}),
          true);
    }
    timer_.expires_after(settings_.timeout);
    timer_.async_wait([this, alive = alive_](const asio::error_code& ec) {
      if (!ec && *alive) {
        onTimeout();
      }
    });
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      startSlot(i);
    }
    if (slots_.empty()) {
      asio::post(executor_, [this, alive = alive_] {
        if (*alive) {
          maybeFinish();
        }
      });
    }
  }

 private:
  struct Slot {
    std::unique_ptr<ProxySource> source;
    bool held_back = false;  // web-proxy: handed out only at the end
    bool done = false;
    SourceResult held;
  };

  PacEvaluatorOptions evaluatorOptions() const {
    PacEvaluatorOptions options;
    options.helper_path = settings_.pac_helper_path;
    options.timeout = std::min(settings_.timeout, std::chrono::milliseconds(5000));
    return options;
  }

  void add(std::unique_ptr<ProxySource> source, bool held_back) {
    Slot slot;
    slot.source = std::move(source);
    slot.held_back = held_back;
    slots_.push_back(std::move(slot));
  }

  void addPac(const std::string& url) {
    if (std::find(pac_urls_.begin(), pac_urls_.end(), url) != pac_urls_.end()) {
      return;
    }
    pac_urls_.push_back(url);
    detail::PacSourceOptions pac;
    pac.url = url;
    pac.origin = ProxyOrigin::Pac;
    pac.evaluator = evaluatorOptions();
    pac.fetch_timeout = settings_.timeout;
    add(detail::makePacSource(executor_, std::move(pac)), false);
  }

  void startSlot(std::size_t i) {
    slots_[i].source->start(target_, [this, i, alive = alive_](SourceResult result) {
      // The source's last action; continue on a fresh stack so that this
      // object may destroy sources (and be destroyed) freely.
      asio::post(executor_, [this, i, alive, result = std::move(result)]() mutable {
        if (*alive) {
          onSourceDone(i, std::move(result));
        }
      });
    });
  }

  void onSourceDone(std::size_t i, SourceResult result) {
    if (finished_called_ || slots_[i].done) {
      return;
    }
    slots_[i].done = true;
    const std::string follow = result.follow_pac_url;
    if (slots_[i].held_back) {
      slots_[i].held = std::move(result);
    } else {
      if (result.pac_answered && !result.pac_direct) {
        direct_allowed_ = false;
      }
      const auto alive = alive_;
      deliver(std::move(result));
      if (!*alive) {
        return;
      }
    }
    if (!follow.empty() && !finished_called_) {
      const std::size_t before = slots_.size();
      addPac(follow);
      if (slots_.size() > before) {
        startSlot(before);
      }
    }
    maybeFinish();
  }

  // Hands the new proxies of `result` to the race (dedupe: first origin wins).
  void deliver(SourceResult result) {
    std::vector<ProxyServer> fresh;
    for (auto& p : result.proxies) {
      if (std::find(seen_.begin(), seen_.end(), p) != seen_.end()) {
        continue;
      }
      if (p.kind == ProxyKind::Http && p.origin != ProxyOrigin::Manual &&
          p.origin != ProxyOrigin::Default) {
        auto_found_http_ = true;
      }
      seen_.push_back(p);
      fresh.push_back(std::move(p));
    }
    std::string note;
    for (auto& n : result.notes) {
      if (!note.empty()) {
        note += "; ";
      }
      note += n;
      notes_.push_back(std::move(n));
    }
    if (!fresh.empty() && found_) {
      found_(std::move(fresh), std::move(note));  // may destroy this object
    }
  }

  void maybeFinish() {
    if (finished_called_) {
      return;
    }
    for (const Slot& s : slots_) {
      if (!s.done) {
        return;
      }
    }
    finish();
  }

  void onTimeout() {
    if (finished_called_) {
      return;
    }
    for (Slot& s : slots_) {
      if (!s.done) {
        s.done = true;
        notes_.push_back(std::string(s.source->name()) + ": no answer within " +
                         std::to_string(settings_.timeout.count()) + " ms");
        s.source.reset();  // cancels it (kills a PAC helper)
      }
    }
    finish();
  }

  void finish() {
    // The held-back default web-proxy, when nothing automatic found HTTP.
    for (Slot& s : slots_) {
      if (s.held_back && s.done && !s.held.proxies.empty()) {
        SourceResult held = std::move(s.held);
        s.held = {};
        if (auto_found_http_) {
          notes_.emplace_back("default: web-proxy not used, an HTTP proxy was detected");
          continue;
        }
        const auto alive = alive_;
        deliver(std::move(held));
        if (!*alive) {
          return;
        }
      } else if (s.held_back && s.done) {
        for (auto& n : s.held.notes) {
          notes_.push_back(std::move(n));
        }
        s.held = {};
      }
    }
    finished_called_ = true;
    timer_.cancel();
    auto finished = std::move(finished_);
    finished_ = nullptr;
    if (finished) {
      finished(direct_allowed_, notes_);  // may destroy this object
    }
  }

  asio::any_io_executor executor_;
  ProxySettings settings_;
  detail::DiscoverySeams seams_;
  asio::steady_timer timer_;
  DiscoveryTarget target_;
  Found found_;
  Finished finished_;
  std::vector<Slot> slots_;
  std::vector<std::string> pac_urls_;
  std::vector<ProxyServer> seen_;
  std::vector<std::string> notes_;
  bool direct_allowed_ = true;
  bool auto_found_http_ = false;
  bool finished_called_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

std::unique_ptr<ProxyDiscovery> ProxyDiscovery::create(asio::any_io_executor executor,
                                                       ProxySettings settings) {
  return std::make_unique<ProxyDiscoveryImpl>(std::move(executor), std::move(settings),
                                              detail::DiscoverySeams{});
}

namespace detail {

std::unique_ptr<ProxyDiscovery> createProxyDiscoveryForTest(asio::any_io_executor executor,
                                                            ProxySettings settings,
                                                            DiscoverySeams seams) {
  return std::make_unique<ProxyDiscoveryImpl>(std::move(executor), std::move(settings),
                                              std::move(seams));
}

}  // namespace detail

}  // namespace parley::net
