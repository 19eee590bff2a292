// The Call's outgoing media: what the audio engine and the video encoders
// have ready is taken on the call strand (their threads only wake it: the
// audio thread through AudioWake, the encoders with a post) and handed to
// sendMedia (call_peer.cpp), which picks the path.

#include <asio/post.hpp>

#include "core/client/call/call.h"

namespace parley::client {

void Call::scheduleDrain(std::atomic<bool>& flag, void (Call::*drain)()) {
  // Media threads: one drain task in flight at a time per kind.
  if (flag.exchange(true)) {
    return;
  }
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_), drain] {
    if (auto still = alive.lock(); still && *still) {
      (this->*drain)();
    }
  });
}

void Call::sendWaitingAudio() {
  if (!engine_) {
    return;
  }
  engine_->drainOutgoing(
      [this](std::span<const std::byte> rtp) { sendMedia(rtp, false, net::TrafficClass::Audio); });
}

void Call::drainVideo() {
  video_drain_scheduled_ = false;
  for (auto* sender : {camera_.get(), screen_.get()}) {
    if (sender == nullptr) {
      continue;
    }
    sender->drainOutgoing([this](std::span<const std::byte> rtp) {
      // Voice first: a key frame is hundreds of packets, and protecting and
      // sending them on a busy machine takes long enough that a voice packet
      // queued behind them arrives late and is concealed. Whatever voice is
      // waiting goes out before each video packet.
      sendWaitingAudio();
      last_video_sent_bytes_ += rtp.size();
      rememberSentVideo(rtp);
      sendMedia(rtp, false, net::TrafficClass::Video);
    });
  }
}

}  // namespace parley::client
