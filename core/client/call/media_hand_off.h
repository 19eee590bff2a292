#pragma once
// MediaHandOff: the session's end of its MediaLink (the call). It gives the
// call send functions bound to the control channel of the moment, so after a
// reconnect the old ones do nothing and media cannot leak onto a channel
// whose keys it was not protected with, and it delivers what arrives for the
// call: offers, media packets carried inside TLS, the roster, peer-path
// signals. The session decides when (its state machine); this decides how.
//
// Threads: the session's strand only. Ownership: held by the session; the
// link it points to is the front end's (MediaLink says for how long).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/client/media_link.h"
#include "core/transport/message_channel.h"

namespace parley::client {

class MediaHandOff {
 public:
  // Null: media goes nowhere (a session without a call).
  void setLink(MediaLink* link) { link_ = link; }

  // A new control channel is up: offers from now on send on it.
  void onChannelOpened(std::shared_ptr<transport::MessageChannel> channel);
  // That channel is gone: the link hears onMediaStopped() once per channel
  // (a second teardown, such as the destructor's after stop(), must not
  // reach a link its owner may have destroyed since).
  void onChannelGone();

  // Completes `offer` with the channel's keys and send functions.
  void onMediaOffer(MediaOfferInfo offer);
  void onMediaPacket(std::string packet);
  void onVideoCodecChanged(const std::string& codec, std::uint8_t payload_type);
  void onParticipantsChanged(const std::vector<ParticipantInfo>& participants);
  void onPeerPathStart(PeerPathStartInfo start);
  void onPeerSignal(PeerSignalInfo signal);
  void onPeerPathStop(std::uint64_t attempt, std::string reason);

 private:
  MediaLink* link_ = nullptr;
  std::shared_ptr<transport::MessageChannel> channel_;
  // A channel was opened since the link last heard onMediaStopped(): media
  // runs only over one, so only then is there anything to stop.
  bool channel_since_media_stopped_ = false;
};

}  // namespace parley::client
