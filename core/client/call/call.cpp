#include "core/client/call/call.h"

#include <asio/post.hpp>
#include <future>

#include "media/congestion/bitrate_allocator.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/rtcp_packet.h"
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

void Call::setVideoSources(std::unique_ptr<media::VideoSource> camera,
                           std::unique_ptr<media::VideoSource> screen) {
  camera_source_ = std::move(camera);
  screen_source_ = std::move(screen);
}

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
  engine_->start([this] { scheduleDrain(drain_scheduled_, &Call::drainAudio); });

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
      });
  asio::post(strand_, [this, alive] {
    if (auto still = alive.lock(); still && *still) {
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

void Call::setPathObserver(std::function<void(MediaPath)> observer) {
  asio::post(strand_, [this, observer = std::move(observer)]() mutable {
    path_observer_ = std::move(observer);
  });
}

void Call::drainAudio() {
  drain_scheduled_ = false;
  sendWaitingAudio();
}

void Call::sendWaitingAudio() {
  if (!engine_) {
    return;
  }
  engine_->drainOutgoing([this](std::span<const std::byte> rtp) {
    sendMedia(std::vector<std::byte>(rtp.begin(), rtp.end()), false, net::TrafficClass::Audio);
  });
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
      sendMedia(std::vector<std::byte>(rtp.begin(), rtp.end()), false, net::TrafficClass::Video);
    });
  }
}

void Call::onPlain(std::span<const std::byte> plain, bool rtcp, bool from_peer) {
  if (rtcp) {
    onRtcp(plain, from_peer);
    return;
  }
  auto rtp = media::parseRtp(plain);
  if (!rtp) {
    return;
  }
  // During a switch both paths deliver: play what came first.
  if (duplicates_.seen(rtp->header.ssrc, rtp->header.sequence)) {
    ++duplicates_dropped_;
    return;
  }
  const auto pt = rtp->header.payload_type;
  reception_.onPacket(clock_.now(), rtp->header.ssrc, rtp->header.sequence);
  if (pt == audio_pt_ && engine_) {
    received_bytes_[rtp->header.ssrc] += plain.size();
    (void)engine_->pushIncoming(plain, clock_.now());
  } else if ((pt == media::kVp8PayloadType || pt == media::kVp9PayloadType) && video_receiver_) {
    video_stream_bytes_[rtp->header.ssrc] += plain.size();
    feedEstimator(*rtp, plain.size());
    (void)video_receiver_->pushIncoming(plain);
  }
}

void Call::onRtcp(std::span<const std::byte> plain, bool from_peer) {
  auto compound = media::parseRtcp(plain);
  if (!compound) {
    return;
  }
  for (const auto& pli : compound->plis) {
    for (auto* sender : {camera_.get(), screen_.get()}) {
      if (sender != nullptr) {
        sender->requestKeyFrame(pli.media_ssrc);
      }
    }
  }
  for (const auto& remb : compound->rembs) {
    // The estimate that counts is the one of the path our media takes: the
    // server's on the server path, the peer's own on the peer path.
    if (from_peer != (route_ == Route::Peer)) {
      continue;
    }
    last_remb_ = clock_.now();
    // The server's estimate of what our uplink carries.
    applySendBudget(
        static_cast<std::int64_t>(std::min<std::uint64_t>(remb.bitrate_bps, INT64_MAX)));
    if (!video_paused_) {
      restart_wait_ = std::chrono::seconds(2);
    }
  }
}

void Call::applySendBudget(std::int64_t bps) {
  send_budget_bps_ = std::min(bps, config_.max_send_bps);
  std::vector<media::VideoSourceDemand> demands;
  std::vector<media::VideoSender*> senders;
  if (screen_) {
    media::VideoSourceDemand d;
    d.kind = media::VideoSourceKind::Screen;
    d.high = media::kScreenLayerLimits;
    demands.push_back(d);
    senders.push_back(screen_.get());
  }
  if (camera_) {
    demands.push_back(media::VideoSourceDemand{});
    senders.push_back(camera_.get());
  }
  if (senders.empty()) {
    return;
  }
  const auto allocation = media::allocateBitrate(send_budget_bps_, media::AudioDemand{}, demands);
  video_paused_ = true;
  for (std::size_t i = 0; i < senders.size(); ++i) {
    senders[i]->setBitrates(static_cast<int>(allocation.video[i].high_bps / 1000),
                            static_cast<int>(allocation.video[i].low_bps / 1000));
    video_paused_ = video_paused_ && allocation.video[i].paused();
  }
  // Demands are in priority order: the first one's first layer restarts first.
  const auto& first = demands.front();
  unpause_bps_ =
      media::AudioDemand{}.bps + (first.simulcast ? first.low.min_bps : first.high.min_bps);
}

void Call::restartPausedVideo(Clock::TimePoint now) {
  // A budget that paused every video layer leaves the server's estimate of
  // our uplink without the video packets it measures, so no REMB would ever
  // raise it again: seen under CPU starvation, where one encode stall cut
  // the budget to 72 kbit/s and video stayed off for good. After a quiet
  // while without a REMB, the first layer restarts at its minimum: a probe
  // that the server's estimate then confirms or cuts again. On an uplink that
  // really is that thin each probe costs a burst, so the wait doubles (2 s
  // to 32 s) until a REMB lets video run again.
  constexpr auto kLongestWait = std::chrono::seconds(32);
  if (!video_paused_ || send_budget_bps_ <= 0 || now - last_remb_ < restart_wait_) {
    return;
  }
  last_remb_ = now;
  restart_wait_ = std::min<Clock::Duration>(restart_wait_ * 2, kLongestWait);
  applySendBudget(std::max(send_budget_bps_ * 3 / 2, unpause_bps_));
}

void Call::feedEstimator(const media::RtpPacketView& rtp, std::size_t size) {
  if (rtp.header.ssrc != estimator_ssrc_) {
    return;
  }
  // 90 kHz RTP time unwrapped to microseconds on the sender's clock.
  if (!estimator_has_ts_) {
    estimator_has_ts_ = true;
    estimator_last_ts_ = rtp.header.timestamp;
  }
  estimator_ts_ += static_cast<std::int32_t>(rtp.header.timestamp - estimator_last_ts_);
  estimator_last_ts_ = rtp.header.timestamp;
  estimator_.onPacket(clock_.now(), estimator_ts_ * 1000 / 90, size);
}

void Call::sendKeyFrameRequest(std::uint32_t ssrc) {
  if (!transport_->ready()) {
    return;
  }
  std::vector<std::byte> rtcp;
  media::ReceiverReport rr;
  rr.ssrc = offer_.audio_ssrc;
  media::appendReceiverReport(rr, rtcp);
  media::appendPli(media::Pli{offer_.audio_ssrc, ssrc}, rtcp);
  sendMedia(std::move(rtcp), true, net::TrafficClass::Video);
}

void Call::armFeedbackTimer() {
  if (!feedback_timer_) {
    feedback_timer_ = std::make_unique<asio::steady_timer>(strand_);
  }
  feedback_timer_->expires_after(std::chrono::milliseconds(250));
  feedback_timer_->async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const asio::error_code& ec) {
        auto still = alive.lock();
        if (ec || !still || !*still) {
          return;
        }
        sendFeedback();
        restartPausedVideo(clock_.now());
        armFeedbackTimer();
      });
}

void Call::sendFeedback() {
  const auto now = clock_.now();
  // Follow the biggest video stream we receive: its timestamps drive the
  // delay-based estimate of our downlink.
  std::uint32_t biggest = 0;
  std::uint64_t most = 0;
  for (const auto& [ssrc, bytes] : video_stream_bytes_) {
    const auto recent = bytes - last_video_stream_bytes_[ssrc];
    if (recent > most) {
      most = recent;
      biggest = ssrc;
    }
  }
  last_video_stream_bytes_ = video_stream_bytes_;
  if (biggest != 0 && biggest != estimator_ssrc_) {
    media::DelayBasedEstimatorConfig config;
    // A receiver assumes its downlink takes the whole budget until the delay
    // signal says otherwise (then the estimate falls within a second): the
    // server caps what it forwards by this, so a low start would show
    // everyone the small layer for the first seconds of every call.
    config.start_bps = estimator_ssrc_ == 0
                           ? config.max_bps
                           : std::max<std::int64_t>(estimator_.estimateBps(now), config.min_bps);
    estimator_ = media::DelayBasedEstimator(config);
    estimator_ssrc_ = biggest;
    estimator_has_ts_ = false;
    estimator_ts_ = 0;
  }
  if (!transport_->ready()) {
    return;
  }
  // Loss goes out every kReportInterval whatever the delay estimate does; a
  // REMB rides along when the estimator has one due (and brings the report
  // forward: its decreases must not wait).
  constexpr auto kReportInterval = std::chrono::milliseconds(500);
  const bool remb_due = estimator_ssrc_ != 0 && estimator_.shouldSendRemb(now);
  if (!remb_due && now - last_report_ < kReportInterval) {
    return;
  }
  media::ReceiverReport rr;
  rr.ssrc = offer_.audio_ssrc;
  rr.report_blocks = reception_.reportBlocks(now);
  if (!remb_due && rr.report_blocks.empty()) {
    return;
  }
  last_report_ = now;
  std::vector<std::byte> rtcp;
  media::appendReceiverReport(rr, rtcp);
  if (remb_due) {
    media::Remb remb;
    remb.sender_ssrc = offer_.audio_ssrc;
    remb.bitrate_bps = static_cast<std::uint64_t>(estimator_.estimateBps(now));
    remb.ssrcs = {estimator_ssrc_};
    media::appendRemb(remb, rtcp);
  }
  sendMedia(std::move(rtcp), true, net::TrafficClass::Video);
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
    const double seconds = last_stats_ == Clock::TimePoint{}
                               ? 0.0
                               : std::chrono::duration<double>(now - last_stats_).count();
    auto rate = [seconds](std::uint64_t bytes) {
      return seconds > 0 ? static_cast<double>(bytes) * 8.0 / 1000.0 / seconds : 0.0;
    };
    if (engine_) {
      const auto audio = engine_->stats();
      out.audio_packets_sent = audio.packets_sent;
      out.dtx_skipped = audio.dtx_skipped;
      out.audio_late_ticks = audio.late_ticks;
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
        stream.late = s.receive.jitter.late;
        stream.discarded = s.receive.jitter.discarded;
        stream.delay_ms =
            std::chrono::duration<double, std::milli>(s.receive.jitter.current_delay).count();
        stream.jitter_ms =
            std::chrono::duration<double, std::milli>(s.receive.jitter.jitter).count();
        const auto bytes = received_bytes_[s.ssrc];
        stream.kbps = rate(bytes - last_received_bytes_[s.ssrc]);
        last_received_bytes_[s.ssrc] = bytes;
        out.streams.push_back(std::move(stream));
      }
    }
    if (video_receiver_) {
      const auto video = video_receiver_->stats();
      for (const auto& source : video.sources) {
        CallStreamStats stream;
        stream.ssrc = source.last_ssrc;
        stream.kind = source.key.screen ? "screen" : "video";
        if (auto it = ssrc_users_.find(source.last_ssrc); it != ssrc_users_.end()) {
          stream.user = it->second;
        }
        stream.frames = source.frames_decoded;
        stream.key_frames = source.key_frames_decoded;
        stream.longest_frame_gap_ms = static_cast<double>(source.longest_frame_gap.count());
        stream.lost = source.frames_lost;
        stream.late = source.packets_too_late;
        stream.width = source.width;
        stream.height = source.height;
        // Per source, whichever layer the server forwards (both count).
        auto& last = last_source_bytes_[source.key];
        stream.kbps = rate(source.bytes - last);
        last = source.bytes;
        out.streams.push_back(std::move(stream));
      }
    }
    for (auto* sender : {camera_.get(), screen_.get()}) {
      if (sender != nullptr) {
        out.senders.push_back(sender->stats());
      }
    }
    out.video_sent_kbps = rate(last_video_sent_bytes_ - last_video_sent_reported_);
    last_video_sent_reported_ = last_video_sent_bytes_;
    out.send_budget_bps = send_budget_bps_;
    out.receive_estimate_bps = estimator_ssrc_ != 0 ? estimator_.estimateBps(now) : 0;
    out.received_kbps = rate(out.transport.received_bytes - last_received_total_);
    last_received_total_ = out.transport.received_bytes;
    last_stats_ = now;
    if (peer_) {
      out.peer_path =
          peer_->state() == PeerPath::State::Verified ? peer_->pathName() : "connecting";
      if (auto rtt = peer_->roundTrip()) {
        out.peer_rtt_ms = std::chrono::duration<double, std::milli>(*rtt).count();
      }
      out.peer_candidates = peer_->localCandidates();
      out.peer_sent = peer_->counters().sent;
      out.peer_received = peer_->counters().received;
      const auto ms = [&](Clock::Duration d) {
        return std::chrono::duration<double, std::milli>(peer_start_waited_ + d).count();
      };
      const auto& steps = peer_->milestones();
      out.peer_connect_ms.emplace_back("started", ms({}));
      for (const auto& [name, at] :
           {std::pair{"first_candidate", steps.first_candidate},
            std::pair{"remote_credentials", steps.remote_credentials},
            std::pair{"ice_connected", steps.ice_connected},
            std::pair{"dtls_done", steps.dtls_done}, std::pair{"verified", steps.verified}}) {
        if (at) {
          out.peer_connect_ms.emplace_back(name, ms(*at));
        }
      }
    }
    out.duplicates_dropped = duplicates_dropped_;
    out.peer_failures = peer_failures_;
    out.peer_last_failure = peer_last_failure_;
    out.peer_rejected_candidates =
        peer_rejected_candidates_ + (peer_ ? peer_->counters().rejected_candidates : 0);
    done(std::move(out));
  });
}

}  // namespace parley::client
