#include "net/proxy/name_lookup.h"

#include <netdb.h>
#include <sys/socket.h>

#include <thread>

#include <asio/execution/outstanding_work.hpp>
#include <asio/post.hpp>
#include <asio/prefer.hpp>

namespace parley::net::detail {

void lookupName(asio::any_io_executor executor, std::string name,
                std::function<void(bool resolved)> done) {
  auto work = asio::prefer(executor, asio::execution::outstanding_work.tracked);
  std::thread([work = std::move(work), name = std::move(name), done = std::move(done)]() mutable {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    const bool resolved =
        name.size() <= 253 && ::getaddrinfo(name.c_str(), nullptr, &hints, &result) == 0;
    if (result != nullptr) {
      ::freeaddrinfo(result);
    }
    asio::post(work, [done = std::move(done), resolved] { done(resolved); });
  }).detach();
}

}  // namespace parley::net::detail
