#include "net/ice/ice_agent.h"

#include <nice/agent.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string_view>
#include <thread>

#include "net/platform/realtime_priority.h"

namespace parley::net {

namespace {

IceCandidateType typeOf(const NiceCandidate* candidate) {
  switch (candidate->type) {
    case NICE_CANDIDATE_TYPE_HOST:
      return IceCandidateType::Host;
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return IceCandidateType::ServerReflexive;
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return IceCandidateType::PeerReflexive;
    case NICE_CANDIDATE_TYPE_RELAYED:
      return IceCandidateType::Relayed;
  }
  return IceCandidateType::Host;
}

std::string addressText(const NiceAddress& address) {
  std::string text(NICE_ADDRESS_STRING_LEN, '\0');
  nice_address_to_string(&address, text.data());
  text.resize(text.find('\0'));
  return text + ":" + std::to_string(nice_address_get_port(&address));
}

NiceRelayType relayType(IceTurnServer::Transport transport) {
  switch (transport) {
    case IceTurnServer::Transport::Udp:
      return NICE_RELAY_TYPE_TURN_UDP;
    case IceTurnServer::Transport::Tcp:
      return NICE_RELAY_TYPE_TURN_TCP;
    case IceTurnServer::Transport::Tls:
      return NICE_RELAY_TYPE_TURN_TLS;
  }
  return NICE_RELAY_TYPE_TURN_UDP;
}

}  // namespace

class IceAgent::Impl {
 public:
  Impl(IceAgentConfig config, IceEvents events)
      : config_(std::move(config)), events_(std::move(events)) {}

  ~Impl() {
    if (thread_.joinable()) {
      // Close on the agent's own thread: TURN allocations are released
      // (a refresh with lifetime 0), then the loop ends. A bounded wait: a
      // TURN server that does not answer does not hold the caller.
      g_main_context_invoke(context_, &Impl::closeOnLoop, this);
      thread_.join();
    }
    if (agent_ != nullptr) {
      g_object_unref(agent_);
    }
    if (loop_ != nullptr) {
      g_main_loop_unref(loop_);
    }
    if (context_ != nullptr) {
      g_main_context_unref(context_);
    }
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  Result<void> start() {
    if (config_.host_addresses.empty()) {
      return makeError(ErrorCode::InvalidArgument, "ICE: no host address to gather from");
    }
    context_ = g_main_context_new();
    loop_ = g_main_loop_new(context_, FALSE);
    const auto options = static_cast<NiceAgentOption>(NICE_AGENT_OPTION_ICE_TRICKLE |
                                                      NICE_AGENT_OPTION_CONSENT_FRESHNESS);
    agent_ = nice_agent_new_full(context_, NICE_COMPATIBILITY_RFC5245, options);
    if (agent_ == nullptr) {
      return makeError(ErrorCode::IceFailed, "ICE: could not create the agent");
    }
    auto* object = static_cast<GObject*>(static_cast<void*>(agent_));
    // UPnP would ask the home router for a port mapping: outside the
    // interfaces we were told to use. Host TCP candidates are not offered;
    // TURN over TCP/TLS still is.
    g_object_set(object, "controlling-mode", config_.controlling ? TRUE : FALSE, "upnp", FALSE,
                 "ice-tcp", FALSE, nullptr);
    if (config_.stun) {
      g_object_set(object, "stun-server", config_.stun->ip.c_str(), "stun-server-port",
                   static_cast<guint>(config_.stun->port), nullptr);
    }
    if (config_.proxy.type != IceProxy::Type::None) {
      const auto type = config_.proxy.type == IceProxy::Type::Http ? NICE_PROXY_TYPE_HTTP
                                                                   : NICE_PROXY_TYPE_SOCKS5;
      g_object_set(object, "proxy-type", static_cast<guint>(type), "proxy-ip",
                   config_.proxy.ip.c_str(), "proxy-port", static_cast<guint>(config_.proxy.port),
                   nullptr);
      if (!config_.proxy.username.empty()) {
        g_object_set(object, "proxy-username", config_.proxy.username.c_str(), "proxy-password",
                     config_.proxy.password.c_str(), nullptr);
      }
    }
    for (const auto& ip : config_.host_addresses) {
      NiceAddress address;
      nice_address_init(&address);
      if (nice_address_set_from_string(&address, ip.c_str()) == FALSE) {
        return makeError(ErrorCode::InvalidArgument, "ICE: not an address: " + ip);
      }
      nice_agent_add_local_address(agent_, &address);
    }
    stream_ = nice_agent_add_stream(agent_, 1);
    if (stream_ == 0) {
      return makeError(ErrorCode::IceFailed, "ICE: could not add a stream");
    }
    if (config_.port_min != 0) {
      nice_agent_set_port_range(agent_, stream_, 1, config_.port_min, config_.port_max);
    }
    for (const auto& turn : config_.turn) {
      if (nice_agent_set_relay_info(agent_, stream_, 1, turn.ip.c_str(), turn.port,
                                    turn.username.c_str(), turn.password.c_str(),
                                    relayType(turn.transport)) == FALSE) {
        return makeError(ErrorCode::InvalidArgument, "ICE: TURN server refused: " + turn.ip);
      }
    }
    g_signal_connect(object, "new-candidate-full", reinterpret_cast<GCallback>(&Impl::onCandidate),
                     this);
    g_signal_connect(object, "candidate-gathering-done",
                     reinterpret_cast<GCallback>(&Impl::onGatheringDone), this);
    g_signal_connect(object, "component-state-changed",
                     reinterpret_cast<GCallback>(&Impl::onComponentState), this);
    g_signal_connect(object, "new-selected-pair-full",
                     reinterpret_cast<GCallback>(&Impl::onSelectedPair), this);
    nice_agent_attach_recv(agent_, stream_, 1, context_, &Impl::onReceive, this);
    thread_ = std::thread([this, raise = config_.realtime_priority] {
      if (raise) {
        (void)raiseVoiceThread(VoiceThread::PeerNetwork);
      }
      g_main_context_push_thread_default(context_);
      g_main_loop_run(loop_);
      g_main_context_pop_thread_default(context_);
    });
    return {};
  }

  // Runs `job` on the agent's thread and waits for it, so that libnice's
  // signals (emitted by whichever thread calls into the agent) always come
  // from that one thread.
  template <typename Job>
  auto onLoop(Job job) -> decltype(job()) {
    if (g_main_context_is_owner(context_) != FALSE) {
      return job();
    }
    using R = decltype(job());
    struct Call {
      Job job;
      std::promise<R> promise;
    };
    Call call{std::move(job), {}};
    auto future = call.promise.get_future();
    g_main_context_invoke(
        context_,
        [](gpointer data) -> gboolean {
          auto* c = static_cast<Call*>(data);
          if constexpr (std::is_void_v<R>) {
            c->job();
            c->promise.set_value();
          } else {
            c->promise.set_value(c->job());
          }
          return G_SOURCE_REMOVE;
        },
        &call);
    return future.get();
  }

  IceCredentials credentials() const {
    gchar* ufrag = nullptr;
    gchar* pwd = nullptr;
    IceCredentials out;
    if (nice_agent_get_local_credentials(agent_, stream_, &ufrag, &pwd) != FALSE) {
      out.ufrag = ufrag;
      out.pwd = pwd;
    }
    g_free(ufrag);
    g_free(pwd);
    return out;
  }

  static gboolean closeOnLoop(gpointer data) {
    auto* self = static_cast<Impl*>(data);
    self->closing_ = true;
    self->state_ = IceState::Closed;
    nice_agent_close_async(
        self->agent_,
        [](GObject*, GAsyncResult*, gpointer user) {
          g_main_loop_quit(static_cast<GMainLoop*>(user));
        },
        self->loop_);
    // TURN servers that never answer the release must not hold us.
    g_timeout_add_full(G_PRIORITY_DEFAULT, 500, &Impl::quitLoop, self->loop_, nullptr);
    return G_SOURCE_REMOVE;
  }

  static gboolean quitLoop(gpointer data) {
    g_main_loop_quit(static_cast<GMainLoop*>(data));
    return G_SOURCE_REMOVE;
  }

  static void onCandidate(NiceAgent* agent, NiceCandidate* candidate, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    if (self->closing_ || !self->events_.on_candidate) {
      return;
    }
    const auto type = typeOf(candidate);
    if (!self->config_.offer_host_candidates &&
        (type == IceCandidateType::Host || type == IceCandidateType::PeerReflexive)) {
      return;
    }
    gchar* sdp = nice_agent_generate_local_candidate_sdp(agent, candidate);
    if (sdp == nullptr) {
      return;
    }
    std::string_view line(sdp);
    if (line.substr(0, 2) == "a=") {
      line.remove_prefix(2);
    }
    std::string text(line);
    g_free(sdp);
    self->events_.on_candidate(std::move(text));
  }

  static void onGatheringDone(NiceAgent*, guint, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    if (!self->closing_ && self->events_.on_gathering_done) {
      self->events_.on_gathering_done();
    }
  }

  static void onComponentState(NiceAgent*, guint, guint, guint state, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    IceState next = self->state_;
    switch (state) {
      case NICE_COMPONENT_STATE_GATHERING:
        next = IceState::Gathering;
        break;
      case NICE_COMPONENT_STATE_CONNECTING:
        next = IceState::Checking;
        break;
      case NICE_COMPONENT_STATE_CONNECTED:
      case NICE_COMPONENT_STATE_READY:
        next = IceState::Connected;
        break;
      case NICE_COMPONENT_STATE_FAILED:
        next = IceState::Failed;
        break;
      default:
        return;
    }
    if (self->closing_ || next == self->state_.load()) {
      return;
    }
    self->state_ = next;
    if (self->events_.on_state) {
      self->events_.on_state(next);
    }
  }

  static void onSelectedPair(NiceAgent*, guint, guint, NiceCandidate* local, NiceCandidate* remote,
                             gpointer data) {
    auto* self = static_cast<Impl*>(data);
    if (self->closing_ || !self->events_.on_selected_pair) {
      return;
    }
    IceSelectedPair pair;
    pair.local = typeOf(local);
    pair.remote = typeOf(remote);
    pair.local_address = addressText(local->addr);
    pair.remote_address = addressText(remote->addr);
    self->events_.on_selected_pair(std::move(pair));
  }

  static void onReceive(NiceAgent*, guint, guint, guint length, gchar* buffer, gpointer data) {
    auto* self = static_cast<Impl*>(data);
    if (self->closing_ || !self->events_.on_datagram) {
      return;
    }
    self->events_.on_datagram(
        std::span<const std::byte>(reinterpret_cast<const std::byte*>(buffer), length));
  }

 private:
  // IceAgent's methods reach the agent, its stream and its state.
  friend class IceAgent;

  IceAgentConfig config_;
  IceEvents events_;
  GMainContext* context_ = nullptr;
  GMainLoop* loop_ = nullptr;
  NiceAgent* agent_ = nullptr;
  guint stream_ = 0;
  std::thread thread_;
  std::atomic<IceState> state_{IceState::New};
  std::atomic<bool> closing_{false};
};

Result<std::unique_ptr<IceAgent>> IceAgent::create(IceAgentConfig config, IceEvents events) {
  auto impl = std::make_unique<Impl>(std::move(config), std::move(events));
  if (auto started = impl->start(); !started) {
    return makeError(started.error());
  }
  return std::unique_ptr<IceAgent>(new IceAgent(std::move(impl)));
}

IceAgent::IceAgent(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IceAgent::~IceAgent() = default;

IceCredentials IceAgent::localCredentials() const { return impl_->credentials(); }

Result<void> IceAgent::gather() {
  const bool ok = impl_->onLoop(
      [this] { return nice_agent_gather_candidates(impl_->agent_, impl_->stream_) != FALSE; });
  if (!ok) {
    return makeError(ErrorCode::IceFailed, "ICE: gathering did not start (no usable address?)");
  }
  return {};
}

Result<void> IceAgent::setRemoteCredentials(const IceCredentials& credentials) {
  if (auto valid = validateCredentials(credentials); !valid) {
    return valid;
  }
  const bool ok = impl_->onLoop([this, &credentials] {
    return nice_agent_set_remote_credentials(impl_->agent_, impl_->stream_,
                                             credentials.ufrag.c_str(),
                                             credentials.pwd.c_str()) != FALSE;
  });
  if (!ok) {
    return makeError(ErrorCode::IceFailed, "ICE: remote credentials refused");
  }
  return {};
}

Result<void> IceAgent::addRemoteCandidate(const std::string& line) {
  if (auto valid = validateCandidateLine(line); !valid) {
    return valid;
  }
  const int added = impl_->onLoop([this, &line] {
    const std::string sdp = "a=" + line;
    NiceCandidate* candidate =
        nice_agent_parse_remote_candidate_sdp(impl_->agent_, impl_->stream_, sdp.c_str());
    if (candidate == nullptr) {
      return -1;
    }
    GSList list{candidate, nullptr};
    const int n = nice_agent_set_remote_candidates(impl_->agent_, impl_->stream_, 1, &list);
    nice_candidate_free(candidate);
    return n;
  });
  if (added < 0) {
    return makeError(ErrorCode::IceCandidateInvalid, "ICE: candidate not understood");
  }
  return {};
}

void IceAgent::remoteGatheringDone() {
  impl_->onLoop(
      [this] { nice_agent_peer_candidate_gathering_done(impl_->agent_, impl_->stream_); });
}

bool IceAgent::send(std::span<const std::byte> datagram) {
  // Not gated on Connected: with trickle, libnice goes back to connecting
  // while it checks a late candidate, but keeps (and sends on) the pair it
  // selected; without one, nice_agent_send refuses.
  const auto state = impl_->state_.load();
  if (state == IceState::Failed || state == IceState::Closed) {
    return false;
  }
  const auto sent =
      nice_agent_send(impl_->agent_, impl_->stream_, 1, static_cast<guint>(datagram.size()),
                      reinterpret_cast<const gchar*>(datagram.data()));
  return sent == static_cast<gint>(datagram.size());
}

IceState IceAgent::state() const { return impl_->state_; }

}  // namespace parley::net
