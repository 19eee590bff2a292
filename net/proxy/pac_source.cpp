// PacSource: fetches a PAC file (PacFetch) and evaluates FindProxyForURL for
// the target in parley-pac-helper (evaluatePac); the answer becomes proxies
// in the script's order (parsePacResult).

#include "net/proxy/pac_fetch.h"
#include "net/proxy/pac_result.h"
#include "net/proxy/proxy_source.h"

namespace parley::net::detail {
namespace {

class PacSource : public ProxySource {
 public:
  PacSource(asio::any_io_executor executor, PacSourceOptions options)
      : executor_(std::move(executor)), options_(std::move(options)) {}

  const char* name() const override {
    return options_.origin == ProxyOrigin::Wpad ? "wpad" : "pac";
  }

  void start(const DiscoveryTarget& target, Done done) override {
    target_ = target;
    done_ = std::move(done);
    fetch_ = PacFetch::start(
        executor_, options_.url, options_.fetch_timeout,
        [this](Result<std::string> body) { onBody(std::move(body)); }, kMaxPacFileSize,
        options_.addresses);
  }

 private:
  std::string prefix() const { return std::string(name()) + ": " + options_.url; }

  void fail(const std::string& why) {
    SourceResult r;
    r.notes.push_back(prefix() + " -> " + why);
    finish(std::move(r));
  }

  void finish(SourceResult r) {
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) {
      done(std::move(r));  // last action: the owner may destroy us here
    }
  }

  void onBody(Result<std::string> body) {
    if (!body) {
      fail(body.error().toString());
      return;
    }
    eval_ = evaluatePac(executor_, options_.evaluator, *body, target_.url(), target_.host,
                        [this](Result<std::string> answer) { onAnswer(std::move(answer)); });
  }

  void onAnswer(Result<std::string> answer) {
    if (!answer) {
      fail(answer.error().detail);
      return;
    }
    auto parsed = parsePacResult(*answer);
    if (!parsed) {
      fail("'" + answer->substr(0, 200) + "': " + parsed.error().detail);
      return;
    }
    SourceResult r;
    r.proxies = std::move(parsed->proxies);
    for (auto& p : r.proxies) {
      p.origin = options_.origin;
    }
    r.pac_answered = true;
    r.pac_direct = parsed->direct;
    r.notes.push_back(prefix() + " -> " + answer->substr(0, 200));
    for (const auto& skipped : parsed->skipped) {
      r.notes.push_back(std::string(name()) + ": " + skipped);
    }
    finish(std::move(r));
  }

  asio::any_io_executor executor_;
  PacSourceOptions options_;
  DiscoveryTarget target_;
  Done done_;
  std::unique_ptr<PacFetch> fetch_;
  std::unique_ptr<Subprocess> eval_;
};

}  // namespace

std::unique_ptr<ProxySource> makePacSource(asio::any_io_executor executor,
                                           PacSourceOptions options) {
  return std::make_unique<PacSource>(std::move(executor), std::move(options));
}

}  // namespace parley::net::detail
