#pragma once
// Interconnect: this server's links to the other servers it shares rooms
// with (docs/interconnect.md). One TLS control link per peer, dialed by
// either side (both dial; when two links to one peer authenticate, both
// keep the one dialed by the lower-named server). Over it each side says
// which rooms have its participants (RoomPresence) and relays chat; the
// lower-named server of a pair keeps each shared room's chat order.
//
// Threads: link bookkeeping runs on strand_; public methods may be called
// from any thread (rooms call them from their strands) and post to it.
// RemoteRooms guards itself.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/protocol/message_codec.h"
#include "core/server/deployment/server_config.h"
#include "core/server/interconnect/interconnect_proof.h"
#include "core/server/interconnect/remote_rooms.h"
#include "net/tls/interconnect_tls.h"

namespace parley::server {

struct ServerContext;

class Interconnect : public std::enable_shared_from_this<Interconnect> {
 public:
  Interconnect(asio::io_context& io, const ServerConfig& config, net::InterconnectTlsContexts tls);
  ~Interconnect();
  Interconnect(const Interconnect&) = delete;
  Interconnect& operator=(const Interconnect&) = delete;

  // Listens on the control port and starts dialing every peer. `ctx` is
  // held weakly (it owns this).
  Result<Endpoint> start(const std::shared_ptr<ServerContext>& ctx);
  void stop();

  // Whether this server keeps the chat order of shared rooms: it does when
  // its name is the lowest of itself and its peers.
  [[nodiscard]] bool keepsChatOrder() const { return order_keeper_.empty(); }
  // Whether the link to the server that keeps the order is up (false when
  // this server keeps it).
  [[nodiscard]] bool orderKeeperLinked() const;

  // Our participants in a room changed: every linked peer hears of it.
  void publish(proto::RoomPresence presence);
  // The room stored up to `seq`: a link that comes up later gets our
  // presence with it, so the keeper sends only what we lack.
  void noteStored(const std::string& room, std::uint64_t seq);
  // To the order keeper; false when its link is down (the room holds the
  // message and submits it again once the link is back).
  bool submitChat(const proto::RelayChatSubmit& submit);
  // A stored message, to every linked peer with participants in its room,
  // or only to `server` when given.
  void relayChat(const proto::RelayChat& chat, const std::string& server = {});

  RemoteRooms& remote() { return remote_; }
  [[nodiscard]] const std::string& serverName() const { return name_; }

  // Control port actually bound (tests bind port 0).
  [[nodiscard]] std::uint16_t controlPort() const { return bound_port_; }
  [[nodiscard]] bool linkedForTest(const std::string& server) const;

 private:
  class Link;
  struct PeerState {
    ServerConfig::InterconnectPeer config;
    std::string certificate_der;  // when authenticated by certificate
    std::shared_ptr<Link> link;   // the authenticated one
    bool dialing = false;         // a dial in flight
    asio::steady_timer dial_timer;
    std::chrono::milliseconds backoff{500};
    asio::steady_timer unreachable_timer;
    explicit PeerState(asio::strand<asio::io_context::executor_type>& strand)
        : dial_timer(strand), unreachable_timer(strand) {}
  };

  void accept();
  void onAccepted(asio::ip::tcp::socket socket);
  using HandshakeDone =
      std::function<void(const asio::error_code&, std::unique_ptr<net::TlsStream>)>;
  // The TLS handshake, closed if not done within kHandshakeTimeout.
  void handshakeWithin(std::unique_ptr<net::TlsStream> stream,
                       asio::ssl::stream_base::handshake_type type, HandshakeDone done);
  void dial(PeerState& peer);
  void scheduleDial(PeerState& peer);
  void startLink(std::unique_ptr<net::TlsStream> stream, LinkRole role, std::string expected_peer);
  // From a Link, on strand_: authenticated, a message, closed.
  PeerState* authenticate(Link& link, const proto::InterconnectHello& hello, std::string& why);
  void linkUp(const std::shared_ptr<Link>& link, PeerState& peer);
  void linkMessage(const std::shared_ptr<Link>& link, protocol::Envelope&& envelope);
  void linkClosed(const std::shared_ptr<Link>& link, const Error& reason);
  void presenceFrom(const std::string& server, const proto::RoomPresence& presence);
  // Tells the local rooms named what changed for them.
  void roomsChanged(const std::vector<std::string>& rooms);
  void sendTo(PeerState& peer, const protocol::Envelope& envelope);

  asio::io_context& io_;
  const std::string name_;
  const ServerConfig config_;
  net::InterconnectTlsContexts tls_;
  std::string order_keeper_;  // empty: this server
  asio::strand<asio::io_context::executor_type> strand_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t bound_port_ = 0;
  bool stopped_ = false;
  std::weak_ptr<ServerContext> ctx_;
  std::map<std::string, std::unique_ptr<PeerState>> peers_;  // by name
  std::vector<std::shared_ptr<Link>> handshaking_;
  int pending_accepts_ = 0;  // accepted, TLS handshake running
  // Our own presence per room, for peers whose link comes up later.
  std::map<std::string, proto::RoomPresence> ours_;
  RemoteRooms remote_;
  mutable std::mutex linked_mu_;
  std::map<std::string, bool> linked_ PARLEY_GUARDED_BY(linked_mu_);
};

}  // namespace parley::server
