// Builds without libnice (Windows, until its dependency cache has it): the
// agent cannot be created, and says so; callers keep media on the server.

#include "net/ice/ice_agent.h"

namespace parley::net {

class IceAgent::Impl {};

Result<std::unique_ptr<IceAgent>> IceAgent::create(IceAgentConfig /*config*/,
                                                   IceEvents /*events*/) {
  return makeError(ErrorCode::IceFailed, "this build of Parley has no ICE agent (libnice)");
}

IceAgent::IceAgent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IceAgent::~IceAgent() = default;
IceCredentials IceAgent::localCredentials() const { return {}; }
Result<void> IceAgent::gather() { return makeError(ErrorCode::IceFailed, "no ICE agent"); }
Result<void> IceAgent::setRemoteCredentials(const IceCredentials& /*credentials*/) {
  return makeError(ErrorCode::IceFailed, "no ICE agent");
}
Result<void> IceAgent::addRemoteCandidate(const std::string& /*line*/) {
  return makeError(ErrorCode::IceFailed, "no ICE agent");
}
void IceAgent::remoteGatheringDone() {}
bool IceAgent::send(std::span<const std::byte> /*datagram*/) { return false; }
IceState IceAgent::state() const { return IceState::Failed; }

}  // namespace parley::net
