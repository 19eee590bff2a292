#include "net/platform/network_watch.h"

namespace parley::net {

// Not written yet for this system (Windows: NotifyUnicastIpAddressChange;
// macOS: SCNetworkReachability). A dead path is found by the keep-alive.
Result<std::unique_ptr<NetworkWatch>> NetworkWatch::start(Callback /*on_change*/,
                                                          std::chrono::milliseconds /*settle*/) {
  return makeError(ErrorCode::Unavailable,
                   "network changes are not watched on this system yet; a dead connection is "
                   "found by its keep-alive");
}

}  // namespace parley::net
