#pragma once
// PacFetch: downloads a PAC file (http:// with a small HTTP/1.0 client on
// Asio, https:// through libcurl on a thread of its own (pac_fetch_curl.h),
// file:// read directly), bounded in size (kMaxPacFileSize; a bigger answer
// fails with ResponseTooLarge as soon as that is known) and in time. The
// fetch never goes through a proxy.
//
// The returned object is the download: destroying it cancels it and `done`
// is then not called. Runs on `executor`; `done` comes on it once.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/ip/address.hpp>

#include "core/base/result.h"

namespace parley::net {

inline constexpr std::size_t kMaxPacFileSize = 1024 * 1024;

class PacFetch {
 public:
  // Errors: InvalidArgument (bad or unsupported URL), ResolveFailed,
  // ConnectFailed, TimedOut, ResponseTooLarge, NotFound (HTTP status other
  // than 200, missing file), Io.
  using Done = std::function<void(Result<std::string> body)>;

  // `addresses`: for http://, the host's addresses when the caller has just
  // looked them up (WPAD); the fetch then connects to them without resolving.
  static std::unique_ptr<PacFetch> start(const asio::any_io_executor& executor,
                                         const std::string& url, std::chrono::milliseconds timeout,
                                         Done done, std::size_t max_size = kMaxPacFileSize,
                                         const std::vector<asio::ip::address>& addresses = {});
  ~PacFetch();
  PacFetch(const PacFetch&) = delete;
  PacFetch& operator=(const PacFetch&) = delete;

  struct State;

 private:
  explicit PacFetch(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// Splits "http://host[:port]/path" (host may be a [v6] literal). Pure.
struct HttpUrl {
  std::string host;
  std::uint16_t port = 80;
  std::string path = "/";
};
Result<HttpUrl> parseHttpUrl(const std::string& url);

}  // namespace parley::net
