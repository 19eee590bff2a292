#include "core/client/client_session.h"

#include <atomic>
#include <charconv>
#include <map>
#include <mutex>
#include <optional>
#include <random>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>

#include "core/base/thread_check.h"
#include "core/client/chat_resume_tracker.h"
#include "core/client/hello_greeting.h"
#include "core/client/peer_signalling.h"
#include "core/protocol/message_codec.h"
#include "core/protocol/protocol_limits.h"
#include "core/transport/message_channel.h"

namespace parley::client {
namespace {

using protocol::Envelope;
using transport::MessageChannel;
using Strand = asio::strand<asio::any_io_executor>;

std::uint64_t randomInstance() {
  std::random_device device;
  std::uint64_t value = 0;
  while (value == 0) {
    value = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  return value;
}

// Errors after which trying again cannot help: the user or the administrator
// must act first.
bool isFatal(ErrorCode code) {
  switch (code) {
    case ErrorCode::AuthFailed:
    case ErrorCode::RateLimited:
    case ErrorCode::TlsInspection:
    case ErrorCode::TlsHandshakeFailed:
    case ErrorCode::TlsPolicy:
    case ErrorCode::UnsupportedVersion:
    case ErrorCode::InvalidRoomName:
    case ErrorCode::InvalidUserName:
    case ErrorCode::NotSignedIn:
      return true;
    default:
      return false;
  }
}

std::string describeTarget(const net::ConnectTarget& target) {
  std::string ports = std::to_string(target.tls_port);
  if (target.alt_port != 0 && target.alt_port != target.tls_port) {
    ports += " or " + std::to_string(target.alt_port);
  }
  return target.host + " port " + ports;
}

}  // namespace

// All session state. Lives in a shared_ptr; every asynchronous callback holds
// it weakly (or strongly for the short hop of a post), and checks the
// connection generation so a late event from an old connection is ignored.
class ClientSession::Impl : public std::enable_shared_from_this<ClientSession::Impl> {
 public:
  Impl(asio::any_io_executor executor, SessionConfig config,
       std::shared_ptr<net::ConnectorFactory> connectors, SessionObserver& observer, Clock& clock)
      : strand_(asio::make_strand(executor)),
        config_(std::move(config)),
        connectors_(std::move(connectors)),
        observer_(observer),
        clock_(clock),
        backoff_(config_.reconnect),
        outbox_(config_.outbox),
        keepalive_(config_.keepalive_interval),
        client_instance_(randomInstance()),
        rng_(client_instance_),
        reconnect_timer_(strand_),
        handshake_timer_(strand_),
        keepalive_timer_(strand_),
        leave_timer_(strand_) {}

  // Forwards one connection's channel events to the session's strand.
  class Link final : public MessageChannel::Handler {
   public:
    Link(std::weak_ptr<Impl> impl, Strand strand, std::uint64_t generation)
        : impl_(std::move(impl)), strand_(std::move(strand)), generation_(generation) {}
    void onMessage(Envelope&& envelope) override {
      asio::post(strand_, [impl = impl_, gen = generation_, env = std::move(envelope)]() mutable {
        if (auto self = impl.lock()) {
          self->onMessage(gen, std::move(env));
        }
      });
    }
    void onClosed(const Error& reason) override {
      asio::post(strand_, [impl = impl_, gen = generation_, reason] {
        if (auto self = impl.lock()) {
          self->onChannelClosed(gen, reason);
        }
      });
    }

   private:
    std::weak_ptr<Impl> impl_;
    Strand strand_;
    std::uint64_t generation_;
  };

  enum class State {
    Idle,
    Connecting,
    AwaitingHello,
    SigningIn,
    Joining,
    InRoom,
    Leaving,
    WaitingToReconnect,
    Stopped
  };

  // ---- public entry points (any thread) ----

  void setMediaLink(MediaLink* link) {
    asio::post(strand_, [self = shared_from_this(), link] { self->media_link_ = link; });
  }

  void setMediaState(MediaStateInfo media) {
    asio::post(strand_, [self = shared_from_this(), media = std::move(media)]() mutable {
      self->config_.media = std::move(media);
      if (self->channel_ && self->state_ == State::InRoom) {
        Envelope envelope;
        toProto(self->config_.media, *envelope.mutable_media_state());
        self->channel_->send(envelope);
      }
    });
  }

  void start() {
    asio::post(strand_, [self = shared_from_this()] {
      if (self->state_ == State::Idle && !self->stopRequested()) {
        self->connect();
      }
    });
  }

  std::uint64_t sendChat(std::string text) {
    const std::uint64_t id = next_msg_id_.fetch_add(1);
    auto valid = protocol::validateChatText(text);
    asio::post(strand_, [self = shared_from_this(), id, text = std::move(text),
                         valid = std::move(valid)]() mutable {
      self->queueChat(id, std::move(text), std::move(valid));
    });
    return id;
  }

  void leave() {
    asio::post(strand_, [self = shared_from_this()] { self->beginLeave(); });
  }

  void stop() {
    {
      // Waits for a callback running on another thread to finish, so that
      // after this block no callback runs. Re-entrant for stop() from one.
      std::lock_guard lock(observer_mu_);
      stopped_.store(true);
    }
    asio::post(strand_, [self = shared_from_this()] { self->shutdown(); });
  }

  void dropConnection() {
    asio::post(strand_, [self = shared_from_this()] {
      if (self->channel_) {
        self->channel_->abort();
      }
    });
  }

  [[nodiscard]] std::uint64_t clientInstance() const { return client_instance_; }

 private:
  [[nodiscard]] bool stopRequested() const { return stopped_.load(); }

  // Calls the observer unless stop() came first (see stop()).
  template <typename F>
  void notify(F&& f) {
    std::lock_guard lock(observer_mu_);
    if (!stopped_.load()) {
      f(observer_);
    }
  }

  // ---- connecting ----

  void connect() {
    PARLEY_DCHECK_RUN_ON(strand_);
    state_ = State::Connecting;
    const std::uint64_t gen = ++generation_;
    // The factory keeps the winning route for the whole session (see
    // net::RacingConnectorFactory); every reconnect takes it again.
    connector_ = connectors_->create();
    connector_->setGreeting(makeGreeting());
    std::weak_ptr<Impl> weak = weak_from_this();
    connector_->setProgressHandler([weak, strand = strand_](const net::AttemptEvent& event) {
      asio::post(strand, [weak, event] {
        if (auto self = weak.lock()) {
          self->notify([&](SessionObserver& o) { o.onAttempt(event); });
        }
      });
    });
    connector_->connect(config_.target,
                        [weak, strand = strand_, gen](Result<net::ConnectedStream> result) {
                          asio::post(strand, [weak, gen, result = std::move(result)]() mutable {
                            if (auto self = weak.lock()) {
                              self->onConnectDone(gen, std::move(result));
                            }
                          });
                        });
  }

  static void toProto(const MediaStateInfo& in, proto::MediaState& out) {
    out.set_audio_muted(in.audio_muted);
    out.set_camera_on(in.camera_on);
    out.set_sharing_screen(in.sharing_screen);
    for (const auto& codec : in.video_decoders) {
      out.add_video_decoders(codec);
    }
  }
  static MediaStateInfo fromProto(const proto::MediaState& in) {
    MediaStateInfo out;
    out.audio_muted = in.audio_muted();
    out.camera_on = in.camera_on();
    out.sharing_screen = in.sharing_screen();
    out.video_decoders.assign(in.video_decoders().begin(), in.video_decoders().end());
    return out;
  }
  static ParticipantInfo fromProto(const proto::Participant& in) {
    ParticipantInfo out;
    out.id = in.id();
    out.user = in.user();
    out.audio_ssrc = in.audio_ssrc();
    out.video_ssrc = in.video_ssrc();
    out.screen_ssrc = in.screen_ssrc();
    out.video_low_ssrc = in.video_low_ssrc();
    out.screen_low_ssrc = in.screen_low_ssrc();
    out.media = fromProto(in.media());
    if (!in.media_path().empty()) {
      out.media_path = in.media_path();
    }
    return out;
  }

  // The peer-path messages: routed between the server and the call.
  void onPeerPathStart(const proto::PeerPathStart& start) {
    if (media_link_ == nullptr || !channel_) {
      return;
    }
    std::weak_ptr<MessageChannel> weak_channel = channel_;
    PeerSignalSender send_signal = [weak_channel](PeerSignalInfo signal) {
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
    media_link_->onPeerPathStart(peerStartFromProto(start), std::move(send_signal),
                                 std::move(send_state));
  }

  void participantsChanged() {
    if (media_link_ == nullptr) {
      return;
    }
    std::vector<ParticipantInfo> list;
    list.reserve(participants_.size());
    for (const auto& [id, p] : participants_) {
      list.push_back(p);
    }
    media_link_->onParticipantsChanged(list);
  }

  void onMediaOffer(const proto::MediaOffer& offer) {
    if (media_link_ == nullptr || !channel_) {
      return;
    }
    MediaOfferInfo info;
    info.server_host = config_.target.host;
    info.udp_port = static_cast<std::uint16_t>(offer.udp_port() & 0xffff);
    info.audio_ssrc = offer.audio_ssrc();
    info.video_ssrc = offer.video_ssrc();
    info.screen_ssrc = offer.screen_ssrc();
    info.video_low_ssrc = offer.video_low_ssrc();
    info.screen_low_ssrc = offer.screen_low_ssrc();
    info.server_ssrc = offer.server_ssrc();
    info.video_codec = offer.video_codec();
    info.audio_payload_type = static_cast<std::uint8_t>(offer.audio_payload_type() & 0x7f);
    info.video_payload_type = static_cast<std::uint8_t>(offer.video_payload_type() & 0x7f);
    info.keying = channel_->mediaKeyingMaterial();
    info.connection_method = info_.method;
    info.first_hop_address = info_.address;  // the proxy's address when there is one
    info.first_hop_port = info_.port;
    if (const auto colon = info_.via.rfind(':'); !info_.via.empty() && colon != std::string::npos) {
      // `port` is the server's; the proxy's own port is in "host:port".
      unsigned via_port = 0;
      const auto* begin = info_.via.data() + colon + 1;
      const auto* end = info_.via.data() + info_.via.size();
      if (std::from_chars(begin, end, via_port).ec == std::errc{} && via_port > 0 &&
          via_port <= 65535) {
        info.first_hop_port = static_cast<std::uint16_t>(via_port);
      }
    }
    // Bound to this channel: after a reconnect the old senders do nothing.
    std::weak_ptr<MessageChannel> weak_channel = channel_;
    info.send_packet = [weak_channel](std::string packet, bool urgent) {
      if (auto channel = weak_channel.lock()) {
        Envelope envelope;
        *envelope.mutable_media_packet()->mutable_packet() = std::move(packet);
        channel->sendMedia(envelope, urgent);
      }
    };
    info.send_transport = [weak_channel](bool udp) {
      if (auto channel = weak_channel.lock()) {
        Envelope envelope;
        envelope.mutable_media_transport()->set_udp(udp);
        channel->send(envelope);
      }
    };
    media_link_->onMediaOffer(std::move(info));
  }

  [[nodiscard]] Envelope makeClientHello() const {
    return client::makeClientHello(config_.client_name, client_instance_);
  }
  [[nodiscard]] net::Greeting makeGreeting() const {
    return makeHelloGreeting(config_.client_name, client_instance_);
  }

  void onConnectDone(std::uint64_t gen, Result<net::ConnectedStream> result) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (gen != generation_ || state_ != State::Connecting) {
      return;  // stale: the stream, if any, closes as it is destroyed here
    }
    connector_.reset();
    if (!result) {
      Error error = std::move(result).error();
      if (error.code == ErrorCode::Internal && error.detail.empty()) {
        error = Error{ErrorCode::AllAttemptsFailed,
                      "cannot connect to " + describeTarget(config_.target)};
      }
      connectionLost(std::move(error));
      return;
    }
    net::ConnectedStream connected = std::move(result).value();
    info_ = ConnectionInfo{};
    info_.method = connected.method;
    info_.via = connected.via;
    info_.address = connected.address;
    info_.port = connected.port;
    info_.tls_version = connected.tls.version;
    info_.cipher = connected.tls.cipher;

    pending_notice_.reset();
    channel_ = MessageChannel::create(std::move(connected.stream));
    channel_since_media_stopped_ = true;
    link_ = std::make_shared<Link>(weak_from_this(), strand_, gen);
    channel_->start(link_);

    state_ = State::AwaitingHello;
    last_received_ = clock_.now();
    if (connected.greeting_reply.empty()) {
      // A connector that does not run the greeting: say hello here.
      channel_->send(makeClientHello());
    }

    handshake_timer_.expires_after(config_.handshake_timeout);
    handshake_timer_.async_wait([weak = weak_from_this(), gen](const asio::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || gen != self->generation_) {
        return;
      }
      if (self->state_ == State::AwaitingHello || self->state_ == State::SigningIn ||
          self->state_ == State::Joining) {
        self->connectionLost(Error{ErrorCode::HandshakeTimeout,
                                   "the server accepted the connection but did not finish "
                                   "hello, sign-in and join within " +
                                       std::to_string(self->config_.handshake_timeout.count()) +
                                       " ms"});
      }
    });
    if (!connected.greeting_reply.empty()) {
      // The race already exchanged hello (a path counts only once the server
      // has answered); carry on from the server's answer.
      auto envelope = protocol::parseEnvelope(connected.greeting_reply);
      if (envelope && envelope.value().has_server_hello()) {
        onServerHello(envelope.value().server_hello());
      } else {
        connectionLost(
            Error{ErrorCode::HelloFailed, "the server's answer to hello was not a hello"});
      }
    }
  }

  // ---- messages from the server ----

  void onMessage(std::uint64_t gen, Envelope envelope) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (gen != generation_ || !channel_ || state_ == State::Stopped) {
      return;
    }
    last_received_ = clock_.now();
    switch (envelope.body_case()) {
      case Envelope::kServerHello:
        onServerHello(envelope.server_hello());
        break;
      case Envelope::kSignInResult:
        onSignInResult(envelope.sign_in_result());
        break;
      case Envelope::kJoined:
        onJoined(envelope.joined());
        break;
      case Envelope::kChatMessage:
        onChatMessage(envelope.chat_message());
        break;
      case Envelope::kChatAck:
        if (outbox_.acknowledge(envelope.chat_ack().client_msg_id())) {
          notify([&](SessionObserver& o) {
            o.onChatAcknowledged(envelope.chat_ack().client_msg_id(), envelope.chat_ack().seq());
          });
        }
        break;
      case Envelope::kParticipantJoined: {
        const auto& pj = envelope.participant_joined();
        ParticipantInfo p = fromProto(pj.participant());
        participants_[p.id] = p;
        notify([&](SessionObserver& o) { o.onParticipantJoined(pj.room(), p); });
        participantsChanged();
        break;
      }
      case Envelope::kParticipantLeft: {
        const auto& pl = envelope.participant_left();
        ParticipantInfo p = fromProto(pl.participant());
        if (auto it = participants_.find(p.id); it != participants_.end()) {
          p = it->second;
          participants_.erase(it);
        }
        notify([&](SessionObserver& o) { o.onParticipantLeft(pl.room(), p, pl.reason()); });
        participantsChanged();
        break;
      }
      case Envelope::kParticipantMedia: {
        const auto& pm = envelope.participant_media();
        auto media = fromProto(pm.media());
        if (auto it = participants_.find(pm.participant_id()); it != participants_.end()) {
          it->second.media = media;
        }
        notify([&](SessionObserver& o) { o.onParticipantMedia(pm.participant_id(), media); });
        participantsChanged();
        break;
      }
      case Envelope::kMediaOffer:
        onMediaOffer(envelope.media_offer());
        break;
      case Envelope::kPeerPathStart:
        onPeerPathStart(envelope.peer_path_start());
        break;
      case Envelope::kPeerSignal:
        if (media_link_ != nullptr) {
          media_link_->onPeerSignal(peerSignalFromProto(envelope.peer_signal()));
        }
        break;
      case Envelope::kPeerPathStop:
        if (media_link_ != nullptr) {
          media_link_->onPeerPathStop(envelope.peer_path_stop().attempt(),
                                      envelope.peer_path_stop().reason());
        }
        break;
      case Envelope::kParticipantPath: {
        const auto& pp = envelope.participant_path();
        if (auto it = participants_.find(pp.participant_id()); it != participants_.end()) {
          it->second.media_path = pp.path();
        }
        notify([&](SessionObserver& o) { o.onParticipantPath(pp.participant_id(), pp.path()); });
        break;
      }
      case Envelope::kMediaPacket:
        if (media_link_ != nullptr) {
          media_link_->onMediaPacket(std::move(*envelope.mutable_media_packet()->mutable_packet()));
        }
        break;
      case Envelope::kVideoCodecChanged: {
        const auto& vc = envelope.video_codec_changed();
        if (media_link_ != nullptr) {
          media_link_->onVideoCodecChanged(vc.video_codec(), static_cast<std::uint8_t>(
                                                                 vc.video_payload_type() & 0x7f));
        }
        notify([&](SessionObserver& o) { o.onVideoCodecChanged(vc.video_codec()); });
        break;
      }
      case Envelope::kPing:
        channel_->send(protocol::makePong(envelope.ping().nonce()));
        break;
      case Envelope::kPong:
        break;
      case Envelope::kLeft:
        if (state_ == State::Leaving) {
          finishLeave();
        }
        break;
      case Envelope::kError:
        onErrorNotice(envelope.error());
        break;
      default:
        notify([&](SessionObserver& o) {
          o.onWarning(Error{ErrorCode::UnexpectedMessage,
                            "ignored unexpected " + std::string(protocol::bodyName(envelope)) +
                                " from the server"});
        });
        break;
    }
  }

  void onServerHello(const proto::ServerHello& hello) {
    if (state_ != State::AwaitingHello) {
      return;
    }
    if (hello.protocol_version() != protocol::kProtocolVersion) {
      fail(Error{ErrorCode::UnsupportedVersion,
                 "the server speaks protocol version " + std::to_string(hello.protocol_version()) +
                     ", this client version " + std::to_string(protocol::kProtocolVersion) +
                     "; update the client or the server"});
      return;
    }
    if (hello.keepalive_interval_s() > 0) {
      keepalive_ = std::chrono::seconds(hello.keepalive_interval_s());
    } else {
      keepalive_ = config_.keepalive_interval;
    }
    info_.server_name = hello.server_name();
    info_.server_version = hello.server_version();
    info_.keepalive_interval = std::chrono::duration_cast<std::chrono::seconds>(keepalive_);
    notify([&](SessionObserver& o) { o.onConnected(info_); });

    Envelope sign_in;
    sign_in.mutable_sign_in()->set_user(config_.user);
    sign_in.mutable_sign_in()->set_password(config_.password);
    channel_->send(sign_in);
    state_ = State::SigningIn;
  }

  void onSignInResult(const proto::SignInResult& result) {
    if (state_ != State::SigningIn) {
      return;
    }
    if (!result.ok()) {
      ErrorCode code = errorCodeFromNumber(result.error_code());
      if (code == ErrorCode::Ok || code == ErrorCode::Internal) {
        code = ErrorCode::AuthFailed;
      }
      std::string reason = result.reason();
      if (reason.empty()) {
        reason = code == ErrorCode::RateLimited ? "too many failed sign-ins"
                                                : "wrong user name or password";
      }
      if (code == ErrorCode::RateLimited && result.retry_after_ms() > 0 &&
          reason.find("try again") == std::string::npos) {
        reason +=
            " (try again in " + std::to_string((result.retry_after_ms() + 999) / 1000) + " s)";
      }
      fail(Error{code, reason});
      return;
    }
    participant_id_ = result.participant_id();
    notify([&](SessionObserver& o) { o.onSignedIn(participant_id_); });

    const auto request = tracker_.joinRequest();
    Envelope join;
    auto* j = join.mutable_join_room();
    j->set_room(config_.room);
    j->set_has_resume(request.has_resume);
    j->set_resume_after_seq(request.resume_after_seq);
    toProto(config_.media, *j->mutable_media());
    channel_->send(join);
    state_ = State::Joining;
  }

  void onJoined(const proto::Joined& joined) {
    if (state_ != State::Joining) {
      return;
    }
    handshake_timer_.cancel();
    tracker_.onJoined(joined.last_seq());
    state_ = State::InRoom;
    ever_joined_ = true;
    backoff_.reset();
    participants_.clear();
    std::vector<ParticipantInfo> list;
    list.reserve(static_cast<std::size_t>(joined.participants_size()));
    for (const auto& p : joined.participants()) {
      auto info = fromProto(p);
      participants_[info.id] = info;
      list.push_back(std::move(info));
    }
    notify([&](SessionObserver& o) { o.onJoined(joined.room(), list, joined.last_seq()); });
    participantsChanged();
    // Re-send in order what the server has not confirmed; it dedupes.
    for (const auto& entry : outbox_.pending()) {
      sendChatSend(entry.client_msg_id, entry.text);
    }
    if (leave_requested_) {
      beginLeave();
      return;
    }
    scheduleKeepalive();
  }

  void onChatMessage(const proto::ChatMessage& message) {
    if (state_ != State::InRoom && state_ != State::Leaving) {
      return;
    }
    if (!tracker_.accept(message.seq())) {
      return;  // already delivered before a reconnect
    }
    ChatInfo chat;
    chat.room = message.room();
    chat.seq = message.seq();
    chat.sender = message.sender();
    chat.sender_participant_id = message.sender_participant_id();
    chat.text = message.text();
    chat.server_time_ms = message.server_time_ms();
    chat.is_history = tracker_.isBacklog(message.seq());
    notify([&](SessionObserver& o) { o.onChat(chat); });
  }

  void onErrorNotice(const proto::ErrorNotice& notice) {
    Error error{errorCodeFromNumber(notice.code()), notice.reason()};
    if (error.detail.empty()) {
      error.detail = notice.slug();
    }
    if (notice.client_msg_id() != 0 && !notice.fatal()) {
      if (outbox_.remove(notice.client_msg_id())) {
        notify([&](SessionObserver& o) { o.onChatRefused(notice.client_msg_id(), error); });
      }
      return;
    }
    if (notice.fatal()) {
      // The server closes next; onChannelClosed reports this reason.
      if (isFatal(error.code)) {
        fail(std::move(error));
      } else {
        pending_notice_ = std::move(error);
      }
      return;
    }
    if (state_ == State::Joining || state_ == State::SigningIn || state_ == State::AwaitingHello) {
      // A refusal of hello, sign-in or join: nothing else will come.
      fail(std::move(error));
      return;
    }
    notify([&](SessionObserver& o) { o.onWarning(error); });
  }

  void onChannelClosed(std::uint64_t gen, const Error& reason) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (gen != generation_ || !channel_) {
      return;
    }
    channel_.reset();
    Error why = pending_notice_ ? *pending_notice_ : reason;
    pending_notice_.reset();
    if (state_ == State::Leaving) {
      finishLeave();
      return;
    }
    connectionLost(std::move(why));
  }

  // ---- keep-alive ----

  void scheduleKeepalive() {
    keepalive_timer_.expires_after(keepalive_);
    keepalive_timer_.async_wait(
        [weak = weak_from_this(), gen = generation_](const asio::error_code& ec) {
          auto self = weak.lock();
          if (ec || !self || gen != self->generation_ || self->state_ != State::InRoom ||
              !self->channel_) {
            return;
          }
          self->onKeepaliveTick();
        });
  }

  void onKeepaliveTick() {
    const auto silent = clock_.now() - last_received_;
    if (silent >= 3 * keepalive_) {
      connectionLost(Error{
          ErrorCode::KeepaliveTimeout,
          "nothing heard from the server for " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent).count()) +
              " s; the connection is presumed dead"});
      return;
    }
    channel_->send(protocol::makePing(++ping_nonce_));
    scheduleKeepalive();
  }

  // ---- chat ----

  void queueChat(std::uint64_t id, std::string text, Result<void> valid) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (!valid) {
      notify([&](SessionObserver& o) { o.onChatRefused(id, valid.error()); });
      return;
    }
    if (state_ == State::Stopped || state_ == State::Leaving || leave_requested_) {
      notify([&](SessionObserver& o) {
        o.onChatRefused(id, Error{ErrorCode::SessionClosed,
                                  state_ == State::Stopped ? "the session has stopped"
                                                           : "the session is leaving the room"});
      });
      return;
    }
    if (auto added = outbox_.add(id, text); !added) {
      notify([&](SessionObserver& o) { o.onChatRefused(id, added.error()); });
      return;
    }
    if (state_ == State::InRoom) {
      sendChatSend(id, text);
    }
  }

  void sendChatSend(std::uint64_t id, const std::string& text) {
    Envelope send;
    send.mutable_chat_send()->set_client_msg_id(id);
    send.mutable_chat_send()->set_text(text);
    channel_->send(send);
  }

  // ---- leaving, failing, stopping ----

  void beginLeave() {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (state_ == State::Stopped || state_ == State::Leaving) {
      return;
    }
    leave_requested_ = true;
    if (state_ != State::InRoom) {
      // Not in the room (connecting, signing in, waiting to reconnect): there
      // is no one to tell.
      finishLeave();
      return;
    }
    state_ = State::Leaving;
    keepalive_timer_.cancel();
    Envelope leave;
    leave.mutable_leave_room();
    channel_->send(leave);
    leave_timer_.expires_after(config_.leave_timeout);
    leave_timer_.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self && self->state_ == State::Leaving) {
        self->finishLeave();
      }
    });
  }

  void finishLeave() {
    teardownConnection(true);
    state_ = State::Stopped;
    notify([&](SessionObserver& o) { o.onLeft(config_.room); });
  }

  // The connection ended without a fatal reason: reconnect after a backoff.
  void connectionLost(Error reason) {
    PARLEY_DCHECK_RUN_ON(strand_);
    teardownConnection(false);
    if (state_ == State::Stopped) {
      return;
    }
    if (leave_requested_) {
      finishLeave();
      return;
    }
    if (isFatal(reason.code)) {
      fail(std::move(reason));
      return;
    }
    if (!ever_joined_ && !config_.retry_before_first_join) {
      fail(std::move(reason));
      return;
    }
    const auto delay = backoff_.next(std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
    state_ = State::WaitingToReconnect;
    notify([&](SessionObserver& o) { o.onDisconnected(reason, true, delay); });
    reconnect_timer_.expires_after(delay);
    reconnect_timer_.async_wait([weak = weak_from_this()](const asio::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self && self->state_ == State::WaitingToReconnect && !self->stopRequested()) {
        self->connect();
      }
    });
  }

  // Fatal: stop for good and say why.
  void fail(Error error) {
    PARLEY_DCHECK_RUN_ON(strand_);
    if (state_ == State::Stopped) {
      return;
    }
    teardownConnection(false);
    state_ = State::Stopped;
    notify([&](SessionObserver& o) { o.onError(error); });
  }

  void shutdown() {
    PARLEY_DCHECK_RUN_ON(strand_);
    teardownConnection(true);
    state_ = State::Stopped;
    reconnect_timer_.cancel();
    leave_timer_.cancel();
  }

  // Ends the current connection attempt or channel; later events of it are
  // ignored (generation bump). `graceful` flushes what is queued first.
  void teardownConnection(bool graceful) {
    ++generation_;
    handshake_timer_.cancel();
    keepalive_timer_.cancel();
    leave_timer_.cancel();
    if (connector_) {
      connector_->cancel();
      connector_.reset();
    }
    if (channel_) {
      if (graceful) {
        channel_->close(Error{ErrorCode::SessionClosed, "client left"}, false);
      } else {
        channel_->abort();
      }
      channel_.reset();
    }
    link_.reset();
    pending_notice_.reset();
    // Once per channel: a second teardown (the destructor's stop after
    // stop()) must not reach a link its owner may have destroyed since.
    if (channel_since_media_stopped_ && media_link_ != nullptr) {
      media_link_->onMediaStopped();
    }
    channel_since_media_stopped_ = false;
  }

  Strand strand_;
  SessionConfig config_;
  std::shared_ptr<net::ConnectorFactory> connectors_;
  SessionObserver& observer_;
  Clock& clock_;

  // A channel was opened since the media link last heard onMediaStopped():
  // media runs only over one, so only then is there anything to stop.
  bool channel_since_media_stopped_ = false;

  // Held while an observer callback runs; stop() takes it to wait one out.
  std::recursive_mutex observer_mu_;
  std::atomic<bool> stopped_{false};
  std::atomic<std::uint64_t> next_msg_id_{1};

  // Strand-only state below.
  State state_ = State::Idle;
  std::uint64_t generation_ = 0;
  ReconnectBackoff backoff_;
  ChatOutbox outbox_;
  ChatResumeTracker tracker_;
  std::chrono::milliseconds keepalive_;
  const std::uint64_t client_instance_;
  std::mt19937_64 rng_;
  std::unique_ptr<net::Connector> connector_;
  std::shared_ptr<MessageChannel> channel_;
  std::shared_ptr<Link> link_;
  std::optional<Error> pending_notice_;
  ConnectionInfo info_;
  std::uint64_t participant_id_ = 0;
  std::map<std::uint64_t, ParticipantInfo> participants_;
  MediaLink* media_link_ = nullptr;
  Clock::TimePoint last_received_{};
  std::uint64_t ping_nonce_ = 0;
  bool ever_joined_ = false;
  bool leave_requested_ = false;
  asio::steady_timer reconnect_timer_;
  asio::steady_timer handshake_timer_;
  asio::steady_timer keepalive_timer_;
  asio::steady_timer leave_timer_;
};

ClientSession::ClientSession(asio::any_io_executor executor, SessionConfig config,
                             std::shared_ptr<net::ConnectorFactory> connectors,
                             SessionObserver& observer, Clock& clock)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(config), std::move(connectors),
                                   observer, clock)) {}

ClientSession::~ClientSession() { impl_->stop(); }

void ClientSession::start() { impl_->start(); }
std::uint64_t ClientSession::sendChat(std::string text) { return impl_->sendChat(std::move(text)); }
void ClientSession::leave() { impl_->leave(); }
void ClientSession::stop() { impl_->stop(); }
void ClientSession::dropConnectionForTest() { impl_->dropConnection(); }
void ClientSession::setMediaLink(MediaLink* link) { impl_->setMediaLink(link); }
void ClientSession::setMediaState(MediaStateInfo media) { impl_->setMediaState(std::move(media)); }
std::uint64_t ClientSession::clientInstance() const { return impl_->clientInstance(); }

}  // namespace parley::client
