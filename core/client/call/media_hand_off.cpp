#include "core/client/call/media_hand_off.h"

#include "core/client/peer_signalling.h"

namespace parley::client {

using protocol::Envelope;
using transport::MessageChannel;

void MediaHandOff::onChannelOpened(std::shared_ptr<MessageChannel> channel) {
  channel_ = std::move(channel);
  channel_since_media_stopped_ = true;
}

void MediaHandOff::onChannelGone() {
  channel_.reset();
  if (channel_since_media_stopped_ && link_ != nullptr) {
    link_->onMediaStopped();
  }
  channel_since_media_stopped_ = false;
}

void MediaHandOff::onMediaOffer(MediaOfferInfo offer) {
  if (link_ == nullptr || !channel_) {
    return;
  }
  offer.keying = channel_->mediaKeyingMaterial();
  // Bound to this channel: after a reconnect the old senders do nothing.
  std::weak_ptr<MessageChannel> weak_channel = channel_;
  offer.send_packet = [weak_channel](std::string packet, bool urgent) {
    if (auto channel = weak_channel.lock()) {
      Envelope envelope;
      *envelope.mutable_media_packet()->mutable_packet() = std::move(packet);
      channel->sendMedia(envelope, urgent);
    }
  };
  offer.send_transport = [weak_channel](bool udp) {
    if (auto channel = weak_channel.lock()) {
      Envelope envelope;
      envelope.mutable_media_transport()->set_udp(udp);
      channel->send(envelope);
    }
  };
  link_->onMediaOffer(std::move(offer));
}

void MediaHandOff::onMediaPacket(std::string packet) {
  if (link_ != nullptr) {
    link_->onMediaPacket(std::move(packet));
  }
}

void MediaHandOff::onVideoCodecChanged(const std::string& codec, std::uint8_t payload_type) {
  if (link_ != nullptr) {
    link_->onVideoCodecChanged(codec, payload_type);
  }
}

void MediaHandOff::onParticipantsChanged(const std::vector<ParticipantInfo>& participants) {
  if (link_ != nullptr) {
    link_->onParticipantsChanged(participants);
  }
}

void MediaHandOff::onPeerPathStart(PeerPathStartInfo start) {
  if (link_ == nullptr || !channel_) {
    return;
  }
  std::weak_ptr<MessageChannel> weak_channel = channel_;
  PeerSignalSender send_signal = [weak_channel](const PeerSignalInfo& signal) {
    if (auto channel = weak_channel.lock()) {
      Envelope envelope;
      peerSignalToProto(signal, *envelope.mutable_peer_signal());
      channel->send(envelope);
    }
  };
  PeerStateSender send_state = [weak_channel](std::uint64_t attempt, std::string path,
                                              std::uint32_t rtt_ms) {
    if (auto channel = weak_channel.lock()) {
      Envelope envelope;
      auto* state = envelope.mutable_peer_path_state();
      state->set_attempt(attempt);
      state->set_path(std::move(path));
      state->set_rtt_ms(rtt_ms);
      channel->send(envelope);
    }
  };
  link_->onPeerPathStart(std::move(start), std::move(send_signal), std::move(send_state));
}

void MediaHandOff::onPeerSignal(PeerSignalInfo signal) {
  if (link_ != nullptr) {
    link_->onPeerSignal(std::move(signal));
  }
}

void MediaHandOff::onPeerPathStop(std::uint64_t attempt, std::string reason) {
  if (link_ != nullptr) {
    link_->onPeerPathStop(attempt, std::move(reason));
  }
}

}  // namespace parley::client
