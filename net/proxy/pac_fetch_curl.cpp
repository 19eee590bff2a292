#include "net/proxy/pac_fetch_curl.h"

#include <curl/curl.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <openssl/crypto.h>

#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>

namespace parley::net::detail {

struct CurlFetch::Shared {
  std::atomic<bool> cancelled{false};
  std::mutex mu;
  std::optional<asio::any_io_executor> work;  // guarded by mu
  Done done;                                  // guarded by mu
  // Used by the transfer thread only.
  std::string body;
  std::size_t max_size = 0;
  bool too_large = false;
};

namespace {

std::size_t onData(char* data, std::size_t size, std::size_t count, void* user) {
  auto* shared = static_cast<CurlFetch::Shared*>(user);
  const std::size_t n = size * count;
  if (shared->body.size() + n > shared->max_size) {
    shared->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  shared->body.append(data, n);
  return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<CurlFetch::Shared*>(user)->cancelled.load() ? 1 : 0;
}

Result<std::string> transfer(CurlFetch::Shared& shared, const std::string& url,
                             std::chrono::milliseconds timeout) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    return makeError(ErrorCode::Internal, "curl_easy_init failed");
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(shared.max_size));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onData);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &shared);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &shared);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "Parley");
  // The PAC file must not itself go through a proxy from the environment.
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (rc == CURLE_FILESIZE_EXCEEDED || shared.too_large) {
    return makeError(ErrorCode::ResponseTooLarge,
                     "the PAC file is larger than " + std::to_string(shared.max_size) + " bytes");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return makeError(ErrorCode::TimedOut,
                     "no complete PAC file within " + std::to_string(timeout.count()) + " ms");
  }
  if (rc == CURLE_COULDNT_RESOLVE_HOST) {
    return makeError(ErrorCode::ResolveFailed, curl_easy_strerror(rc));
  }
  if (rc == CURLE_COULDNT_CONNECT) {
    return makeError(ErrorCode::ConnectFailed, curl_easy_strerror(rc));
  }
  if (rc != CURLE_OK) {
    return makeError(ErrorCode::Io, curl_easy_strerror(rc));
  }
  if (status != 200) {
    return makeError(ErrorCode::NotFound, "HTTP status " + std::to_string(status));
  }
  return std::move(shared.body);
}

}  // namespace

std::unique_ptr<CurlFetch> CurlFetch::start(asio::any_io_executor executor, std::string url,
                                            std::chrono::milliseconds timeout, std::size_t max_size,
                                            Done done) {
  auto shared = std::make_shared<Shared>();
  shared->work.emplace(asio::prefer(executor, asio::execution::outstanding_work.tracked));
  shared->done = std::move(done);
  shared->max_size = max_size;
  std::thread([shared, url = std::move(url), timeout] {
    auto result = transfer(*shared, url, timeout);
    // This thread is detached: free OpenSSL's per-thread state (its error
    // queue) now, before the result is handed on, rather than in a thread-exit
    // handler that may still be pending when the process ends.
    OPENSSL_thread_stop();
    std::lock_guard lock(shared->mu);
    if (shared->work) {
      asio::post(*shared->work, [shared, result = std::move(result)]() mutable {
        Done callback;
        {
          std::lock_guard inner(shared->mu);
          callback = std::move(shared->done);
          shared->done = nullptr;
        }
        if (callback) {
          callback(std::move(result));
        }
      });
      shared->work.reset();
    }
  }).detach();
  return std::unique_ptr<CurlFetch>(new CurlFetch(std::move(shared)));
}

CurlFetch::~CurlFetch() {
  shared_->cancelled = true;
  std::lock_guard lock(shared_->mu);
  shared_->work.reset();
  shared_->done = nullptr;
}

}  // namespace parley::net::detail
