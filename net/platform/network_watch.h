#pragma once
// NetworkWatch: tells its owner when this machine's networks change (an
// address added or removed, an interface going up or down): Wi-Fi to cable,
// a VPN coming up, a laptop leaving a network. A connection whose path went
// away often gets no error at all (the packets just stop), so a client that
// waited for its keep-alive to miss would sit in a dead meeting for a minute;
// with this it checks its connection at once (docs/connecting.md, "When the
// network changes").
//
// Linux: a NETLINK_ROUTE socket on the link and address groups, read by a
// thread of the watch's own. Other systems: not watched yet (start() says
// so), and a dead path is found by the keep-alive as before.
//
// A burst of changes (an address removed, another added, the link flapping)
// is reported once, after it has been quiet for `settle`, with a short
// description of what changed. The callback runs on the watch's thread: the
// owner posts it to its own. Stopping (the destructor) joins the thread; no
// callback runs after it returns.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/base/result.h"

namespace parley::net {

class NetworkWatch {
 public:
  using Callback = std::function<void(const std::string& what_changed)>;

  static Result<std::unique_ptr<NetworkWatch>> start(
      Callback on_change, std::chrono::milliseconds settle = std::chrono::milliseconds(150));

  virtual ~NetworkWatch() = default;
  NetworkWatch(const NetworkWatch&) = delete;
  NetworkWatch& operator=(const NetworkWatch&) = delete;

 protected:
  NetworkWatch() = default;
};

}  // namespace parley::net
