// The Call's life: start and stop, the video sources, and each media leg as
// the session reports it (the MediaLink calls, peer paths aside).

#include "core/client/call/call.h"

#include <asio/post.hpp>
#include <future>

#include "net/platform/realtime_priority.h"

namespace parley::client {

Call::Call(const asio::any_io_executor& executor, CallConfig config, media::AudioInput& input,
           media::AudioOutput& output, const Clock& clock)
    : strand_(asio::make_strand(executor)),
      config_(std::move(config)),
      input_(input),
      output_(output),
      clock_(clock),
      transport_(std::make_unique<MediaTransport>(strand_, config_.transport, clock)),
      audio_wake_(std::make_unique<AudioWake>(strand_, [this] { sendWaitingAudio(); })) {
  // One switch for every thread on the voice path: the audio thread, the
  // strand's I/O thread (start()) and the peer path's ICE thread.
  config_.peer.realtime_priority = config_.audio.realtime_priority;
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

void Call::setVideoSources(std::unique_ptr<media::VideoSource> camera,
                           std::unique_ptr<media::VideoSource> screen) {
  camera_source_ = std::move(camera);
  screen_source_ = std::move(screen);
}

Result<std::unique_ptr<media::VideoSender>> Call::makeSender(
    std::unique_ptr<media::VideoSource> source, bool screen) {
  media::VideoSenderConfig config;
  config.screen = screen;
  // Sharp text matters more than motion for a shared screen (docs/media.md,
  // "Video").
  config.max_fps = screen ? 15 : 30;
  config.high_kbps = screen ? 1000 : 500;
  config.low_kbps = screen ? 200 : 150;
  auto sender = media::VideoSender::create(config, std::move(source), clock_);
  if (!sender) {
    return makeError(std::move(sender).error());
  }
  (*sender)->start([this] { scheduleDrain(video_drain_scheduled_, &Call::drainVideo); });
  return sender;
}

void Call::setCameraSource(std::unique_ptr<media::VideoSource> source,
                           std::function<void(Result<void>)> done) {
  swapSender(false, std::move(source), std::move(done));
}

void Call::setScreenSource(std::unique_ptr<media::VideoSource> source,
                           std::function<void(Result<void>)> done) {
  swapSender(true, std::move(source), std::move(done));
}

void Call::swapSender(bool screen, std::unique_ptr<media::VideoSource> source,
                      std::function<void(Result<void>)> done) {
  // std::function needs a copyable callable: the source travels in a shared_ptr.
  auto moved = std::make_shared<std::unique_ptr<media::VideoSource>>(std::move(source));
  asio::post(strand_,
             [this, alive = std::weak_ptr<bool>(alive_), screen, moved, done = std::move(done)] {
               if (auto still = alive.lock(); !still || !*still) {
                 return;
               }
               std::unique_ptr<media::VideoSender> fresh;
               Result<void> outcome;
               if (*moved) {
                 auto sender = makeSender(std::move(*moved), screen);
                 if (sender) {
                   fresh = std::move(*sender);
                 } else {
                   outcome = makeError(std::move(sender).error());
                 }
               }
               auto& slot = screen ? screen_ : camera_;
               std::unique_ptr<media::VideoSender> old = std::move(slot);
               slot = std::move(fresh);
               if (slot && offer_.audio_ssrc != 0) {
                 // Already in a leg: send as this leg's SSRCs (a rejoin's offer sets them again).
                 slot->setStream(screen ? offer_.screen_ssrc : offer_.video_ssrc,
                                 screen ? offer_.screen_low_ssrc : offer_.video_low_ssrc,
                                 offer_.video_payload_type);
               }
               applySendBudget(send_budget_bps_ > 0 ? send_budget_bps_ : 2'000'000);
               if (old) {
                 old->stop();  // joins its encode thread; its unsent packets are dropped
               }
               if (done) {
                 done(std::move(outcome));
               }
             });
}

Result<void> Call::start() {
  auto engine = media::AudioEngine::create(config_.audio, input_, output_, clock_);
  if (!engine) {
    return makeError(std::move(engine).error());
  }
  engine_ = std::move(*engine);
  engine_->start([this] { audio_wake_->notify(); });

  if (camera_source_) {
    auto sender = makeSender(std::move(camera_source_), false);
    if (!sender) {
      return makeError(std::move(sender).error());
    }
    camera_ = std::move(*sender);
  }
  if (screen_source_) {
    auto sender = makeSender(std::move(screen_source_), true);
    if (!sender) {
      return makeError(std::move(sender).error());
    }
    screen_ = std::move(*sender);
  }
  video_receiver_ = std::make_unique<media::VideoReceiver>(clock_);
  std::weak_ptr<bool> alive = alive_;
  video_receiver_->start(
      [this](const media::VideoSourceKey& key, const media::VideoFrame& frame) {
        if (!video_sink_) {
          return;
        }
        std::string user;
        {
          std::lock_guard lock(users_mu_);
          if (auto it = users_for_sink_.find(key.participant_id); it != users_for_sink_.end()) {
            user = it->second;
          }
        }
        video_sink_(user.empty() ? std::to_string(key.participant_id) : user, key.screen, frame);
      },
      [this, alive](std::uint32_t ssrc) {
        asio::post(strand_, [this, alive, ssrc] {
          if (auto still = alive.lock(); still && *still) {
            sendKeyFrameRequest(ssrc);
          }
        });
      },
      config_.video_retransmission
          ? media::VideoReceiver::NackRequest(
                [this, alive](std::uint32_t ssrc, std::vector<std::uint16_t> sequences) {
                  asio::post(strand_, [this, alive, ssrc, sequences = std::move(sequences)] {
                    if (auto still = alive.lock(); still && *still) {
                      sendNack(ssrc, sequences);
                    }
                  });
                })
          : media::VideoReceiver::NackRequest{});
  asio::post(strand_, [this, alive] {
    if (auto still = alive.lock(); still && *still) {
      // The thread that runs the strand receives every voice packet and
      // sends ours (the client runs one I/O thread per session): it is on
      // the voice path as much as the audio thread is.
      if (config_.audio.realtime_priority) {
        network_thread_raised_ = true;
        (void)net::raiseVoiceThread(net::VoiceThread::Network);
      }
      audio_wake_->start();
      armFeedbackTimer();
    }
  });
  return {};
}

void Call::stop() {
  if (engine_) {
    engine_->stop();
  }
  if (video_receiver_) {
    video_receiver_->stop();
  }
  // The transport's socket and timers belong to the strand; closing them
  // there keeps their handlers from racing the close. The video senders too:
  // setCameraSource/setScreenSource swap them there.
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  asio::post(strand_, [this, done] {
    for (auto* sender : {camera_.get(), screen_.get()}) {
      if (sender != nullptr) {
        sender->stop();
      }
    }
    peer_.reset();  // joins the ICE agent's thread
    if (route_timer_) {
      route_timer_->cancel();
    }
    if (transport_) {
      transport_->stop();
    }
    if (feedback_timer_) {
      feedback_timer_->cancel();
    }
    audio_wake_->stop();  // the audio thread was joined above: no notify after this
    if (network_thread_raised_) {
      // The session's I/O thread outlives the call.
      net::restoreThreadPriority();
      network_thread_raised_ = false;
    }
    done->set_value();
  });
  // The strand's executor may already be stopped (the io_context ended):
  // then nothing runs there any more and there is nothing to race.
  if (finished.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
    for (auto* sender : {camera_.get(), screen_.get()}) {
      if (sender != nullptr) {
        sender->stop();
      }
    }
  }
}

void Call::setMuted(bool muted) {
  if (engine_) {
    engine_->setMuted(muted);
  }
}

int Call::inputLevelDbov() const {
  return engine_ ? engine_->inputLevelDbov() : media::AudioEngine::kSilentDbov;
}

void Call::setPathObserver(std::function<void(MediaPath)> observer) {
  asio::post(strand_, [this, observer = std::move(observer)]() mutable {
    path_observer_ = std::move(observer);
  });
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
    if (camera_) {
      camera_->setStream(offer.video_ssrc, offer.video_low_ssrc, offer.video_payload_type);
    }
    if (screen_) {
      screen_->setStream(offer.screen_ssrc, offer.screen_low_ssrc, offer.video_payload_type);
    }
    offer_.audio_ssrc = offer.audio_ssrc;
    offer_.video_ssrc = offer.video_ssrc;
    offer_.video_low_ssrc = offer.video_low_ssrc;
    offer_.screen_ssrc = offer.screen_ssrc;
    offer_.screen_low_ssrc = offer.screen_low_ssrc;
    offer_.server_ssrc = offer.server_ssrc;
    offer_.video_payload_type = offer.video_payload_type;
    offer_.connection_method = offer.connection_method;
    offer_.first_hop_address = offer.first_hop_address;
    offer_.first_hop_port = offer.first_hop_port;
    // Until the server's estimate arrives: a start that any link of a
    // meeting can take, raised within seconds when there is more.
    applySendBudget(send_budget_bps_ > 0 ? send_budget_bps_ : 2'000'000);
    transport_->configure(std::move(offer));
  });
}

void Call::onMediaPacket(std::string packet) {
  asio::post(strand_,
             [this, alive = std::weak_ptr<bool>(alive_), packet = std::move(packet)]() mutable {
               if (auto still = alive.lock(); still && *still) {
                 transport_->onChannelPacket(std::move(packet));
               }
             });
}

void Call::onVideoCodecChanged(const std::string& /*codec*/, std::uint8_t payload_type) {
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_), payload_type] {
    if (auto still = alive.lock(); !still || !*still) {
      return;
    }
    offer_.video_payload_type = payload_type;
    if (camera_) {
      camera_->setStream(offer_.video_ssrc, offer_.video_low_ssrc, payload_type);
    }
    if (screen_) {
      screen_->setStream(offer_.screen_ssrc, offer_.screen_low_ssrc, payload_type);
    }
  });
}

void Call::onParticipantsChanged(const std::vector<ParticipantInfo>& participants) {
  std::map<std::uint32_t, std::string> users;
  std::map<std::uint32_t, media::VideoSourceKey> video_sources;
  {
    std::lock_guard lock(users_mu_);
    users_for_sink_.clear();
    for (const auto& p : participants) {
      users_for_sink_[p.id] = p.user;
    }
  }
  for (const auto& p : participants) {
    for (auto ssrc :
         {p.audio_ssrc, p.video_ssrc, p.screen_ssrc, p.video_low_ssrc, p.screen_low_ssrc}) {
      users[ssrc] = p.user;
    }
    video_sources[p.video_ssrc] = media::VideoSourceKey{p.id, false};
    video_sources[p.video_low_ssrc] = media::VideoSourceKey{p.id, false};
    video_sources[p.screen_ssrc] = media::VideoSourceKey{p.id, true};
    video_sources[p.screen_low_ssrc] = media::VideoSourceKey{p.id, true};
  }
  if (video_receiver_) {
    video_receiver_->setSources(std::move(video_sources));
  }
  asio::post(strand_,
             [this, alive = std::weak_ptr<bool>(alive_), users = std::move(users)]() mutable {
               if (auto still = alive.lock(); still && *still) {
                 ssrc_users_ = std::move(users);
               }
             });
}

void Call::onMediaStopped() {
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (auto still = alive.lock(); still && *still) {
      endPeerPath(false, "the connection to the server is gone");
      transport_->stop();
      if (engine_) {
        engine_->setSendStream(0, audio_pt_);  // nothing to send until the next offer
      }
    }
  });
}

}  // namespace parley::client
