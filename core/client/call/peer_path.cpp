#include "core/client/call/peer_path.h"

#include <asio/post.hpp>

#include "core/client/call/send_buffer.h"
#include "media/rtp/rtcp_packet.h"

namespace parley::client {

namespace {

std::optional<net::IceTurnServer::Transport> turnTransport(const std::string& name) {
  if (name == "udp") {
    return net::IceTurnServer::Transport::Udp;
  }
  if (name == "tcp") {
    return net::IceTurnServer::Transport::Tcp;
  }
  if (name == "tls") {
    return net::IceTurnServer::Transport::Tls;
  }
  return std::nullopt;
}

}  // namespace

PeerPath::PeerPath(asio::any_io_executor executor, PeerPathConfig config, const Clock& clock,
                   PeerPathStartInfo start, std::uint32_t local_ssrc, PeerSignalSender send_signal)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      clock_(clock),
      start_(std::move(start)),
      local_ssrc_(local_ssrc),
      send_signal_(std::move(send_signal)),
      dtls_timer_(executor_),
      tick_timer_(executor_) {
  send_buffer_.reserve(kSendBufferCapacity);
}

PeerPath::~PeerPath() {
  *alive_ = false;
  dtls_timer_.cancel();
  tick_timer_.cancel();
  agent_.reset();  // joins the agent's thread: no callback after this
}

void PeerPath::fail(const std::string& why) {
  if (state_ == State::Failed) {
    return;
  }
  state_ = State::Failed;
  dtls_timer_.cancel();
  tick_timer_.cancel();
  if (observer_) {
    observer_(state_, why);
  }
}

void PeerPath::start() {
  started_at_ = clock_.now();
  auto identity = net::DtlsIdentity::create();
  if (!identity) {
    fail(identity.error().detail);
    return;
  }
  identity_ = *identity;

  net::IceAgentConfig ice;
  ice.controlling = start_.controlling;
  ice.host_addresses =
      net::selectHostAddresses(net::listLocalInterfaceAddresses(), config_.interfaces);
  ice.offer_host_candidates = !config_.hide_local_addresses;
  ice.proxy = config_.proxy;
  ice.realtime_priority = config_.realtime_priority;
  for (const auto& server : start_.servers) {
    if (server.kind == "stun" && !ice.stun) {
      ice.stun = net::IceStunServer{server.address, server.port};
    } else if (server.kind == "turn") {
      if (auto transport = turnTransport(server.transport)) {
        ice.turn.push_back(net::IceTurnServer{server.address, server.port, *transport,
                                              server.username, server.password});
      }
    }
  }

  // The agent's thread posts here; `alive` guards against a path destroyed
  // meanwhile (the agent is joined first, but posted work may be queued).
  std::weak_ptr<bool> alive = alive_;
  auto post = [this, alive](auto job) {
    asio::post(executor_, [alive, job = std::move(job)]() mutable {
      if (auto still = alive.lock(); still && *still) {
        job();
      }
    });
  };
  net::IceEvents events;
  events.on_candidate = [this, post](std::string candidate) {
    post([this, candidate = std::move(candidate)] {
      mark(milestones_.first_candidate);
      local_candidates_.push_back(candidate);
      PeerSignalInfo signal;
      signal.attempt = start_.attempt;
      signal.candidates.push_back(candidate);
      send_signal_(std::move(signal));
    });
  };
  events.on_gathering_done = [this, post] {
    post([this] {
      PeerSignalInfo signal;
      signal.attempt = start_.attempt;
      signal.end_of_candidates = true;
      send_signal_(std::move(signal));
    });
  };
  events.on_state = [this, post](net::IceState state) {
    post([this, state] { onIceState(state); });
  };
  events.on_selected_pair = [this, post](net::IceSelectedPair pair) {
    post([this, pair = std::move(pair)] {
      pair_ = pair;
      flushDtls();
    });
  };
  events.on_datagram = [this, post](std::span<const std::byte> datagram) {
    post([this, copy = std::vector<std::byte>(datagram.begin(), datagram.end())]() mutable {
      onDatagram(std::move(copy));
    });
  };
  if (!ice.stun && config_.fallback_stun) {
    ice.stun = config_.fallback_stun;
  }
  auto agent = net::IceAgent::create(std::move(ice), std::move(events));
  if (!agent) {
    fail(agent.error().detail);
    return;
  }
  agent_ = std::move(*agent);

  PeerSignalInfo hello;
  hello.attempt = start_.attempt;
  const auto credentials = agent_->localCredentials();
  hello.ice_ufrag = credentials.ufrag;
  hello.ice_pwd = credentials.pwd;
  hello.dtls_fingerprint = identity_->fingerprint();
  send_signal_(std::move(hello));
  if (auto gathering = agent_->gather(); !gathering) {
    fail(gathering.error().detail);
    return;
  }
  armTick();
}

void PeerPath::onSignal(const PeerSignalInfo& signal) {
  if (state_ == State::Failed || !agent_ || signal.attempt != start_.attempt) {
    return;
  }
  if (!signal.ice_ufrag.empty() && !have_remote_credentials_) {
    if (auto ok = agent_->setRemoteCredentials({signal.ice_ufrag, signal.ice_pwd}); !ok) {
      fail(ok.error().detail);
      return;
    }
    have_remote_credentials_ = true;
    mark(milestones_.remote_credentials);
    remote_fingerprint_ = signal.dtls_fingerprint;
    maybeStartDtls();
  }
  for (const auto& candidate : signal.candidates) {
    // One bad candidate is the peer's problem, not the path's: skip it.
    if (!agent_->addRemoteCandidate(candidate)) {
      ++counters_.rejected_candidates;
    }
  }
  if (signal.end_of_candidates) {
    agent_->remoteGatheringDone();
  }
}

void PeerPath::onIceState(net::IceState state) {
  if (state_ == State::Failed) {
    return;
  }
  if (state == net::IceState::Failed) {
    fail(ice_connected_ ? "the peer path stopped answering (consent lost)"
                        : "no candidate pair connected");
    return;
  }
  if (state == net::IceState::Connected && !ice_connected_) {
    ice_connected_ = true;
    mark(milestones_.ice_connected);
    maybeStartDtls();
  }
}

void PeerPath::maybeStartDtls() {
  // Without the relayed fingerprint there is nothing to check the peer
  // against: wait for its first signal (its DTLS flight will be resent).
  if (dtls_ || !ice_connected_ || remote_fingerprint_.empty()) {
    return;
  }
  // The controlling side is the DTLS client (both sides know who that is
  // from PeerPathStart, so no a=setup negotiation is needed).
  const auto role = start_.controlling ? net::DtlsRole::Client : net::DtlsRole::Server;
  auto dtls = net::DtlsSrtpHandshake::create(role, identity_, remote_fingerprint_,
                                             [this](std::span<const std::byte> datagram) {
                                               sendDtls(datagram);
                                             });
  if (!dtls) {
    fail(dtls.error().detail);
    return;
  }
  dtls_ = std::move(*dtls);
  dtls_->start();
  onDtlsProgress();
}

void PeerPath::onDtlsProgress() {
  if (!dtls_) {
    return;
  }
  switch (dtls_->state()) {
    case net::DtlsSrtpHandshake::State::Failed:
      fail(dtls_->error().toString());
      return;
    case net::DtlsSrtpHandshake::State::Done:
      if (!outbound_) {
        auto keys = dtls_->keys();
        if (!keys) {
          fail(keys.error().detail);
          return;
        }
        const bool client = dtls_->role() == net::DtlsRole::Client;
        auto out = net::SrtpSession::create(net::SrtpSession::Direction::Outbound,
                                            client ? keys->client_write : keys->server_write);
        auto in = net::SrtpSession::create(net::SrtpSession::Direction::Inbound,
                                           client ? keys->server_write : keys->client_write);
        if (!out || !in) {
          fail("SRTP session for the peer path could not be created");
          return;
        }
        outbound_.emplace(std::move(*out));
        inbound_.emplace(std::move(*in));
        mark(milestones_.dtls_done);
        dtls_timer_.cancel();
        sendKeepalive();  // the peer's proof of life, at once
      }
      return;
    default:
      armDtlsTimer();
      return;
  }
}

void PeerPath::armDtlsTimer() {
  const auto wait = dtls_ ? dtls_->timeout() : std::nullopt;
  if (!wait) {
    return;
  }
  dtls_timer_.expires_after(*wait);
  std::weak_ptr<bool> alive = alive_;
  dtls_timer_.async_wait([this, alive](const asio::error_code& ec) {
    auto still = alive.lock();
    if (ec || !still || !*still || !dtls_) {
      return;
    }
    dtls_->onTimeout();
    onDtlsProgress();
  });
}

void PeerPath::onDatagram(std::vector<std::byte> datagram) {
  if (state_ == State::Failed) {
    return;
  }
  if (net::looksLikeDtls(datagram)) {
    if (!dtls_) {
      // The peer finished its checks first and its ClientHello is here
      // before our own Connected: start now, the agent can already send.
      ice_connected_ = true;
      mark(milestones_.ice_connected);
      maybeStartDtls();
    }
    if (dtls_) {
      dtls_->onDatagram(datagram);
      onDtlsProgress();
    }
    return;
  }
  if (!net::looksLikeRtp(datagram) || !inbound_) {
    return;
  }
  const bool rtcp = datagram.size() >= 2 && std::to_integer<unsigned>(datagram[1]) >= 192 &&
                    std::to_integer<unsigned>(datagram[1]) <= 223;
  auto plain = rtcp ? inbound_->unprotectRtcp(datagram) : inbound_->unprotectRtp(datagram);
  if (!plain) {
    ++counters_.dropped_auth;
    return;
  }
  ++counters_.received;
  last_rx_ = clock_.now();
  const std::span<const std::byte> packet(datagram.data(), *plain);
  if (state_ == State::Connecting) {
    state_ = State::Verified;  // ICE connected, DTLS done, and the peer's SRTP arrived
    mark(milestones_.verified);
    if (observer_) {
      observer_(state_, pathName());
    }
  }
  if (rtcp) {
    onRtcp(packet);
  }
  if (receiver_) {
    receiver_(packet, rtcp);
  }
}

void PeerPath::onRtcp(std::span<const std::byte> plain) {
  auto compound = media::parseRtcp(plain);
  if (!compound) {
    return;
  }
  const auto now = clock_.now();
  for (const auto& sr : compound->sender_reports) {
    peer_ssrc_ = sr.ssrc;
    peer_lsr_ = static_cast<std::uint32_t>(sr.ntp_timestamp >> 16);
    peer_sr_at_ = now;
    for (const auto& block : sr.report_blocks) {
      if (block.ssrc != local_ssrc_ || block.last_sr == 0) {
        continue;
      }
      // RFC 3550 6.4.1: now - LSR - DLSR, in 1/65536 s.
      const std::uint32_t units = ntpMiddle(now) - block.last_sr - block.delay_since_last_sr;
      if (units < 65536U * 10U) {
        rtt_ = std::chrono::duration_cast<Clock::Duration>(
            std::chrono::microseconds(static_cast<std::int64_t>(units) * 1'000'000 / 65536));
      }
    }
  }
}

std::uint32_t PeerPath::ntpMiddle(Clock::TimePoint at) const {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch());
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(us.count()) << 16) / 1'000'000);
}

void PeerPath::sendKeepalive() {
  if (!outbound_) {
    return;
  }
  const auto now = clock_.now();
  last_keepalive_ = now;
  media::SenderReport sr;
  sr.ssrc = local_ssrc_;
  sr.ntp_timestamp = static_cast<std::uint64_t>(ntpMiddle(now)) << 16;
  if (peer_ssrc_ != 0) {
    media::ReportBlock block;
    block.ssrc = peer_ssrc_;
    block.last_sr = peer_lsr_;
    block.delay_since_last_sr = ntpMiddle(now) - ntpMiddle(peer_sr_at_);
    sr.report_blocks.push_back(block);
  }
  std::vector<std::byte> packet;
  media::appendSenderReport(sr, packet);
  send(std::move(packet), true);
}

bool PeerPath::send(std::span<const std::byte> packet, bool rtcp) {
  if (state_ == State::Failed || !outbound_ || !agent_) {
    return false;
  }
  std::vector<std::byte>& plain = send_buffer_;
  plain.assign(packet.begin(), packet.end());
  auto ok = rtcp ? outbound_->protectRtcp(plain) : outbound_->protectRtp(plain);
  if (!ok) {
    return false;
  }
  if (!agent_->send(plain)) {
    return false;
  }
  ++counters_.sent;
  return true;
}

void PeerPath::armTick() {
  tick_timer_.expires_after(config_.keepalive_interval);
  std::weak_ptr<bool> alive = alive_;
  tick_timer_.async_wait([this, alive](const asio::error_code& ec) {
    auto still = alive.lock();
    if (ec || !still || !*still) {
      return;
    }
    onTick();
  });
}

void PeerPath::onTick() {
  if (state_ == State::Failed) {
    return;
  }
  const auto now = clock_.now();
  if (state_ == State::Connecting && now - started_at_ >= config_.connect_timeout) {
    fail("the peer path did not connect within " + std::to_string(config_.connect_timeout.count()) +
         " ms");
    return;
  }
  if (state_ == State::Verified && now - last_rx_ >= config_.silence_timeout) {
    fail("nothing heard on the peer path for " + std::to_string(config_.silence_timeout.count()) +
         " ms");
    return;
  }
  sendKeepalive();
  armTick();
}

void PeerPath::sendDtls(std::span<const std::byte> datagram) {
  if (!agent_) {
    return;
  }
  // The peer's ClientHello can arrive before our own agent has selected a
  // pair to answer on: keep the answer until it has, rather than lose it to
  // the peer's resend timer.
  if (!pair_ || !agent_->send(datagram)) {
    if (unsent_dtls_.size() < kMaxUnsentDtls) {
      unsent_dtls_.emplace_back(datagram.begin(), datagram.end());
    }
  }
}

void PeerPath::flushDtls() {
  if (!agent_) {
    return;
  }
  while (!unsent_dtls_.empty() && agent_->send(unsent_dtls_.front())) {
    unsent_dtls_.pop_front();
  }
}

void PeerPath::mark(std::optional<Clock::Duration>& milestone) {
  if (!milestone) {
    milestone = clock_.now() - started_at_;
  }
}

std::string PeerPath::pathName() const {
  return pair_ && pair_->relayed() ? "relayed (TURN)" : "peer-to-peer";
}

}  // namespace parley::client
