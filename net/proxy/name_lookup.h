#pragma once
// lookupName: does `name` resolve? Asked on a short-lived thread of its own,
// because Asio's resolver runs every lookup of an io_context on one shared
// thread: a WPAD name on a slow DNS server would otherwise hold up the race's
// own lookups behind it. `done(resolved)` is posted to `executor`, which
// counts as busy (outstanding work) until then. The lookup cannot be
// cancelled; callers ignore a late answer (capture a liveness flag).

#include <functional>
#include <string>

#include <asio/any_io_executor.hpp>

namespace parley::net::detail {

void lookupName(asio::any_io_executor executor, std::string name,
                std::function<void(bool resolved)> done);

}  // namespace parley::net::detail
