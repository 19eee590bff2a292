#include "core/client/peer_signalling.h"

#include "core/protocol/protocol_limits.h"

namespace parley::client {

PeerPathStartInfo peerStartFromProto(const proto::PeerPathStart& in) {
  PeerPathStartInfo out;
  out.attempt = in.attempt();
  out.peer_participant_id = in.peer_participant_id();
  out.controlling = in.controlling();
  for (const auto& server : in.ice_servers()) {
    if (server.port() == 0 || server.port() > 65535) {
      continue;
    }
    out.servers.push_back(IceServerInfo{server.kind(), server.transport(), server.address(),
                                        static_cast<std::uint16_t>(server.port()),
                                        server.username(), server.password()});
  }
  return out;
}

PeerSignalInfo peerSignalFromProto(const proto::PeerSignal& in) {
  PeerSignalInfo out;
  out.attempt = in.attempt();
  out.ice_ufrag = in.ice_ufrag();
  out.ice_pwd = in.ice_pwd();
  out.dtls_fingerprint = in.dtls_fingerprint();
  out.candidates.assign(in.candidates().begin(), in.candidates().end());
  out.end_of_candidates = in.end_of_candidates();
  return out;
}

void peerSignalToProto(const PeerSignalInfo& in, proto::PeerSignal& out) {
  out.set_attempt(in.attempt);
  out.set_ice_ufrag(in.ice_ufrag);
  out.set_ice_pwd(in.ice_pwd);
  out.set_dtls_fingerprint(in.dtls_fingerprint);
  for (std::size_t i = 0; i < in.candidates.size() && i < protocol::kMaxCandidatesPerSignal; ++i) {
    out.add_candidates(in.candidates[i]);
  }
  out.set_end_of_candidates(in.end_of_candidates);
}

}  // namespace parley::client
