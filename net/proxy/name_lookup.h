#pragma once
// NameLookup: does `name` resolve, and to what? Asked on a short-lived thread of its own,
// because Asio's resolver runs every lookup of an io_context on one shared
// thread: a WPAD name on a slow DNS server would otherwise hold up the race's
// own lookups behind it. `done(addresses)` (empty: it does not resolve) is
// posted to `executor`, which counts as busy (outstanding work) until then.
// The addresses let the caller connect without asking DNS a second time.
//
// Destroying the NameLookup (on the executor's thread) cancels it: `done` is
// not called and nothing is posted any more, so the executor's io_context
// may be destroyed while getaddrinfo still runs on the detached thread.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/ip/address.hpp>

namespace parley::net::detail {

class NameLookup {
 public:
  using Done = std::function<void(const std::vector<asio::ip::address>& addresses)>;
  static std::unique_ptr<NameLookup> start(asio::any_io_executor executor, std::string name,
                                           Done done);
  ~NameLookup();
  NameLookup(const NameLookup&) = delete;
  NameLookup& operator=(const NameLookup&) = delete;

  struct Shared;

 private:
  explicit NameLookup(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  std::shared_ptr<Shared> shared_;
};

}  // namespace parley::net::detail
