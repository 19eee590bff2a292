#include "core/client/call/call.h"

#include <asio/post.hpp>
#include <future>

#include "media/rtp/rtp_packet.h"

namespace parley::client {

Call::Call(asio::any_io_executor executor, CallConfig config, media::AudioInput& input,
           media::AudioOutput& output, const Clock& clock)
    : strand_(asio::make_strand(std::move(executor))),
      config_(std::move(config)),
      input_(input),
      output_(output),
      clock_(clock),
      transport_(std::make_unique<MediaTransport>(strand_, config_.transport, clock)) {
  transport_->setReceiver(
      [this](std::span<const std::byte> plain, bool rtcp) { onPlain(plain, rtcp); });
  transport_->setPathObserver([this](MediaPath path) {
    if (path_observer_) {
      path_observer_(path);
    }
  });
}

Call::~Call() {
  *alive_ = false;
  stop();
}

Result<void> Call::start() {
  auto engine = media::AudioEngine::create(config_.audio, input_, output_, clock_);
  if (!engine) {
    return makeError(std::move(engine).error());
  }
  engine_ = std::move(*engine);
  std::weak_ptr<bool> alive = alive_;
  engine_->start([this, alive] {
    // Audio thread: one drain task in flight at a time.
    if (drain_scheduled_.exchange(true)) {
      return;
    }
    asio::post(strand_, [this, alive] {
      if (auto still = alive.lock(); still && *still) {
        drainAudio();
      }
    });
  });
  return {};
}

void Call::stop() {
  if (engine_) {
    engine_->stop();
  }
  // The transport's socket and timers belong to the strand; closing them
  // there keeps their handlers from racing the close.
  std::promise<void> done;
  auto finished = done.get_future();
  asio::post(strand_, [this, &done] {
    if (transport_) {
      transport_->stop();
    }
    done.set_value();
  });
  // The strand's executor may already be stopped (the io_context ended):
  // then nothing runs there any more and there is nothing to race.
  (void)finished.wait_for(std::chrono::seconds(2));
}

void Call::setMuted(bool muted) {
  if (engine_) {
    engine_->setMuted(muted);
  }
}

void Call::setPathObserver(std::function<void(MediaPath)> observer) {
  asio::post(strand_, [this, observer = std::move(observer)]() mutable {
    path_observer_ = std::move(observer);
  });
}

void Call::drainAudio() {
  drain_scheduled_ = false;
  if (!engine_) {
    return;
  }
  engine_->drainOutgoing([this](std::span<const std::byte> rtp) {
    transport_->send(std::vector<std::byte>(rtp.begin(), rtp.end()), false,
                     net::TrafficClass::Audio);
  });
}

void Call::onPlain(std::span<const std::byte> plain, bool rtcp) {
  if (rtcp) {
    return;  // the server's probe answers; feedback for video comes with video
  }
  auto rtp = media::parseRtp(plain);
  if (!rtp) {
    return;
  }
  if (rtp->header.payload_type == audio_pt_ && engine_) {
    received_bytes_[rtp->header.ssrc] += plain.size();
    (void)engine_->pushIncoming(plain, clock_.now());
  }
}

void Call::onMediaOffer(MediaOfferInfo offer) {
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_),
                       offer = std::move(offer)]() mutable {
    if (auto still = alive.lock(); !still || !*still) {
      return;
    }
    audio_pt_ = offer.audio_payload_type;
    if (engine_) {
      engine_->setSendStream(offer.audio_ssrc, offer.audio_payload_type);
    }
    transport_->configure(std::move(offer));
  });
}

void Call::onMediaPacket(std::string packet) {
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_),
                       packet = std::move(packet)]() mutable {
    if (auto still = alive.lock(); still && *still) {
      transport_->onChannelPacket(std::move(packet));
    }
  });
}

void Call::onVideoCodecChanged(const std::string& /*codec*/, std::uint8_t /*payload_type*/) {}

void Call::onParticipantsChanged(const std::vector<ParticipantInfo>& participants) {
  std::map<std::uint32_t, std::string> users;
  for (const auto& p : participants) {
    users[p.audio_ssrc] = p.user;
    users[p.video_ssrc] = p.user;
    users[p.screen_ssrc] = p.user;
  }
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_),
                       users = std::move(users)]() mutable {
    if (auto still = alive.lock(); still && *still) {
      ssrc_users_ = std::move(users);
    }
  });
}

void Call::onMediaStopped() {
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (auto still = alive.lock(); still && *still) {
      transport_->stop();
      if (engine_) {
        engine_->setSendStream(0, audio_pt_);  // nothing to send until the next offer
      }
    }
  });
}

void Call::stats(std::function<void(CallStats)> done) {
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_), done = std::move(done)] {
    if (auto still = alive.lock(); !still || !*still) {
      return;
    }
    CallStats out;
    out.path = mediaPathName(transport_->path());
    out.transport = transport_->counters();
    if (auto rtt = transport_->udpRoundTrip()) {
      out.rtt_ms = std::chrono::duration<double, std::milli>(*rtt).count();
    }
    const auto now = clock_.now();
    const double seconds =
        last_stats_ == Clock::TimePoint{}
            ? 0.0
            : std::chrono::duration<double>(now - last_stats_).count();
    auto rate = [seconds](std::uint64_t bytes) {
      return seconds > 0 ? static_cast<double>(bytes) * 8.0 / 1000.0 / seconds : 0.0;
    };
    if (engine_) {
      const auto audio = engine_->stats();
      out.audio_packets_sent = audio.packets_sent;
      out.dtx_skipped = audio.dtx_skipped;
      out.audio_sent_kbps = rate(audio.bytes_sent - last_sent_bytes_);
      last_sent_bytes_ = audio.bytes_sent;
      for (const auto& s : audio.streams) {
        CallStreamStats stream;
        stream.ssrc = s.ssrc;
        stream.kind = "audio";
        if (auto it = ssrc_users_.find(s.ssrc); it != ssrc_users_.end()) {
          stream.user = it->second;
        }
        stream.packets = s.receive.jitter.received;
        stream.lost = s.receive.jitter.lost;
        stream.concealed = s.receive.concealed;
        stream.jitter_ms =
            std::chrono::duration<double, std::milli>(s.receive.jitter.jitter).count();
        const auto bytes = received_bytes_[s.ssrc];
        stream.kbps = rate(bytes - last_received_bytes_[s.ssrc]);
        last_received_bytes_[s.ssrc] = bytes;
        out.streams.push_back(std::move(stream));
      }
    }
    out.received_kbps = rate(out.transport.received_bytes - last_received_total_);
    last_received_total_ = out.transport.received_bytes;
    last_stats_ = now;
    done(std::move(out));
  });
}

}  // namespace parley::client
