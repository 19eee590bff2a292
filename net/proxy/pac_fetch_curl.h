#pragma once
// https:// PAC files through libcurl (easy interface) on a short-lived thread
// of its own, with the same bounds as PacFetch: size (CURLOPT_MAXFILESIZE and
// a write callback that stops past the bound), time (CURLOPT_TIMEOUT_MS), at
// most 3 redirects, http/https only. Internal to PacFetch.
//
// Destroying the CurlFetch (on the executor's thread) cancels it: the
// transfer aborts at its next progress callback, `done` is not called and
// nothing is posted any more.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <asio/any_io_executor.hpp>

#include "core/base/result.h"

namespace parley::net::detail {

class CurlFetch {
 public:
  using Done = std::function<void(Result<std::string> body)>;
  static std::unique_ptr<CurlFetch> start(asio::any_io_executor executor, std::string url,
                                          std::chrono::milliseconds timeout, std::size_t max_size,
                                          Done done);
  ~CurlFetch();
  CurlFetch(const CurlFetch&) = delete;
  CurlFetch& operator=(const CurlFetch&) = delete;

  struct Shared;

 private:
  explicit CurlFetch(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  std::shared_ptr<Shared> shared_;
};

}  // namespace parley::net::detail
