#pragma once
// NameLookup: does `name` resolve? Asked on a short-lived thread of its own,
// because Asio's resolver runs every lookup of an io_context on one shared
// thread: a WPAD name on a slow DNS server would otherwise hold up the race's
// own lookups behind it. `done(resolved)` is posted to `executor`, which
// counts as busy (outstanding work) until then.
//
// Destroying the NameLookup (on the executor's thread) cancels it: `done` is
// not called and nothing is posted any more, so the executor's io_context
// may be destroyed while getaddrinfo still runs on the detached thread.

#include <functional>
#include <memory>
#include <string>

#include <asio/any_io_executor.hpp>

namespace parley::net::detail {

class NameLookup {
 public:
  static std::unique_ptr<NameLookup> start(asio::any_io_executor executor, std::string name,
                                           std::function<void(bool resolved)> done);
  ~NameLookup();
  NameLookup(const NameLookup&) = delete;
  NameLookup& operator=(const NameLookup&) = delete;

  struct Shared;

 private:
  explicit NameLookup(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  std::shared_ptr<Shared> shared_;
};

}  // namespace parley::net::detail
