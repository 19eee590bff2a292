#include "net/proxy/name_lookup.h"

#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>

#include "net/platform/socket_api.h"

namespace parley::net::detail {

// Shared by the NameLookup (executor thread) and the lookup thread.
struct NameLookup::Shared {
  std::mutex mu;
  // Set while an answer may still be posted; reset by cancellation or once
  // posted. Holds outstanding work on the executor.
  std::optional<asio::any_io_executor> work;  // guarded by mu
  Done done;                                  // guarded by mu
};

std::unique_ptr<NameLookup> NameLookup::start(asio::any_io_executor executor, std::string name,
                                              Done done) {
  auto shared = std::make_shared<Shared>();
  shared->work.emplace(asio::prefer(executor, asio::execution::outstanding_work.tracked));
  shared->done = std::move(done);
  std::thread([shared, name = std::move(name)] {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    std::vector<asio::ip::address> addresses;
    if (name.size() <= 253 && ::getaddrinfo(name.c_str(), nullptr, &hints, &result) == 0) {
      for (const addrinfo* a = result; a != nullptr && addresses.size() < 16; a = a->ai_next) {
        if (a->ai_family == AF_INET) {
          const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
          asio::ip::address_v4::bytes_type bytes{};
          std::memcpy(bytes.data(), &in->sin_addr, bytes.size());
          addresses.emplace_back(asio::ip::address_v4(bytes));
        } else if (a->ai_family == AF_INET6) {
          const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
          asio::ip::address_v6::bytes_type bytes{};
          std::memcpy(bytes.data(), &in6->sin6_addr, bytes.size());
          addresses.emplace_back(asio::ip::address_v6(bytes, in6->sin6_scope_id));
        }
      }
    }
    if (result != nullptr) {
      ::freeaddrinfo(result);
    }
    std::lock_guard lock(shared->mu);
    if (shared->work) {
      asio::post(*shared->work, [shared, addresses = std::move(addresses)] {
        Done callback;
        {
          std::lock_guard inner(shared->mu);
          callback = std::move(shared->done);
          shared->done = nullptr;
        }
        if (callback) {
          callback(addresses);
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
