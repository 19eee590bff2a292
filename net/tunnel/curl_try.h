#pragma once
// CurlTry: one libcurl easy handle that builds one tunnel through one proxy
// with one set of credentials (ProxyTunnel retries with a new CurlTry after a
// 407 or a SOCKS5 authentication failure). Runs on its driver's thread; its
// hooks are called there. Internal to net/tunnel.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <curl/curl.h>
#include <asio/ip/tcp.hpp>

#include "net/proxy/proxy_server.h"
#include "net/tunnel/curl_driver.h"
#include "net/tunnel/kept_connection.h"

namespace parley::net {

struct TryConfig {
  ProxyKind kind = ProxyKind::Http;
  std::string proxy_host;
  std::uint16_t proxy_port = 0;
  std::string proxy_address;  // pins proxy_host (CURLOPT_RESOLVE) when set
  std::string target_host;    // name, or an IPv4 literal for SOCKS4
  std::uint16_t target_port = 0;
  unsigned long auth = CURLAUTH_NONE;  // CURLOPT_PROXYAUTH; NONE: no credentials
  std::string user;                    // never logged
  std::string password;                // never logged
  // The logged-on user's own credentials (":"), for `auth` (NONE: Negotiate):
  // the Kerberos ticket cache through GSS-API, or Windows' logon session
  // through SSPI, which also answers NTLM that way.
  bool logged_on_user = false;
  std::chrono::milliseconds timeout{10000};
  // The connection a 407 left open: the CONNECT goes on it when it is still
  // idle (else on a new one). Shared only to keep TryConfig copyable.
  std::shared_ptr<KeptConnection> reuse;
  // The context the tunnel's socket goes to on success (the tunnel's own; a
  // Negotiate try runs on the GSS thread's). Empty: the driver's.
  asio::any_io_executor home;
};

inline constexpr std::size_t kMaxProxyHeaderBytes = 64 * 1024;

struct TryOutcome {
  CURLcode code = CURLE_OK;
  long connect_code = 0;  // CURLINFO_HTTP_CONNECTCODE
  long proxy_error = 0;   // CURLINFO_PROXY_ERROR (CURLproxycode)
  long os_errno = 0;
  std::string error_text;               // CURLOPT_ERRORBUFFER
  std::string status_line;              // the last "HTTP/1.1 407 ..." line, trimmed
  std::vector<std::string> challenges;  // Proxy-Authenticate values of the last response
  // ... of the last earlier response that had any (the 407 curl answered itself)
  std::vector<std::string> earlier_challenges;
  bool headers_too_large = false;
  std::string first_line;  // the reply's first line, printable, at most 80 bytes
  bool tcp_connected = false;
  curl_off_t connect_time_us = 0;
  long proxyauth_avail = 0;  // CURLINFO_PROXYAUTH_AVAIL: schemes the last 407 offered
  // The proxy answered 407 and keeps the connection open for the next try.
  std::shared_ptr<KeptConnection> kept;
  bool reused_connection = false;  // this try went on TryConfig::reuse
  // On success: curl's socket, taken over (CurlDriver::take) and ours to keep.
  std::optional<asio::ip::tcp::socket> socket;
};

class CurlTry {
 public:
  using Done = std::function<void(TryOutcome)>;

  // On the driver's thread. `connected` (TCP to the proxy) and `done` are
  // called there; `done` exactly once unless abort() or destruction first.
  static std::unique_ptr<CurlTry> start(std::shared_ptr<CurlDriver> driver, const TryConfig& config,
                                        std::function<void()> connected, Done done);
  ~CurlTry();
  // False when the handle could not even be set up; then takeStartError()
  // holds why and `done` will never be called.
  [[nodiscard]] bool started() const { return started_; }
  TryOutcome takeStartError() { return std::move(outcome_); }
  CurlTry(const CurlTry&) = delete;
  CurlTry& operator=(const CurlTry&) = delete;

 private:
  CurlTry() = default;
  static curl_socket_t openSocketCallback(void* user, curlsocktype purpose, curl_sockaddr* address);
  static int sockoptCallback(void* user, curl_socket_t fd, curlsocktype purpose);
  void onHeadersEnd();
  static std::size_t headerCallback(char* data, std::size_t size, std::size_t count, void* user);
  void finish(CURLcode code);
  void cleanup();

  std::shared_ptr<CurlDriver> driver_;
  CURL* easy_ = nullptr;
  curl_slist* resolve_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
  std::size_t header_bytes_ = 0;
  TryOutcome outcome_;
  std::function<void()> connected_;
  Done done_;
  bool started_ = false;
  bool succeeded_ = false;
  std::vector<curl_socket_t> opened_;
  std::shared_ptr<KeptConnection> reuse_;
  curl_socket_t reused_fd_ = CURL_SOCKET_BAD;
  std::shared_ptr<KeptConnection> kept_;
  long status_code_ = 0;        // of the response whose headers are coming in
  bool status_http11_ = false;  // ... and whether it is HTTP/1.1
  bool says_close_ = false;     // ... and whether it says Connection: close
  asio::any_io_executor home_;
};

}  // namespace parley::net
