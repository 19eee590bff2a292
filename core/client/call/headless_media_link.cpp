#include "core/client/call/headless_media_link.h"

#include <asio/post.hpp>
#include <chrono>
#include <future>

namespace parley::client {

namespace {
// 20 ms at Opus's 48 kHz RTP clock (RFC 7587), as media::AudioEngine steps.
constexpr std::uint32_t kTicksPerFrame = 960;
}  // namespace

HeadlessMediaLink::HeadlessMediaLink(const asio::any_io_executor& executor,
                                     MediaTransportConfig config, const Clock& clock)
    : strand_(asio::make_strand(executor)),
      transport_(std::make_unique<MediaTransport>(strand_, config, clock)) {
  transport_->setReceiver(
      [this](std::span<const std::byte> plain, bool rtcp) { onPlain(plain, rtcp); });
}

HeadlessMediaLink::~HeadlessMediaLink() {
  stop();
  // What is still queued on the strand (and a stop that outlived stop()'s
  // wait) finds the link gone and does nothing.
  *alive_ = false;
  alive_.reset();
}

void HeadlessMediaLink::stop() {
  if (stopped_.exchange(true)) {
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  asio::post(strand_, [this, alive = std::weak_ptr<std::atomic<bool>>(alive_), done] {
    if (auto still = alive.lock(); still && *still) {
      transport_->stop();
    }
    done->set_value();
  });
  // The executor may have stopped already: then nothing runs there any more
  // and nothing can race the transport's destruction.
  (void)finished.wait_for(std::chrono::seconds(2));
}

void HeadlessMediaLink::stats(std::function<void(HeadlessMediaStats)> done) {
  asio::post(strand_,
             [this, alive = std::weak_ptr<std::atomic<bool>>(alive_), done = std::move(done)] {
               if (auto still = alive.lock(); !still || !*still) {
                 return;
               }
               HeadlessMediaStats out;
               out.path = mediaPathName(transport_->path());
               for (const auto& [ssrc, stream] : streams_) {
                 out.streams[ssrc] = stream.stats;
               }
               out.audio_sent = audio_sent_;
               out.transport = transport_->counters();
               done(std::move(out));
             });
}

void HeadlessMediaLink::onPlain(std::span<const std::byte> plain, bool rtcp) {
  if (rtcp) {
    return;  // the server's answers to probes, its estimates: nothing to act on here
  }
  auto rtp = media::parseRtp(plain);
  if (!rtp) {
    return;
  }
  auto& stream = streams_[rtp->header.ssrc];
  ++stream.stats.packets;
  stream.stats.bytes += plain.size();
  const std::int64_t index = stream.unwrapper.unwrap(rtp->header.sequence);
  if (stream.newest < 0) {
    stream.newest = index;
  } else if (index > stream.newest) {
    stream.stats.missing += static_cast<std::uint64_t>(index - stream.newest - 1);
    stream.newest = index;
  } else {
    ++stream.stats.out_of_order;
  }
  if (observer_) {
    observer_(*rtp);
  }
}

void HeadlessMediaLink::sendAudio(std::vector<std::byte> opus, media::AudioLevel level) {
  asio::post(strand_, [this, alive = std::weak_ptr<std::atomic<bool>>(alive_),
                       opus = std::move(opus), level] {
    if (auto still = alive.lock(); still && *still) {
      sendOnStrand(opus, level);
    }
  });
}

void HeadlessMediaLink::sendOnStrand(const std::vector<std::byte>& opus, media::AudioLevel level) {
  // The RTP clock runs with the frames offered, sent or not (RFC 7587 4.1).
  const std::uint32_t ts = timestamp_;
  timestamp_ += kTicksPerFrame;
  if (audio_ssrc_ == 0 || !transport_->ready()) {
    talkspurt_ = false;
    return;
  }
  header_.payload_type = audio_pt_;
  ++header_.sequence;
  header_.timestamp = ts;
  header_.ssrc = audio_ssrc_;
  // RFC 3551: the marker flags the first packet of a talkspurt.
  header_.marker = !talkspurt_;
  talkspurt_ = level.voice;
  media::setAudioLevel(header_, level);
  media::writeRtp(header_, opus, rtp_scratch_);
  transport_->send(rtp_scratch_, false, net::TrafficClass::Audio);
  ++audio_sent_;
}

void HeadlessMediaLink::onMediaOffer(MediaOfferInfo offer) {
  asio::post(strand_, [this, alive = std::weak_ptr<std::atomic<bool>>(alive_),
                       offer = std::move(offer)]() mutable {
    if (auto still = alive.lock(); !still || !*still) {
      return;
    }
    // A new leg is a new stream for the server: a new SSRC, its own numbering.
    audio_ssrc_ = offer.audio_ssrc;
    audio_pt_ = offer.audio_payload_type;
    talkspurt_ = false;
    transport_->configure(std::move(offer));
  });
}

void HeadlessMediaLink::onMediaPacket(std::string packet) {
  asio::post(strand_, [this, alive = std::weak_ptr<std::atomic<bool>>(alive_),
                       packet = std::move(packet)]() mutable {
    if (auto still = alive.lock(); still && *still) {
      transport_->onChannelPacket(std::move(packet));
    }
  });
}

void HeadlessMediaLink::onVideoCodecChanged(const std::string& /*codec*/,
                                            std::uint8_t /*payload_type*/) {}

void HeadlessMediaLink::onParticipantsChanged(
    const std::vector<ParticipantInfo>& /*participants*/) {}

void HeadlessMediaLink::onMediaStopped() {
  asio::post(strand_, [this, alive = std::weak_ptr<std::atomic<bool>>(alive_)] {
    if (auto still = alive.lock(); still && *still) {
      transport_->stop();
      audio_ssrc_ = 0;  // nothing to send until the next offer
    }
  });
}

}  // namespace parley::client
