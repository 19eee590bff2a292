// The Call's side of peer paths: which path outgoing media takes, and the
// switches between the server and a PeerPath.
//
//   Server --peer path verified--> Both (1 s) --> Peer
//     ^                                            |
//     +-- Both (0.5 s) <-- the server stops it ----+  (a third member joined)
//     +------------------ the path failed ----------+  (at once)
//
// While both paths carry media the receiver plays whichever copy arrives
// first (DuplicateFilter in onPlain), so a switch loses nothing; each switch
// asks our own encoders for key frames, so pictures continue on the new path
// at once. The server path (MediaTransport) stays configured and probing the
// whole time, so going back needs no setup.

#include <algorithm>
#include <asio/post.hpp>

#include "core/client/call/call.h"
#include "media/rtp/rtp_packet.h"

namespace parley::client {

namespace {

constexpr auto kSwitchInOverlap = std::chrono::milliseconds(1000);
constexpr auto kSwitchOutOverlap = std::chrono::milliseconds(500);
// 50 ms each: how long a new attempt waits for the server's media port to
// resolve (its STUN answer is our public address).
constexpr int kStartWaitTries = 40;

std::uint32_t ssrcOf(std::span<const std::byte> rtp) {
  if (rtp.size() < 12) {
    return 0;
  }
  return (std::to_integer<std::uint32_t>(rtp[8]) << 24) |
         (std::to_integer<std::uint32_t>(rtp[9]) << 16) |
         (std::to_integer<std::uint32_t>(rtp[10]) << 8) | std::to_integer<std::uint32_t>(rtp[11]);
}

}  // namespace

void Call::sendMedia(std::span<const std::byte> plain, bool rtcp, net::TrafficClass traffic_class) {
  const bool peer_ready = peer_ && peer_->state() == PeerPath::State::Verified;
  // The small simulcast layers exist for the server to choose from; the
  // peer gets the full pictures.
  const bool small_layer =
      !rtcp && (ssrcOf(plain) == offer_.video_low_ssrc || ssrcOf(plain) == offer_.screen_low_ssrc);
  const bool to_peer = peer_ready && route_ != Route::Server && !small_layer;
  const bool to_server = route_ != Route::Peer || !peer_ready;
  if (to_peer && to_server) {
    (void)peer_->send(plain, rtcp);
    transport_->send(plain, rtcp, traffic_class);
  } else if (to_peer) {
    (void)peer_->send(plain, rtcp);
  } else if (to_server) {
    transport_->send(plain, rtcp, traffic_class);
  }
}

void Call::requestOwnKeyFrames() {
  if (camera_) {
    camera_->requestKeyFrame(offer_.video_ssrc);
  }
  if (screen_) {
    screen_->requestKeyFrame(offer_.screen_ssrc);
  }
}

void Call::setRoute(Route route) {
  ++route_generation_;
  if (route_timer_) {
    route_timer_->cancel();
  }
  if (route != route_) {
    route_ = route;
    requestOwnKeyFrames();
  }
}

void Call::onPeerPathStart(PeerPathStartInfo start, PeerSignalSender send_signal,
                           PeerStateSender send_state) {
  asio::post(strand_,
             [this, alive = std::weak_ptr<bool>(alive_), start = std::move(start),
              send_signal = std::move(send_signal), send_state = std::move(send_state)]() mutable {
               if (auto still = alive.lock(); !still || !*still) {
                 return;
               }
               endPeerPath(false, "a new attempt");
               peer_start_received_ = clock_.now();
#ifndef PARLEY_HAVE_ICE
               // This build has no ICE agent (docs/windows.md): the server carries all.
               config_.peer_enabled = false;
#endif
               if (!config_.peer_enabled) {
                 send_state(start.attempt, "via server", 0);
                 return;
               }
               peer_signal_ = std::move(send_signal);
               peer_state_ = std::move(send_state);
               pending_signals_.clear();
               pending_attempt_ = start.attempt;
               startPeerPath(std::move(start), kStartWaitTries);
             });
}

void Call::startPeerPath(PeerPathStartInfo start, int tries_left) {
  if (pending_attempt_ != start.attempt) {
    return;  // a newer attempt, or stopped meanwhile
  }
  // With no STUN server named, our public address comes from the server's
  // media port, which the transport resolves just after the offer: wait
  // for it a little (the peer's signals are kept meanwhile).
  const bool named_stun = std::any_of(start.servers.begin(), start.servers.end(),
                                      [](const IceServerInfo& s) { return s.kind == "stun"; });
  if (!named_stun && !transport_->serverUdpEndpoint() && transport_->path() == MediaPath::Probing &&
      tries_left > 0) {
    if (!peer_start_timer_) {
      peer_start_timer_ = std::make_unique<asio::steady_timer>(strand_);
    }
    peer_start_timer_->expires_after(std::chrono::milliseconds(50));
    peer_start_timer_->async_wait([this, alive = std::weak_ptr<bool>(alive_),
                                   start = std::move(start),
                                   tries_left](const asio::error_code& ec) mutable {
      if (auto still = alive.lock(); !ec && still && *still) {
        startPeerPath(std::move(start), tries_left - 1);
      }
    });
    return;
  }
  pending_attempt_.reset();
  {
    // TURN over TCP/TLS leaves the way the control connection did: through
    // the same web proxy or SOCKS5 server (libnice speaks HTTP CONNECT with
    // Basic credentials and SOCKS5), or directly.
    PeerPathConfig peer_config = config_.peer;
    if (offer_.connection_method == "http" || offer_.connection_method == "socks5") {
      peer_config.proxy.type = offer_.connection_method == "http" ? net::IceProxy::Type::Http
                                                                  : net::IceProxy::Type::Socks5;
      peer_config.proxy.ip = offer_.first_hop_address;
      peer_config.proxy.port = offer_.first_hop_port;
    } else {
      peer_config.proxy.type = net::IceProxy::Type::None;
    }
    if (auto server = transport_->serverUdpEndpoint()) {
      peer_config.fallback_stun = net::IceStunServer{server->address().to_string(), server->port()};
    }
    peer_start_waited_ = clock_.now() - peer_start_received_;
    peer_ = std::make_unique<PeerPath>(strand_, peer_config, clock_, std::move(start),
                                       offer_.audio_ssrc, peer_signal_);
    peer_->setReceiver(
        [this](std::span<const std::byte> plain, bool rtcp) { onPlain(plain, rtcp, true); });
    peer_->setStateObserver(
        [this](PeerPath::State state, const std::string& why) { onPeerState(state, why); });
    peer_->start();
    for (const auto& signal : std::exchange(pending_signals_, {})) {
      if (peer_) {
        peer_->onSignal(signal);
      }
    }
  }
}

void Call::onPeerSignal(PeerSignalInfo signal) {
  asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_), signal = std::move(signal)] {
    if (auto still = alive.lock(); !still || !*still) {
      return;
    }
    if (peer_) {
      peer_->onSignal(signal);
    } else if (pending_attempt_ == signal.attempt && pending_signals_.size() < 64) {
      pending_signals_.push_back(signal);  // the path starts in a moment
    }
  });
}

void Call::onPeerPathStop(std::uint64_t attempt, std::string reason) {
  asio::post(strand_,
             [this, alive = std::weak_ptr<bool>(alive_), attempt, reason = std::move(reason)] {
               if (auto still = alive.lock(); !still || !*still) {
                 return;
               }
               if ((peer_ && peer_->attempt() == attempt) || pending_attempt_ == attempt) {
                 endPeerPath(true, reason);
               }
             });
}

void Call::onPeerState(PeerPath::State state, const std::string& why) {
  if (!peer_) {
    return;
  }
  const auto attempt = peer_->attempt();
  if (state == PeerPath::State::Verified) {
    setRoute(Route::Both);
    const auto rtt = peer_->roundTrip();
    if (peer_state_) {
      peer_state_(attempt, peer_->pathName(),
                  rtt ? static_cast<std::uint32_t>(
                            std::chrono::duration_cast<std::chrono::milliseconds>(*rtt).count())
                      : 0);
    }
    if (!route_timer_) {
      route_timer_ = std::make_unique<asio::steady_timer>(strand_);
    }
    route_timer_->expires_after(kSwitchInOverlap);
    const auto generation = route_generation_;
    route_timer_->async_wait(
        [this, alive = std::weak_ptr<bool>(alive_), generation](const asio::error_code& ec) {
          auto still = alive.lock();
          if (ec || !still || !*still || generation != route_generation_) {
            return;
          }
          if (peer_ && peer_->state() == PeerPath::State::Verified) {
            route_ = Route::Peer;
          }
        });
    return;
  }
  if (state == PeerPath::State::Failed) {
    if (peer_state_) {
      peer_state_(attempt, "via server", 0);
    }
    ++peer_failures_;
    peer_last_failure_ = why;
    // Not from inside the path's own callback: destroy it on the next step.
    asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_), attempt] {
      if (auto still = alive.lock(); still && *still && peer_ && peer_->attempt() == attempt) {
        endPeerPath(false, "failed");
      }
    });
    setRoute(Route::Server);
  }
}

void Call::endPeerPath(bool overlap, const std::string& /*why*/) {
  pending_attempt_.reset();
  pending_signals_.clear();
  if (!peer_) {
    setRoute(Route::Server);
    return;
  }
  if (!overlap || peer_->state() != PeerPath::State::Verified) {
    setRoute(Route::Server);
    dropPeerPath();
    return;
  }
  // Both paths for a moment, then the server's alone.
  setRoute(Route::Both);
  if (!route_timer_) {
    route_timer_ = std::make_unique<asio::steady_timer>(strand_);
  }
  route_timer_->expires_after(kSwitchOutOverlap);
  const auto generation = route_generation_;
  const auto attempt = peer_->attempt();
  route_timer_->async_wait(
      [this, alive = std::weak_ptr<bool>(alive_), generation, attempt](const asio::error_code& ec) {
        auto still = alive.lock();
        if (ec || !still || !*still || generation != route_generation_) {
          return;
        }
        setRoute(Route::Server);
        if (peer_ && peer_->attempt() == attempt) {
          dropPeerPath();
        }
      });
}

void Call::dropPeerPath() {
  if (peer_) {
    peer_rejected_candidates_ += peer_->counters().rejected_candidates;
    peer_.reset();
  }
}

}  // namespace parley::client
