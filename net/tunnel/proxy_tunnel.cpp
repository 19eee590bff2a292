#include "net/tunnel/proxy_tunnel.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include <asio/post.hpp>

#include "net/tunnel/curl_try.h"
#include "net/tunnel/gss_thread.h"
#include "net/tunnel/proxy_challenge.h"
#include "net/tunnel/tunnel_failure.h"

namespace parley::net {
namespace {

constexpr int kMaxPrompts = 3;

// True when the peer's end of the stream has already arrived, unread data
// aside: a peek that neither waits nor consumes.
bool closedAlready(asio::ip::tcp::socket& socket) {
  asio::error_code ec;
  socket.non_blocking(true, ec);
  std::array<char, 1> byte{};
  (void)socket.receive(asio::buffer(byte), asio::socket_base::message_peek, ec);
  const bool closed = ec == asio::error::eof;
  asio::error_code restore;
  socket.non_blocking(false, restore);
  return closed;
}

// Of the schemes a 407 offers, the strongest is tried first: a ticket or the
// Windows sign-in asks nobody, and a password is better hashed than sent.
int strength(AuthScheme scheme) {
  switch (scheme) {
    case AuthScheme::Negotiate:
      return 4;
    case AuthScheme::Ntlm:
      return 3;
    case AuthScheme::Digest:
      return 2;
    case AuthScheme::Basic:
      return 1;
  }
  return 1;
}

unsigned long curlAuth(AuthScheme scheme) {
  switch (scheme) {
    case AuthScheme::Ntlm:
      return CURLAUTH_NTLM;
    case AuthScheme::Digest:
      return CURLAUTH_DIGEST;
    case AuthScheme::Negotiate:
      return CURLAUTH_NEGOTIATE;
    case AuthScheme::Basic:
      return CURLAUTH_BASIC;
  }
  return CURLAUTH_BASIC;
}

// What this process's libcurl can do (docs/adr/0011: NTLM may be missing from
// a platform's curl built from 8.20 on).
bool curlSupports(AuthScheme scheme) {
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (scheme == AuthScheme::Ntlm) {
    return (info->features & CURL_VERSION_NTLM) != 0;
  }
  if (scheme == AuthScheme::Negotiate) {
    return (info->features & CURL_VERSION_SPNEGO) != 0 &&
           (info->features & (CURL_VERSION_GSSAPI | CURL_VERSION_SSPI)) != 0;
  }
  return true;
}

// Windows' SSPI signs in as the logged-on user when curl is given empty
// credentials, for NTLM as for Negotiate; GSS-API (Kerberos elsewhere) has a
// ticket cache for Negotiate only.
bool curlHasSspi() {
  return (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_SSPI) != 0;
}

bool loggedOnUserCan(AuthScheme scheme) {
  if (scheme == AuthScheme::Negotiate) {
    return curlSupports(scheme);
  }
  return scheme == AuthScheme::Ntlm && curlSupports(scheme) && curlHasSspi();
}

// What the progress line says a logged-on-user try uses.
std::string loggedOnUserText(AuthScheme scheme) {
  const std::string name(authSchemeName(scheme));
  if (curlHasSspi()) {
    return name + " (the Windows sign-in of this user)";
  }
  return name + " (Kerberos ticket)";
}

// What a password is asked for: an HTTP proxy's challenge, or none for the
// SOCKS5 user/password sub-negotiation (RFC 1929), which has neither scheme
// nor realm.
using PasswordFor = std::optional<AuthChallenge>;

std::string schemeText(const PasswordFor& what) {
  return what ? std::string(authSchemeName(what->scheme)) : "SOCKS5";
}

std::string describeChallenge(const PasswordFor& what) {
  if (!what || what->realm.empty()) {
    return schemeText(what);
  }
  return schemeText(what) + " realm=\"" + what->realm + "\"";
}

class TunnelCore : public std::enable_shared_from_this<TunnelCore> {
 public:
  TunnelCore(asio::any_io_executor executor, TunnelRequest request, ProxyTunnel::Progress progress,
             ProxyTunnel::Done done)
      : executor_(std::move(executor)),
        request_(std::move(request)),
        progress_(std::move(progress)),
        done_(std::move(done)),
        resolver_(executor_) {}

  void begin() {
    deadline_ = std::chrono::steady_clock::now() + request_.timeout;
    if (!request_.proxy.user.empty()) {
      configured_ = ProxyCredentials{request_.proxy.user, request_.proxy.password, {}};
    }
    target_ = request_.target_host;
    if (request_.proxy.kind != ProxyKind::Socks4) {
      firstTry();
      return;
    }
    // SOCKS4 carries an IPv4 address only: resolve the target here first.
    std::weak_ptr<TunnelCore> weak = weak_from_this();
    resolver_.async_resolve(
        asio::ip::tcp::v4(), request_.target_host, std::to_string(request_.target_port),
        [weak](const asio::error_code& ec, const asio::ip::tcp::resolver::results_type& results) {
          auto self = weak.lock();
          if (!self || self->finished_) {
            return;
          }
          if (ec || results.empty()) {
            self->fail(makeError(ErrorCode::ResolveFailed,
                                 self->request_.target_host +
                                     " does not resolve to an IPv4 address (SOCKS4 needs one)")
                           .error);
            return;
          }
          self->target_ = results.begin()->endpoint().address().to_string();
          self->firstTry();
        });
  }

  void cancel() {
    finished_ = true;
    progress_ = nullptr;
    done_ = nullptr;
    resolver_.cancel();
    try_.reset();
    dropGssTry();
    kept_.reset();
  }

 private:
  void firstTry() {
    if (tryRemembered()) {
      return;
    }
    TryConfig config = baseConfig();
    if (configured_) {
      // Without Negotiate: GSS-API never runs on the caller's thread.
      config.auth = CURLAUTH_ANY & ~CURLAUTH_NEGOTIATE;
      config.user = configured_->user;
      config.password = configured_->password;
      used_credentials_ = true;
    }
    runTry(config, false);
  }

  // The scheme this proxy asked for last time, used on the first CONNECT.
  bool tryRemembered() {
    if (request_.proxy.kind != ProxyKind::Http || !request_.auth_hints) {
      return false;
    }
    const auto hint = request_.auth_hints->lookup(proxyText());
    const auto scheme = hint ? authSchemeFromName(hint->scheme) : std::nullopt;
    if (!scheme || !curlSupports(*scheme)) {
      return false;
    }
    remembered_ = true;
    const AuthChallenge challenge{*scheme, hint->realm};
    if (*scheme == AuthScheme::Negotiate || (!configured_ && loggedOnUserCan(*scheme))) {
      runLoggedOnUser(challenge, ", remembered");
      return true;
    }
    if (configured_) {
      report(AttemptEvent::Stage::ProxyAuth, describeChallenge(challenge) + " (remembered)");
      if (finished_) {
        return true;
      }
      runWithCredentials(challenge, *configured_);
      return true;
    }
    prompt(challenge, false,
           "proxy " + proxyText() + " requires " + describeChallenge(challenge) +
               " (as it did before)");
    return true;
  }

  TryConfig baseConfig() const {
    TryConfig config;
    config.kind = request_.proxy.kind;
    config.proxy_host = request_.proxy.host;
    config.proxy_port = request_.proxy.port;
    config.proxy_address = request_.proxy_address;
    config.target_host = target_;
    config.target_port = request_.target_port;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    config.timeout = std::max(left, std::chrono::milliseconds(1));
    return config;
  }

  void runTry(const TryConfig& base, bool on_gss) {
    last_config_ = base;
    last_on_gss_ = on_gss;
    TryConfig config = base;
    config.home = executor_;
    // After a 407 the next CONNECT goes on the same connection when the
    // proxy keeps it open: one TCP handshake fewer (docs/tunnels.md).
    config.reuse = std::move(kept_);
    const int generation = ++generation_;
    std::weak_ptr<TunnelCore> weak = weak_from_this();
    auto main = executor_;
    auto connected = [weak, main, generation] {
      asio::post(main, [weak, generation] {
        auto self = weak.lock();
        if (self && !self->finished_ && generation == self->generation_) {
          self->reportTcp("connected to proxy " + proxyHostPort(self->request_.proxy));
        }
      });
    };
    auto done = [weak, main, generation](TryOutcome outcome) {
      asio::post(main, [weak, generation, outcome = std::move(outcome)]() mutable {
        auto self = weak.lock();
        if (self && !self->finished_ && generation == self->generation_) {
          self->onOutcome(std::move(outcome));
        }
      });
    };
    if (!on_gss) {
      try_.reset();
      driver_ = driver_ ? driver_ : CurlDriver::forExecutor(executor_);
      try_ = CurlTry::start(driver_, config, connected, done);
      if (!try_->started()) {
        done(try_->takeStartError());
        try_.reset();
      }
      return;
    }
    dropGssTry();
    gss_ = gss_ ? gss_ : GssThread::acquire();
    auto holder = std::make_shared<std::unique_ptr<CurlTry>>();
    gss_try_ = holder;
    auto gss_executor = gss_->executor();
    asio::post(gss_executor, [holder, gss_executor, config, connected, done] {
      auto driver = CurlDriver::forExecutor(gss_executor);
      *holder = CurlTry::start(driver, config, connected, [holder, done](TryOutcome outcome) {
        done(std::move(outcome));
        holder->reset();  // on the GSS thread, where its driver lives
      });
      if (!(*holder)->started()) {
        done((*holder)->takeStartError());
        holder->reset();
      }
    });
  }

  void dropGssTry() {
    if (gss_try_ && gss_) {
      asio::post(gss_->executor(), [holder = std::move(gss_try_)] { holder->reset(); });
    }
    gss_try_.reset();
    if (finished_) {
      gss_.reset();  // the last user joins the GSS thread (after the reset above)
    }
  }

  void reportTcp(std::string detail) {
    if (tcp_reported_) {
      return;
    }
    tcp_reported_ = true;
    report(AttemptEvent::Stage::TcpConnected, std::move(detail));
  }

  void report(AttemptEvent::Stage stage, std::string detail) {
    if (progress_ && !finished_) {
      auto keep = shared_from_this();
      progress_(stage, std::move(detail));
    }
  }

  void fail(Error error) {
    if (finished_) {
      return;
    }
    auto done = std::move(done_);
    cancel();
    if (done) {
      done(makeError(std::move(error)));
    }
  }

  [[nodiscard]] std::string proxyText() const { return proxyHostPort(request_.proxy); }
  [[nodiscard]] std::string targetText() const { return targetHostPort(request_); }

  void onOutcome(TryOutcome outcome) {
    try_.reset();
    gss_try_.reset();  // already reset on the GSS thread by its done hook
    const bool was_gss = gss_try_active_;
    gss_try_active_ = false;
    kept_ = std::move(outcome.kept);
    if (outcome.reused_connection && outcome.connect_code == 0 && outcome.code != CURLE_OK &&
        outcome.code != CURLE_OPERATION_TIMEDOUT && !fresh_retry_done_) {
      // The kept connection ended before the proxy answered on it (it may
      // close an idle one at any time): the same try once on a new one.
      fresh_retry_done_ = true;
      gss_try_active_ = was_gss;
      runTry(last_config_, last_on_gss_);
      return;
    }
    if (outcome.tcp_connected) {
      reportTcp("connected to proxy " + proxyText());
    }
    if (outcome.code == CURLE_OK && outcome.socket) {
      succeed(std::move(outcome));
      return;
    }
    const bool http = request_.proxy.kind == ProxyKind::Http;
    if (http && !outcome.headers_too_large &&
        (outcome.connect_code == 407 ||
         (was_gss && (outcome.code == CURLE_AUTH_ERROR || outcome.code == CURLE_LOGIN_DENIED)))) {
      onHttpAuth(outcome);
      return;
    }
    if (request_.proxy.kind == ProxyKind::Socks5 && outcome.code == CURLE_PROXY &&
        (outcome.proxy_error == CURLPX_NO_AUTH || outcome.proxy_error == CURLPX_USER_REJECTED)) {
      prompt(std::nullopt, used_credentials_ || outcome.proxy_error == CURLPX_USER_REJECTED,
             "SOCKS5 proxy " + proxyText() + " requires a user name and password");
      return;
    }
    fail(describeTryFailure(outcome, request_, tcp_reported_));
  }

  void onHttpAuth(const TryOutcome& outcome) {
    if (!outcome.challenges.empty()) {
      offered_.clear();
      for (const auto& value : outcome.challenges) {
        auto challenge = parseProxyChallenge(value);
        if (challenge && curlSupports(challenge->scheme)) {
          offered_.push_back(*challenge);
        }
      }
      std::stable_sort(offered_.begin(), offered_.end(), [](const auto& a, const auto& b) {
        return strength(a.scheme) > strength(b.scheme);
      });
    }
    if (offered_.empty()) {
      fail(Error{ErrorCode::ProxyAuthRequired,
                 "proxy " + proxyText() +
                     " requires authentication (407) with a scheme Parley "
                     "does not support" +
                     (outcome.challenges.empty() ? "" : ": " + outcome.challenges.front())});
      return;
    }
    const AuthChallenge& strongest = offered_.front();
    if (loggedOnUserCan(strongest.scheme) && !logged_on_tried_ &&
        (strongest.scheme == AuthScheme::Negotiate || !configured_)) {
      runLoggedOnUser(strongest, "");
      return;
    }
    const AuthChallenge* password_scheme = nullptr;
    for (const auto& challenge : offered_) {
      if (challenge.scheme != AuthScheme::Negotiate) {
        password_scheme = &challenge;
        break;
      }
    }
    if (password_scheme == nullptr) {
      fail(Error{ErrorCode::ProxyAuthRequired,
                 "proxy " + proxyText() +
                     (curlHasSspi() ? " requires Negotiate and did not accept the Windows sign-in "
                                      "of this user"
                                    : " requires Negotiate (Kerberos) and did not accept this "
                                      "session's ticket (is there one? see klist/kinit)")});
      return;
    }
    // Credentials sent with a scheme the proxy no longer offers (a remembered
    // Basic to a proxy that now wants Digest) were not judged, only ignored.
    const bool judged =
        !tried_scheme_ || std::any_of(offered_.begin(), offered_.end(), [this](const auto& c) {
          return c.scheme == tried_scheme_->scheme;
        });
    prompt(*password_scheme, used_credentials_ && judged,
           "proxy " + proxyText() + " requires " + describeChallenge(*password_scheme));
  }

  // Signs in as the logged-on user (no password asked): Negotiate with the
  // Kerberos ticket, or on Windows NTLM/Negotiate with the logon session. On
  // the GSS thread, because either may block on a KDC.
  void runLoggedOnUser(const AuthChallenge& challenge, const std::string& note) {
    logged_on_tried_ = true;
    std::string text = loggedOnUserText(challenge.scheme);
    if (!note.empty()) {
      text.insert(text.size() - 1, note);
    }
    report(AttemptEvent::Stage::ProxyAuth, text);
    if (finished_) {
      return;
    }
    TryConfig config = baseConfig();
    config.logged_on_user = true;
    config.auth = curlAuth(challenge.scheme);
    gss_try_active_ = true;
    tried_scheme_ = challenge;
    runTry(config, true);
  }

  void prompt(const PasswordFor& challenge, bool previous_failed, const std::string& why) {
    if (request_.credentials == nullptr) {
      fail(Error{ErrorCode::ProxyAuthRequired, why + " and no credentials were given"});
      return;
    }
    if (prompts_ >= kMaxPrompts) {
      fail(Error{ErrorCode::ProxyAuthRequired,
                 why + "; the credentials were refused " + std::to_string(prompts_) + " times"});
      return;
    }
    ++prompts_;
    report(AttemptEvent::Stage::ProxyAuth,
           describeChallenge(challenge) + (remembered_ && prompts_ == 1 ? " (remembered)" : ""));
    if (finished_) {
      return;
    }
    // The time a person takes to answer does not count against the tunnel.
    paused_left_ = deadline_ - std::chrono::steady_clock::now();
    ProxyAuthChallenge question;
    question.proxy = request_.proxy;
    question.proxy.user.clear();
    question.proxy.password.clear();
    question.scheme = schemeText(challenge);
    question.realm = challenge ? challenge->realm : std::string();
    question.previous_failed = previous_failed;
    const int generation = ++generation_;
    std::weak_ptr<TunnelCore> weak = weak_from_this();
    auto main = executor_;
    request_.credentials->requestCredentials(question, [weak, main, generation, challenge, why](
                                                           std::optional<ProxyCredentials> answer) {
      asio::post(main, [weak, generation, challenge, why, answer = std::move(answer)] {
        auto self = weak.lock();
        if (self && !self->finished_ && generation == self->generation_) {
          self->onAnswer(challenge, why, answer);
        }
      });
    });
  }

  void onAnswer(const PasswordFor& challenge, const std::string& why,
                const std::optional<ProxyCredentials>& answer) {
    if (!answer) {
      fail(Error{ErrorCode::ProxyAuthRequired, why + "; no credentials were entered"});
      return;
    }
    deadline_ = std::chrono::steady_clock::now() + paused_left_;
    runWithCredentials(challenge, *answer);
  }

  void runWithCredentials(const PasswordFor& challenge, const ProxyCredentials& credentials) {
    TryConfig config = baseConfig();
    config.auth = curlAuth(challenge ? challenge->scheme : AuthScheme::Basic);
    config.user = credentials.user;
    if (challenge && challenge->scheme == AuthScheme::Ntlm && !credentials.domain.empty()) {
      config.user = credentials.domain + "\\" + credentials.user;
    }
    config.password = credentials.password;
    used_credentials_ = true;
    tried_scheme_ = challenge;
    runTry(config, false);
  }

  void succeed(TryOutcome outcome) {
    asio::ip::tcp::socket socket = std::move(*outcome.socket);
    // A proxy that says 200 and hangs up at once: seen here when the close has
    // already arrived; a later close is left to the TLS stage.
    if (closedAlready(socket)) {
      fail(Error{ErrorCode::ConnectionClosed, "proxy " + proxyText() + " accepted the tunnel to " +
                                                  targetText() + " but closed it at once"});
      return;
    }
    learnScheme(outcome);
    if (!tcp_reported_) {
      reportTcp("connected to proxy " + proxyText() + " after " +
                std::to_string(outcome.connect_time_us / 1000) + " ms (time reported by curl)");
    }
    report(AttemptEvent::Stage::TunnelUp,
           request_.proxy.kind == ProxyKind::Http && !outcome.status_line.empty()
               ? outcome.status_line
               : std::string(proxyKindName(request_.proxy.kind)) + " tunnel to " + targetText());
    if (finished_) {
      return;
    }
    auto done = std::move(done_);
    cancel();
    if (done) {
      done(std::move(socket));
    }
  }

  // What the next tunnel through this proxy should start with.
  void learnScheme(const TryOutcome& outcome) {
    if (request_.proxy.kind != ProxyKind::Http || !request_.auth_hints) {
      return;
    }
    std::optional<AuthChallenge> used = tried_scheme_;
    if (!used && outcome.proxyauth_avail != 0) {
      // The configured credentials went with CURLAUTH_ANY: curl took the
      // strongest scheme the 407 offered (never Negotiate, which is excluded).
      for (const AuthScheme scheme : {AuthScheme::Ntlm, AuthScheme::Digest, AuthScheme::Basic}) {
        if ((outcome.proxyauth_avail & static_cast<long>(curlAuth(scheme))) != 0) {
          used = AuthChallenge{scheme, ""};
          for (const auto& value : outcome.earlier_challenges) {
            const auto offered = parseProxyChallenge(value);
            if (offered && offered->scheme == scheme) {
              used->realm = offered->realm;
            }
          }
          break;
        }
      }
    }
    if (used) {
      request_.auth_hints->remember(proxyText(),
                                    ProxyAuthHint{std::string(authSchemeName(used->scheme)),
                                                  used->realm});
    } else {
      request_.auth_hints->forget(proxyText());  // it let us through without asking
    }
  }

  asio::any_io_executor executor_;
  TunnelRequest request_;
  ProxyTunnel::Progress progress_;
  ProxyTunnel::Done done_;
  asio::ip::tcp::resolver resolver_;
  std::shared_ptr<CurlDriver> driver_;
  std::unique_ptr<CurlTry> try_;
  std::shared_ptr<GssThread> gss_;
  std::shared_ptr<std::unique_ptr<CurlTry>> gss_try_;
  bool gss_try_active_ = false;
  std::string target_;
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::duration paused_left_{};
  std::optional<ProxyCredentials> configured_;
  std::vector<AuthChallenge> offered_;
  std::optional<AuthChallenge>
      tried_scheme_;                      // the scheme of the try in flight, when one was chosen
  std::shared_ptr<KeptConnection> kept_;  // the connection the last 407 left open
  TryConfig last_config_;                 // the try in flight, for a retry on a new connection
  bool last_on_gss_ = false;
  bool fresh_retry_done_ = false;
  int generation_ = 0;
  int prompts_ = 0;
  bool used_credentials_ = false;
  bool logged_on_tried_ = false;  // the logged-on user's credentials were tried
  bool remembered_ = false;       // the first try used the scheme from auth_hints
  bool tcp_reported_ = false;
  bool finished_ = false;
};

class TunnelHandle final : public ProxyTunnel {
 public:
  explicit TunnelHandle(std::shared_ptr<TunnelCore> core) : core_(std::move(core)) {}
  ~TunnelHandle() override { core_->cancel(); }
  TunnelHandle(const TunnelHandle&) = delete;
  TunnelHandle& operator=(const TunnelHandle&) = delete;

 private:
  std::shared_ptr<TunnelCore> core_;
};

}  // namespace

std::unique_ptr<ProxyTunnel> ProxyTunnel::start(asio::any_io_executor executor,
                                                TunnelRequest request, Progress progress,
                                                Done done) {
  auto core = std::make_shared<TunnelCore>(std::move(executor), std::move(request),
                                           std::move(progress), std::move(done));
  core->begin();
  return std::make_unique<TunnelHandle>(std::move(core));
}

}  // namespace parley::net
