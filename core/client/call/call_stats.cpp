// Call::stats(): one snapshot of the call for the front end; rates are
// over the time since the previous snapshot.

#include <asio/post.hpp>

#include "core/client/call/call.h"

namespace parley::client {

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
      out.audio_reported_loss_pct = voice_loss_ * 100.0;
      out.audio_redundancy = redundancy_;
      out.audio_encoder_loss_pct = audio.expected_loss_percent;
      out.audio_red_packets = audio.red_packets_sent;
      out.audio_red_kbps = rate(audio.red_bytes_sent - last_red_bytes_);
      last_red_bytes_ = audio.red_bytes_sent;
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
        stream.fec_recovered = s.receive.fec_recovered;
        stream.red_recovered = s.receive.red_recovered;
        stream.loudest_dbov = s.loudest_dbov;
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
      out.video_packets_missing = video.packets_missing;
      out.video_nack_requested = video.nack_requested;
      out.video_packets_recovered = video.packets_recovered;
      out.video_repair_given_up = video.repair_given_up;
      out.video_key_frame_requests = video.key_frame_requests;
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
    out.repair = repair_;
    out.duplicates_dropped = duplicates_dropped_;
    out.peer_failures = peer_failures_;
    out.peer_last_failure = peer_last_failure_;
    out.peer_rejected_candidates =
        peer_rejected_candidates_ + (peer_ ? peer_->counters().rejected_candidates : 0);
    done(std::move(out));
  });
}

}  // namespace parley::client
