#include "core/server/interconnect/interconnect.h"

#include <spdlog/spdlog.h>
#include <algorithm>
#include <asio/connect.hpp>
#include <asio/post.hpp>
#include <asio/ssl.hpp>

#include "core/protocol/protocol_limits.h"
#include "core/server/interconnect/interconnect_proof.h"
#include "core/server/media/media_router.h"
#include "core/server/observability/log_text.h"
#include "core/server/rooms/room.h"
#include "core/server/server_context.h"
#include "core/transport/message_channel.h"

namespace parley::server {
namespace {

using asio::ip::tcp;
using protocol::Envelope;

constexpr std::chrono::milliseconds kFirstBackoff{500};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
// A link that carries nothing for kLinkSilence is gone (a firewall that
// starts dropping sends no reset); pings keep a quiet link heard.
constexpr std::chrono::seconds kPingInterval{2};
constexpr std::chrono::seconds kLinkSilence{8};
// Before the hello checks out, a connection gets what a stranger gets from a
// client port; an authenticated peer a deeper queue (history pages for a
// peer catching up, a presence listing a whole room).
constexpr std::size_t kMaxWaitingAccepts = 8;
transport::MessageChannel::Limits linkLimits(bool authenticated) {
  transport::MessageChannel::Limits limits;
  if (authenticated) {
    limits.max_queued_bytes = 32 * 1024 * 1024;
  } else {
    limits.max_queued_bytes = 64 * 1024;
    limits.max_frame_bytes = protocol::kMaxFrameBytesBeforeSignIn;
  }
  return limits;
}

}  // namespace

// One TLS connection to a peer server, before and after authentication.
class Interconnect::Link : public transport::MessageChannel::Handler,
                           public std::enable_shared_from_this<Interconnect::Link> {
 public:
  Link(std::weak_ptr<Interconnect> owner_of_link,
       asio::strand<asio::io_context::executor_type>& link_strand,
       std::shared_ptr<transport::MessageChannel> link_channel, LinkRole link_role,
       std::vector<std::byte> link_exporter, std::string shown_certificate, std::string dialed)
      : owner(std::move(owner_of_link)),
        strand(link_strand),
        timer(link_strand),
        channel(std::move(link_channel)),
        role(link_role),
        exporter(std::move(link_exporter)),
        certificate_der(std::move(shown_certificate)),
        expected_peer(std::move(dialed)) {}

  void onMessage(Envelope&& envelope) override {
    asio::post(strand, [self = shared_from_this(), envelope = std::move(envelope)]() mutable {
      self->last_heard = std::chrono::steady_clock::now();
      if (auto interconnect = self->owner.lock()) {
        interconnect->linkMessage(self, std::move(envelope));
      }
    });
  }
  void onClosed(const Error& reason) override {
    asio::post(strand, [self = shared_from_this(), reason] {
      self->closed = true;
      self->timer.cancel();
      if (auto interconnect = self->owner.lock()) {
        interconnect->linkClosed(self, reason);
      }
    });
  }

  // Until the hello: the handshake deadline; then pings and the silence check.
  void armTimer(std::chrono::steady_clock::duration after) {
    timer.expires_after(after);
    timer.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->closed) {
        return;
      }
      if (!self->authenticated) {
        self->channel->close(Error{ErrorCode::HandshakeTimeout,
                                   "interconnect: no valid hello within " +
                                       std::to_string(protocol::kHandshakeTimeout.count()) + " s"});
        return;
      }
      if (std::chrono::steady_clock::now() - self->last_heard >= kLinkSilence) {
        self->channel->close(Error{ErrorCode::KeepaliveTimeout,
                                   "interconnect: nothing heard from " + self->peer + " for " +
                                       std::to_string(kLinkSilence.count()) + " s"},
                             false);
        self->channel->abort();
        return;
      }
      self->channel->send(protocol::makePing(++self->ping_nonce));
      self->armTimer(kPingInterval);
    });
  }

  std::weak_ptr<Interconnect> owner;
  asio::strand<asio::io_context::executor_type>& strand;
  asio::steady_timer timer;
  std::shared_ptr<transport::MessageChannel> channel;
  const LinkRole role;
  const std::vector<std::byte> exporter;
  const std::string certificate_der;
  const std::string expected_peer;  // dialer: whom it dialed
  std::string peer;                 // once authenticated
  bool authenticated = false;
  bool awaiting_confirmation = false;  // acceptor: the dialer has not answered our hello yet
  bool closed = false;
  std::uint64_t ping_nonce = 0;
  std::chrono::steady_clock::time_point last_heard = std::chrono::steady_clock::now();
};

Interconnect::Interconnect(asio::io_context& io, const ServerConfig& config,
                           net::InterconnectTlsContexts tls)
    : io_(io),
      name_(config.name),
      config_(config),
      tls_(std::move(tls)),
      strand_(asio::make_strand(io)),
      acceptor_(strand_) {
  for (const auto& peer : config.interconnect_peers) {
    auto state = std::make_unique<PeerState>(strand_);
    state->config = peer;
    if (peer.name < name_ && (order_keeper_.empty() || peer.name < order_keeper_)) {
      order_keeper_ = peer.name;
    }
    peers_.emplace(peer.name, std::move(state));
  }
}

Interconnect::~Interconnect() = default;

Result<Endpoint> Interconnect::start(const std::shared_ptr<ServerContext>& ctx) {
  ctx_ = ctx;
  for (auto& [name, peer] : peers_) {
    if (!peer->config.certificate.empty()) {
      auto der = net::certificateFileDer(peer->config.certificate);
      if (!der) {
        return makeError(ErrorCode::ConfigInvalid,
                         "[[interconnect.peers]] " + name + ": " + der.error().detail);
      }
      peer->certificate_der = std::move(*der);
    }
  }
  asio::error_code ec;
  const tcp::endpoint ep(asio::ip::make_address(config_.udp.address, ec),
                         config_.interconnect_control_port);
  if (!ec) {
    acceptor_.open(ep.protocol(), ec);
  }
  if (!ec) {
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(ep, ec);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return makeError(ErrorCode::Io, "interconnect: cannot listen on " + ep.address().to_string() +
                                        ":" + std::to_string(ep.port()) + ": " + ec.message());
  }
  bound_port_ = acceptor_.local_endpoint(ec).port();
  if (auto ctx_media = ctx->media) {
    auto media_port =
        ctx_media->startRelay(asio::ip::udp::endpoint(ep.address(), config_.interconnect_port));
    if (!media_port) {
      return makeError(ErrorCode::Io, "interconnect: media port: " + media_port.error().detail);
    }
  }
  spdlog::info("interconnect: listening on {}:{} for {} peer(s); chat order kept by {}",
               ep.address().to_string(), bound_port_, peers_.size(),
               keepsChatOrder() ? name_ + " (this server)" : order_keeper_);
  asio::post(strand_, [self = shared_from_this()] {
    self->accept();
    for (auto& [name, peer] : self->peers_) {
      self->dial(*peer);
    }
  });
  return Endpoint{ep.address().to_string(), bound_port_};
}

void Interconnect::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    asio::error_code ignored;
    self->acceptor_.close(ignored);
    for (auto& [name, peer] : self->peers_) {
      peer->dial_timer.cancel();
      peer->unreachable_timer.cancel();
      if (peer->link) {
        peer->link->channel->close(Error{ErrorCode::ServerShutdown, "the server is shutting down"});
      }
    }
    for (auto& link : self->handshaking_) {
      link->channel->abort();
    }
  });
}

bool Interconnect::orderKeeperLinked() const {
  if (keepsChatOrder()) {
    return false;
  }
  std::lock_guard lock(linked_mu_);
  auto it = linked_.find(order_keeper_);
  return it != linked_.end() && it->second;
}

bool Interconnect::linkedForTest(const std::string& server) const {
  std::lock_guard lock(linked_mu_);
  auto it = linked_.find(server);
  return it != linked_.end() && it->second;
}

void Interconnect::accept() {
  if (stopped_) {
    return;
  }
  acceptor_.async_accept(asio::make_strand(io_),
                         [self = shared_from_this()](const asio::error_code& ec,
                                                     tcp::socket socket) {
                           asio::post(self->strand_, [self, ec,
                                                      socket = std::move(socket)]() mutable {
                             if (self->stopped_ || ec == asio::error::operation_aborted) {
                               return;
                             }
                             if (!ec) {
                               self->onAccepted(std::move(socket));
                             }
                             self->accept();
                           });
                         });
}

void Interconnect::onAccepted(tcp::socket socket) {
  // Only peers should reach this port (the firewall's rules say so); if
  // strangers do, they get a few handshakes at a time, never the server.
  const auto waiting = static_cast<std::size_t>(
      pending_accepts_ + std::count_if(handshaking_.begin(), handshaking_.end(), [](const auto& l) {
        return l->role == LinkRole::Acceptor;
      }));
  if (waiting >= kMaxWaitingAccepts) {
    asio::error_code ignored;
    socket.close(ignored);
    spdlog::debug("interconnect: refused a connection: {} already waiting to authenticate",
                  waiting);
    return;
  }
  asio::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  ++pending_accepts_;
  handshakeWithin(std::make_unique<net::TlsStream>(std::move(socket), *tls_.accepting),
                  asio::ssl::stream_base::server,
                  [self = shared_from_this()](const asio::error_code& hs_ec,
                                              std::unique_ptr<net::TlsStream> stream) {
                    asio::post(self->strand_, [self, hs_ec, stream = std::move(stream)]() mutable {
                      --self->pending_accepts_;
                      if (hs_ec) {
                        spdlog::warn("interconnect: TLS handshake with a dialing server failed: {}",
                                     hs_ec.message());
                        return;
                      }
                      self->startLink(std::move(stream), LinkRole::Acceptor, {});
                    });
                  });
}

void Interconnect::handshakeWithin(std::unique_ptr<net::TlsStream> stream,
                                   asio::ssl::stream_base::handshake_type type,
                                   HandshakeDone done) {
  // The timer and the handshake complete on the socket's own strand, so the
  // deadline never closes a socket whose handshake has finished.
  struct State {
    std::unique_ptr<net::TlsStream> stream;
    asio::steady_timer timer;
    bool finished = false;
  };
  auto executor = stream->get_executor();
  auto state = std::make_shared<State>(State{std::move(stream), asio::steady_timer(executor)});
  state->timer.expires_after(protocol::kHandshakeTimeout);
  state->timer.async_wait([state](const asio::error_code& ec) {
    if (!ec && !state->finished) {
      asio::error_code ignored;
      state->stream->lowest_layer().close(ignored);
    }
  });
  state->stream->async_handshake(type, [state, done = std::move(done)](const asio::error_code& ec) {
    state->finished = true;
    state->timer.cancel();
    done(ec, std::move(state->stream));
  });
}

void Interconnect::scheduleDial(PeerState& peer) {
  if (stopped_ || peer.link || peer.dialing) {
    return;
  }
  peer.dial_timer.expires_after(peer.backoff);
  peer.backoff = std::min(peer.backoff * 2, kMaxBackoff);
  peer.dial_timer.async_wait(
      [self = shared_from_this(), name = peer.config.name](const asio::error_code& ec) {
        if (ec) {
          return;
        }
        if (auto it = self->peers_.find(name); it != self->peers_.end()) {
          self->dial(*it->second);
        }
      });
}

void Interconnect::dial(PeerState& peer) {
  if (stopped_ || peer.link || peer.dialing) {
    return;
  }
  asio::error_code ec;
  const tcp::endpoint target(asio::ip::make_address(peer.config.address, ec),
                             peer.config.control_port);
  peer.dial_timer.cancel();
  peer.dialing = true;  // until it ends: no second dial meanwhile
  struct Connect {
    tcp::socket socket;
    asio::steady_timer timer;
    bool finished = false;
  };
  auto executor = asio::make_strand(io_);
  auto attempt =
      std::make_shared<Connect>(Connect{tcp::socket(executor), asio::steady_timer(executor)});
  attempt->timer.expires_after(protocol::kHandshakeTimeout);
  attempt->timer.async_wait([attempt](const asio::error_code& wait_ec) {
    if (!wait_ec && !attempt->finished) {
      asio::error_code ignored;
      attempt->socket.close(ignored);  // a peer whose firewall drops the SYN
    }
  });
  auto failed = [self = shared_from_this(), name = peer.config.name](const std::string& why) {
    asio::post(self->strand_, [self, name, why] {
      auto it = self->peers_.find(name);
      if (it == self->peers_.end()) {
        return;
      }
      spdlog::debug("interconnect: cannot reach {}: {}", name, why);
      it->second->dialing = false;
      self->scheduleDial(*it->second);
    });
  };
  attempt->socket.async_connect(target, [self = shared_from_this(), attempt, failed,
                                         name =
                                             peer.config.name](const asio::error_code& connect_ec) {
    attempt->finished = true;
    attempt->timer.cancel();
    if (connect_ec) {
      failed(connect_ec.message());
      return;
    }
    asio::error_code ignored;
    attempt->socket.set_option(tcp::no_delay(true), ignored);
    self->handshakeWithin(std::make_unique<net::TlsStream>(std::move(attempt->socket),
                                                           *self->tls_.dialing),
                          asio::ssl::stream_base::client,
                          [self, name, failed](const asio::error_code& hs_ec,
                                               std::unique_ptr<net::TlsStream> stream) {
                            if (hs_ec) {
                              failed("TLS handshake: " + hs_ec.message());
                              return;
                            }
                            asio::post(self->strand_,
                                       [self, name, stream = std::move(stream)]() mutable {
                                         auto it = self->peers_.find(name);
                                         if (it != self->peers_.end()) {
                                           it->second->dialing = false;
                                         }
                                         self->startLink(std::move(stream), LinkRole::Dialer, name);
                                       });
                          });
  });
}

void Interconnect::startLink(std::unique_ptr<net::TlsStream> stream, LinkRole role,
                             std::string expected_peer) {
  if (stopped_) {
    return;
  }
  auto exporter =
      net::exportKeyingMaterial(*stream, kInterconnectExporterLabel, kInterconnectExporterBytes);
  if (!exporter) {
    spdlog::warn("interconnect: {}", exporter.error().detail);
    return;
  }
  auto certificate = net::peerCertificateDer(*stream);
  auto channel = transport::MessageChannel::create(std::move(stream), linkLimits(false));
  auto link = std::make_shared<Link>(weak_from_this(), strand_, channel, role, std::move(*exporter),
                                     std::move(certificate), std::move(expected_peer));
  handshaking_.push_back(link);
  channel->start(link);
  link->armTimer(protocol::kHandshakeTimeout);
  if (role == LinkRole::Dialer) {
    // The dialer speaks first; the acceptor answers only a valid hello, so a
    // stranger learns nothing from it.
    auto it = peers_.find(link->expected_peer);
    Envelope hello;
    auto* h = hello.mutable_interconnect_hello();
    h->set_protocol_version(protocol::kProtocolVersion);
    h->set_server_name(name_);
    if (it != peers_.end() && !it->second->config.secret.empty()) {
      h->set_proof(
          interconnectProof(it->second->config.secret, LinkRole::Dialer, name_, link->exporter));
    }
    channel->send(hello);
  }
}

Interconnect::PeerState* Interconnect::authenticate(Link& link,
                                                    const proto::InterconnectHello& hello,
                                                    std::string& why) {
  const std::string& claimed = hello.server_name();
  auto it = peers_.find(claimed);
  if (it == peers_.end()) {
    why = "'" + logSafe(claimed) + "' is not one of this server's [[interconnect.peers]]";
    return nullptr;
  }
  if (link.role == LinkRole::Dialer && claimed != link.expected_peer) {
    why = "dialed " + link.expected_peer + " but '" + logSafe(claimed) + "' answered";
    return nullptr;
  }
  auto& peer = *it->second;
  const LinkRole their_role = link.role == LinkRole::Dialer ? LinkRole::Acceptor : LinkRole::Dialer;
  if (!peer.config.secret.empty() && !interconnectProofValid(hello.proof(), peer.config.secret,
                                                             their_role, claimed, link.exporter)) {
    why = claimed + " did not prove it holds the shared secret (wrong secret?)";
    return nullptr;
  }
  if (!peer.certificate_der.empty() && link.certificate_der != peer.certificate_der) {
    why = claimed + " did not show the certificate configured for it";
    return nullptr;
  }
  return &peer;
}

void Interconnect::linkMessage(const std::shared_ptr<Link>& link, Envelope&& envelope) {
  if (stopped_ || link->closed) {
    return;
  }
  if (!link->authenticated) {
    if (!envelope.has_interconnect_hello()) {
      link->channel->close(Error{ErrorCode::UnexpectedMessage,
                                 "interconnect: " + std::string(protocol::bodyName(envelope)) +
                                     " before the hello"});
      return;
    }
    std::string why;
    PeerState* peer = authenticate(*link, envelope.interconnect_hello(), why);
    if (peer == nullptr) {
      spdlog::warn("interconnect: refused a link ({}): {}",
                   link->role == LinkRole::Dialer ? "dialed" : "accepted", why);
      link->channel->close(Error{ErrorCode::AuthFailed, "interconnect: not authenticated"});
      return;
    }
    if (link->role == LinkRole::Acceptor) {
      Envelope hello;
      auto* h = hello.mutable_interconnect_hello();
      h->set_protocol_version(protocol::kProtocolVersion);
      h->set_server_name(name_);
      if (!peer->config.secret.empty()) {
        h->set_proof(
            interconnectProof(peer->config.secret, LinkRole::Acceptor, name_, link->exporter));
      }
      link->channel->send(hello);
    }
    link->authenticated = true;
    link->peer = peer->config.name;
    link->channel->setLimits(linkLimits(true));
    if (link->role == LinkRole::Dialer) {
      std::erase(handshaking_, link);
      linkUp(link, *peer);
    } else {
      // Up once the dialer has checked our hello too: it then sends its
      // presences at once (at least their end), and never if it refused us
      // (then an error notice and the close).
      // Until then handshaking_ keeps the link.
      link->awaiting_confirmation = true;
    }
    return;
  }
  if (link->awaiting_confirmation) {
    if (!envelope.has_room_presence()) {
      return;  // its refusal (an error notice, then the close), or a ping
    }
    link->awaiting_confirmation = false;
    std::erase(handshaking_, link);
    if (auto it = peers_.find(link->peer); it != peers_.end()) {
      linkUp(link, *it->second);
    }
  }
  switch (envelope.body_case()) {
    case Envelope::kPing:
      link->channel->send(protocol::makePong(envelope.ping().nonce()));
      return;
    case Envelope::kPong:
    case Envelope::kError:  // a fatal one is followed by the close
      return;
    default:
      break;
  }
  auto peer_it = peers_.find(link->peer);
  if (peer_it == peers_.end() || peer_it->second->link != link) {
    return;  // a duplicate link being closed
  }
  if (auto valid = protocol::validateContent(envelope); !valid) {
    link->channel->close(valid.error());
    return;
  }
  auto ctx = ctx_.lock();
  if (!ctx) {
    return;
  }
  switch (envelope.body_case()) {
    case Envelope::kRoomPresence:
      presenceFrom(link->peer, envelope.room_presence());
      break;
    case Envelope::kRelayChatSubmit: {
      if (!keepsChatOrder()) {
        link->channel->close(Error{ErrorCode::UnexpectedMessage,
                                   "interconnect: chat submitted to a server that does not keep "
                                   "the order (both must list each other with their names)"});
        return;
      }
      auto room = ctx->rooms.acquire(ctx, envelope.relay_chat_submit().room());
      room->relaySubmitted(link->peer, std::move(*envelope.mutable_relay_chat_submit()));
      break;
    }
    case Envelope::kRelayChat: {
      auto room = ctx->rooms.acquire(ctx, envelope.relay_chat().room());
      room->relayedChat(link->peer, std::move(*envelope.mutable_relay_chat()));
      break;
    }
    default:
      link->channel->close(Error{ErrorCode::UnexpectedMessage,
                                 "interconnect: " + std::string(protocol::bodyName(envelope)) +
                                     " is not expected between servers"});
      break;
  }
}

void Interconnect::linkUp(const std::shared_ptr<Link>& link, PeerState& peer) {
  if (peer.link) {
    // Both dialed: each side keeps the link the lower-named server dialed,
    // so both keep the same one.
    const std::string& dialer_new = link->role == LinkRole::Dialer ? name_ : peer.config.name;
    const std::string& dialer_old = peer.link->role == LinkRole::Dialer ? name_ : peer.config.name;
    if (dialer_new >= dialer_old) {
      link->channel->close(Error{ErrorCode::AlreadyExists, "interconnect: already linked"});
      return;
    }
    auto old = std::move(peer.link);
    old->channel->close(Error{ErrorCode::AlreadyExists, "interconnect: replaced by another link"});
  }
  peer.link = link;
  peer.backoff = kFirstBackoff;
  peer.dial_timer.cancel();
  peer.unreachable_timer.cancel();
  {
    std::lock_guard lock(linked_mu_);
    linked_[peer.config.name] = true;
  }
  if (auto ctx = ctx_.lock(); ctx && ctx->media) {
    asio::error_code ec;
    MediaRouter::RelayPeer relay;
    relay.name = peer.config.name;
    relay.endpoint =
        asio::ip::udp::endpoint(asio::ip::make_address(peer.config.address, ec), peer.config.port);
    relay.keying = link->channel->mediaKeyingMaterial();
    relay.we_dialed = link->role == LinkRole::Dialer;
    ctx->media->setRelayPeer(std::move(relay));
  }
  spdlog::info("interconnect: linked with {} ({}, {})", peer.config.name, peer.config.address,
               link->role == LinkRole::Dialer ? "dialed" : "accepted");
  link->armTimer(kPingInterval);
  // What it knew of us may be old: it drops whatever we do not repeat now.
  remote_.markStale(peer.config.name);
  for (const auto& [room, presence] : ours_) {
    Envelope e;
    *e.mutable_room_presence() = presence;
    link->channel->send(e);
  }
  Envelope end;
  end.mutable_room_presence();  // no room: "that was all"
  link->channel->send(end);
  if (peer.config.name == order_keeper_) {
    if (auto ctx = ctx_.lock()) {
      for (auto& room : ctx->rooms.acquireAll()) {
        room->orderKeeperLinked();
      }
    }
  }
}

void Interconnect::linkClosed(const std::shared_ptr<Link>& link, const Error& reason) {
  std::erase(handshaking_, link);
  auto it = peers_.find(link->peer.empty() ? link->expected_peer : link->peer);
  if (it == peers_.end()) {
    return;
  }
  auto& peer = *it->second;
  if (peer.link != link) {
    if (!stopped_ && link->awaiting_confirmation) {
      spdlog::warn("interconnect: {} did not accept this server: {}", peer.config.name,
                   reason.toString());
    }
    if (!link->authenticated && !stopped_ && link->role == LinkRole::Dialer) {
      spdlog::warn("interconnect: link to {} not established: {}", peer.config.name,
                   reason.toString());
      scheduleDial(peer);
    }
    return;
  }
  peer.link.reset();
  {
    std::lock_guard lock(linked_mu_);
    linked_[peer.config.name] = false;
  }
  if (stopped_) {
    return;
  }
  spdlog::warn(
      "interconnect: link with {} lost: {}; its participants are unreachable until it "
      "returns",
      peer.config.name, reason.toString());
  if (auto ctx = ctx_.lock(); ctx && ctx->media) {
    ctx->media->removeRelayPeer(peer.config.name);
  }
  remote_.setReachable(peer.config.name, false);
  roomsChanged(remote_.roomsOf(peer.config.name));
  if (peer.config.name == order_keeper_) {
    if (auto ctx = ctx_.lock()) {
      for (auto& room : ctx->rooms.acquireAll()) {
        room->orderKeeperLost();
      }
    }
  }
  // Gone for longer than a silent participant may be: it left.
  peer.unreachable_timer.expires_after(config_.idle_timeout);
  peer.unreachable_timer.async_wait(
      [self = shared_from_this(), name = peer.config.name](const asio::error_code& ec) {
        if (ec) {
          return;
        }
        spdlog::info("interconnect: {} unreachable for {} s: its participants are removed", name,
                     self->config_.idle_timeout.count());
        self->roomsChanged(self->remote_.drop(name));
      });
  scheduleDial(peer);
}

void Interconnect::presenceFrom(const std::string& server, const proto::RoomPresence& presence) {
  if (presence.room().empty()) {
    roomsChanged(remote_.dropStale(server));
    // Rooms it repeated came back reachable.
    roomsChanged(remote_.roomsOf(server));
    return;
  }
  remote_.set(server, presence);
  roomsChanged({presence.room()});
  auto ctx = ctx_.lock();
  if (ctx && keepsChatOrder() && !presence.participants().empty()) {
    auto room = ctx->rooms.acquire(ctx, presence.room());
    room->catchUpPeer(server, presence.last_seq());
  }
}

void Interconnect::roomsChanged(const std::vector<std::string>& rooms) {
  auto ctx = ctx_.lock();
  if (!ctx) {
    return;
  }
  for (const auto& name : rooms) {
    if (auto room = ctx->rooms.acquireExisting(name)) {
      room->remoteChanged();
    }
  }
}

void Interconnect::sendTo(PeerState& peer, const Envelope& envelope) {
  if (peer.link) {
    peer.link->channel->send(envelope);
  }
}

void Interconnect::publish(proto::RoomPresence presence) {
  asio::post(strand_, [self = shared_from_this(), presence = std::move(presence)]() mutable {
    Envelope e;
    *e.mutable_room_presence() = presence;
    if (presence.participants().empty()) {
      self->ours_.erase(presence.room());
    } else {
      self->ours_[presence.room()] = std::move(presence);
    }
    for (auto& [name, peer] : self->peers_) {
      self->sendTo(*peer, e);
    }
  });
}

void Interconnect::noteStored(const std::string& room, std::uint64_t seq) {
  asio::post(strand_, [self = shared_from_this(), room, seq] {
    if (auto it = self->ours_.find(room); it != self->ours_.end() && it->second.last_seq() < seq) {
      it->second.set_last_seq(seq);
    }
  });
}

bool Interconnect::submitChat(const proto::RelayChatSubmit& submit) {
  if (!orderKeeperLinked()) {
    return false;
  }
  Envelope e;
  *e.mutable_relay_chat_submit() = submit;
  asio::post(strand_, [self = shared_from_this(), e = std::move(e)] {
    if (auto it = self->peers_.find(self->order_keeper_); it != self->peers_.end()) {
      self->sendTo(*it->second, e);
    }
  });
  return true;
}

void Interconnect::relayChat(const proto::RelayChat& chat, const std::string& server) {
  Envelope e;
  *e.mutable_relay_chat() = chat;
  asio::post(strand_, [self = shared_from_this(), e = std::move(e), server] {
    for (auto& [name, peer] : self->peers_) {
      // Every server with participants there, and the sender's own (which
      // acknowledges the message to it even if it has left meanwhile).
      const bool wanted = server.empty() ? self->remote_.present(name, e.relay_chat().room()) ||
                                               name == e.relay_chat().origin()
                                         : name == server;
      if (wanted) {
        self->sendTo(*peer, e);
      }
    }
  });
}

}  // namespace parley::server
