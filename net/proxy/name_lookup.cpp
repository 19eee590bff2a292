#include "net/proxy/name_lookup.h"

#include <netdb.h>
#include <sys/socket.h>

#include <mutex>
#include <optional>
#include <thread>

#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>

namespace parley::net::detail {

// Shared by the NameLookup (executor thread) and the lookup thread.
struct NameLookup::Shared {
  std::mutex mu;
  // Set while an answer may still be posted; reset by cancellation or once
  // posted. Holds outstanding work on the executor.
  std::optional<asio::any_io_executor> work;  // guarded by mu
  std::function<void(bool)> done;             // guarded by mu
};

std::unique_ptr<NameLookup> NameLookup::start(asio::any_io_executor executor, std::string name,
                                              std::function<void(bool resolved)> done) {
  auto shared = std::make_shared<Shared>();
  shared->work.emplace(asio::prefer(executor, asio::execution::outstanding_work.tracked));
  shared->done = std::move(done);
  std::thread([shared, name = std::move(name)] {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    const bool resolved =
        name.size() <= 253 && ::getaddrinfo(name.c_str(), nullptr, &hints, &result) == 0;
    if (result != nullptr) {
      ::freeaddrinfo(result);
    }
    std::lock_guard lock(shared->mu);
    if (shared->work) {
      asio::post(*shared->work, [shared, resolved] {
        std::function<void(bool)> callback;
        {
          std::lock_guard inner(shared->mu);
          callback = std::move(shared->done);
          shared->done = nullptr;
        }
        if (callback) {
          callback(resolved);
        }
      });
      shared->work.reset();
    }
  }).detach();
  return std::unique_ptr<NameLookup>(new NameLookup(std::move(shared)));
}

NameLookup::~NameLookup() {
  std::lock_guard lock(shared_->mu);
  shared_->work.reset();
  shared_->done = nullptr;
}

}  // namespace parley::net::detail
