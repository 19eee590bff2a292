#include "app/parley-cli/ice_gathering.h"

#include <condition_variable>
#include <mutex>

namespace parley::cli {

Result<IceGathering> gatherIceCandidates(const net::InterfacePolicy& interfaces,
                                         std::optional<net::IceStunServer> stun,
                                         std::chrono::milliseconds wait) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    IceGathering result;
  };
  auto shared = std::make_shared<Shared>();
  net::IceAgentConfig config;
  config.controlling = true;
  config.host_addresses = net::selectHostAddresses(net::listLocalInterfaceAddresses(), interfaces);
  config.stun = std::move(stun);
  net::IceEvents events;
  events.on_candidate = [shared](std::string candidate) {
    std::lock_guard lock(shared->mu);
    shared->result.candidates.push_back(std::move(candidate));
  };
  events.on_gathering_done = [shared] {
    std::lock_guard lock(shared->mu);
    shared->result.complete = true;
    shared->cv.notify_all();
  };
  auto agent = net::IceAgent::create(std::move(config), std::move(events));
  if (!agent) {
    return makeError(agent.error());
  }
  if (auto started = (*agent)->gather(); !started) {
    return makeError(started.error());
  }
  {
    std::unique_lock lock(shared->mu);
    shared->cv.wait_for(lock, wait, [&] { return shared->result.complete; });
  }
  agent->reset();  // joins the agent's thread: no callback after this
  std::lock_guard lock(shared->mu);
  return shared->result;
}

}  // namespace parley::cli
