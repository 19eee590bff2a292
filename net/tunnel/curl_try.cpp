#include "net/tunnel/curl_try.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "net/platform/socket_api.h"

namespace parley::net {

namespace {

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

long proxyType(ProxyKind kind) {
  switch (kind) {
    case ProxyKind::Http:
      return CURLPROXY_HTTP;
    case ProxyKind::Socks4:
      return CURLPROXY_SOCKS4;
    case ProxyKind::Socks4a:
      return CURLPROXY_SOCKS4A;
    case ProxyKind::Socks5:
      return CURLPROXY_SOCKS5_HOSTNAME;
  }
  return CURLPROXY_HTTP;
}

// PARLEY_CURL_VERBOSE: curl's trace with the credentials taken out.
int debugCallback(CURL* /*easy*/, curl_infotype type, char* data, std::size_t size,
                  void* /*user*/) {
  if (type != CURLINFO_TEXT && type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT) {
    return 0;
  }
  const char* prefix = type == CURLINFO_TEXT ? "* " : type == CURLINFO_HEADER_IN ? "< " : "> ";
  std::string_view text(data, size);
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end == std::string_view::npos ? text.size() : end + 1);
    text.remove_prefix(line.size());
    if (startsWithNoCase(line, "Proxy-Authorization:") ||
        startsWithNoCase(line, "Authorization:")) {
      line = line.substr(0, line.find(':') + 1);
      std::fprintf(stderr, "%s%.*s <redacted>\n", prefix, static_cast<int>(line.size()),
                   line.data());
      continue;
    }
    std::fprintf(stderr, "%s%.*s", prefix, static_cast<int>(line.size()), line.data());
  }
  return 0;
}

}  // namespace

std::unique_ptr<CurlTry> CurlTry::start(std::shared_ptr<CurlDriver> driver, const TryConfig& config,
                                        std::function<void()> connected, Done done) {
  std::unique_ptr<CurlTry> self(new CurlTry());
  self->driver_ = std::move(driver);
  self->home_ = config.home;
  self->connected_ = std::move(connected);
  self->done_ = std::move(done);
  self->reuse_ = config.reuse;
  CURL* easy = curl_easy_init();
  self->easy_ = easy;
  if (easy == nullptr) {
    self->outcome_.code = CURLE_OUT_OF_MEMORY;
    self->outcome_.error_text = "curl_easy_init failed";
    return self;
  }
  const std::string url =
      "http://" + bracketed(config.target_host) + ":" + std::to_string(config.target_port) + "/";
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_IGNORED));
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "");  // ignore no_proxy/NO_PROXY: only our settings
  curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, self->error_);
  if (std::getenv("PARLEY_CURL_VERBOSE") != nullptr) {  // debugging aid: curl's trace on stderr
    curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &debugCallback);
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
  }
  const std::string proxy = bracketed(config.proxy_host);
  curl_easy_setopt(easy, CURLOPT_PROXY, proxy.c_str());
  curl_easy_setopt(easy, CURLOPT_PROXYPORT, static_cast<long>(config.proxy_port));
  curl_easy_setopt(easy, CURLOPT_PROXYTYPE, proxyType(config.kind));
  if (config.kind == ProxyKind::Http) {
    curl_easy_setopt(easy, CURLOPT_HTTPPROXYTUNNEL, 1L);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &CurlTry::headerCallback);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, self.get());
  }
  if (!config.proxy_address.empty() && config.proxy_address != config.proxy_host) {
    // The DNS cache that CURLOPT_RESOLVE fills is also used for the proxy's
    // name (tests/net/tunnel checks it with an unresolvable name).
    const std::string entry = config.proxy_host + ":" + std::to_string(config.proxy_port) + ":" +
                              bracketed(config.proxy_address);
    self->resolve_ = curl_slist_append(nullptr, entry.c_str());
    curl_easy_setopt(easy, CURLOPT_RESOLVE, self->resolve_);
  }
  const long timeout_ms = std::max<long>(1, static_cast<long>(config.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (config.logged_on_user) {
    curl_easy_setopt(easy, CURLOPT_PROXYUSERPWD, ":");  // 7.88: else no GSS/SSPI attempt
    const unsigned long auth =
        config.auth != CURLAUTH_NONE ? config.auth : static_cast<unsigned long>(CURLAUTH_NEGOTIATE);
    curl_easy_setopt(easy, CURLOPT_PROXYAUTH, auth);
  } else if (config.auth != CURLAUTH_NONE) {
    curl_easy_setopt(easy, CURLOPT_PROXYUSERNAME, config.user.c_str());
    curl_easy_setopt(easy, CURLOPT_PROXYPASSWORD, config.password.c_str());
    curl_easy_setopt(easy, CURLOPT_PROXYAUTH, config.auth);
  }
  self->driver_->configureEasy(easy);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &CurlTry::openSocketCallback);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, self.get());
  curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &CurlTry::sockoptCallback);
  curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, self.get());
  CurlTry* raw = self.get();
  CurlDriver::Hooks hooks;
  hooks.done = [raw](CURLcode code) { raw->finish(code); };
  hooks.connected = [raw] {
    raw->outcome_.tcp_connected = true;
    if (raw->connected_) {
      raw->connected_();
    }
  };
  auto added = self->driver_->add(easy, std::move(hooks));
  if (!added) {
    self->outcome_.code = CURLE_FAILED_INIT;
    self->outcome_.error_text = added.error().detail;
  } else {
    self->started_ = true;
  }
  return self;
}

CurlTry::~CurlTry() { cleanup(); }

curl_socket_t CurlTry::openSocketCallback(void* user, curlsocktype /*purpose*/,
                                          curl_sockaddr* address) {
  auto* self = static_cast<CurlTry*>(user);
  if (self->reuse_ && self->reuse_->family() == address->family && self->reuse_->idle()) {
    const NativeSocket kept = self->reuse_->release();
    self->reuse_.reset();
    self->reused_fd_ = kept;
    self->outcome_.reused_connection = true;
    self->driver_->adopt(kept, self, address->family);
    if (self->opened_.size() < 64) {
      self->opened_.push_back(kept);
    }
    return kept;
  }
  self->reuse_.reset();  // closed by the proxy meanwhile, or not clean: a new one
  const NativeSocket fd =
      openSocketNoInherit(address->family, address->socktype, address->protocol);
  if (!validSocket(fd)) {
    return CURL_SOCKET_BAD;
  }
  self->driver_->adopt(fd, self, address->family);
  if (self->opened_.size() < 64) {
    self->opened_.push_back(fd);
  }
  return fd;
}

int CurlTry::sockoptCallback(void* user, curl_socket_t fd, curlsocktype /*purpose*/) {
  const auto* self = static_cast<const CurlTry*>(user);
  return fd == self->reused_fd_ ? CURL_SOCKOPT_ALREADY_CONNECTED : CURL_SOCKOPT_OK;
}

// A 407 that leaves the connection open (HTTP/1.1 without "close"; curl
// reads its body to the end): when curl gives up on it, the socket is kept
// for the next try. Any later response on it decides anew.
void CurlTry::onHeadersEnd() {
  const bool keep = status_code_ == 407 && status_http11_ && !says_close_;
  for (const curl_socket_t fd : opened_) {
    if (driver_->owner(fd) == this) {
      driver_->keepOnClose(fd, keep);
    }
  }
}

void CurlTry::cleanup() {
  if (!succeeded_) {
    // curl keeps a failed try's connection in its cache for a while; end it
    // now. Only descriptors this try opened and curl has not closed yet.
    for (const curl_socket_t fd : opened_) {
      if (driver_->owner(fd) == this) {
        shutdownSocket(fd);
      }
    }
  }
  opened_.clear();
  if (easy_ != nullptr) {
    driver_->remove(easy_);
    curl_easy_cleanup(easy_);  // closes curl's sockets through closeSocketCallback
    easy_ = nullptr;
  }
  if (resolve_ != nullptr) {
    curl_slist_free_all(resolve_);
    resolve_ = nullptr;
  }
  if (driver_) {
    kept_ = driver_->takeKept(this);  // closed with this try unless finish() passes it on
    driver_->disown(this);
  }
}

std::size_t CurlTry::headerCallback(char* data, std::size_t size, std::size_t count, void* user) {
  auto* self = static_cast<CurlTry*>(user);
  const std::size_t bytes = size * count;
  self->header_bytes_ += bytes;
  if (self->header_bytes_ > kMaxProxyHeaderBytes) {
    self->outcome_.headers_too_large = true;
    return 0;  // CURLE_WRITE_ERROR: fails the try
  }
  const std::string_view line = trim(std::string_view(data, bytes));
  if (self->outcome_.first_line.empty() && !line.empty()) {
    for (const char c : line.substr(0, 80)) {
      self->outcome_.first_line.push_back(std::isprint(static_cast<unsigned char>(c)) != 0 ? c
                                                                                           : '?');
    }
  }
  if (line.empty()) {
    self->onHeadersEnd();
  } else if (startsWithNoCase(line, "HTTP/")) {
    self->status_http11_ = startsWithNoCase(line, "HTTP/1.1 ");
    const std::size_t space = line.find(' ');
    self->status_code_ = space == std::string_view::npos
                             ? 0
                             : std::atol(std::string(line.substr(space + 1, 3)).c_str());
    self->says_close_ = false;
    self->outcome_.status_line = std::string(line.substr(0, 200));
    if (!self->outcome_.challenges.empty()) {
      self->outcome_.earlier_challenges = std::move(self->outcome_.challenges);
    }
    self->outcome_.challenges.clear();
  } else if (startsWithNoCase(line, "Connection:") || startsWithNoCase(line, "Proxy-Connection:")) {
    const std::string_view value = trim(line.substr(line.find(':') + 1));
    self->says_close_ = self->says_close_ || startsWithNoCase(value, "close");
  } else if (startsWithNoCase(line, "Proxy-Authenticate:")) {
    if (self->outcome_.challenges.size() < 16) {
      self->outcome_.challenges.emplace_back(
          trim(line.substr(std::string_view("Proxy-Authenticate:").size())).substr(0, 1024));
    }
  }
  return bytes;
}

void CurlTry::finish(CURLcode code) {
  outcome_.code = code;
  outcome_.error_text = error_;
  curl_easy_getinfo(easy_, CURLINFO_HTTP_CONNECTCODE, &outcome_.connect_code);
  long proxy_error = 0;
  if (curl_easy_getinfo(easy_, CURLINFO_PROXY_ERROR, &proxy_error) == CURLE_OK) {
    outcome_.proxy_error = proxy_error;
  }
  curl_easy_getinfo(easy_, CURLINFO_OS_ERRNO, &outcome_.os_errno);
  curl_easy_getinfo(easy_, CURLINFO_CONNECT_TIME_T, &outcome_.connect_time_us);
  curl_easy_getinfo(easy_, CURLINFO_PROXYAUTH_AVAIL, &outcome_.proxyauth_avail);
  if (code == CURLE_OK) {
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(easy_, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK && fd != CURL_SOCKET_BAD) {
      // Taken, not duplicated: Windows has no dup of a socket within one
      // process, and one registration with the context serves both systems.
      // curl closes a CONNECT_ONLY connection when its handle is removed
      // (cleanup() below), and that close leaves a taken socket open.
      outcome_.socket = driver_->take(fd, home_);
    }
    succeeded_ = outcome_.socket.has_value();
    if (!succeeded_) {
      outcome_.code = CURLE_COULDNT_CONNECT;
      outcome_.error_text = "could not take over the tunnel's socket";
    }
  }
  cleanup();
  if (outcome_.connect_code == 407 && outcome_.code != CURLE_OK) {
    outcome_.kept = std::move(kept_);
  }
  kept_.reset();
  auto done = std::move(done_);
  done_ = nullptr;
  if (done) {
    done(std::move(outcome_));  // may destroy this
  }
}

}  // namespace parley::net
