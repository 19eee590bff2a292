#include "core/server/server.h"

#include <openssl/err.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <asio/bind_executor.hpp>
#include <asio/dispatch.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/post.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <cstdlib>
#include <string_view>

#include "core/protocol/protocol_limits.h"
#include "core/server/accounts/password_hasher.h"
#include "core/server/client_connection.h"
#include "core/server/interconnect/interconnect.h"
#include "core/server/media/media_router.h"
#include "core/server/observability/heap_in_use.h"
#include "core/server/rooms/room.h"
#include "core/server/server_context.h"
#include "net/tls/interconnect_tls.h"
#include "net/tls/tls_context.h"

namespace parley::server {

using asio::ip::tcp;

struct Server::Listener {
  Listener(asio::io_context& io, Endpoint configured)
      : strand(asio::make_strand(io)), acceptor(strand), endpoint(std::move(configured)) {}
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  Endpoint endpoint;
  asio::steady_timer retry_timer{strand};
  bool closed = false;
};

Result<std::unique_ptr<Server>> Server::create(asio::io_context& io, ServerConfig config,
                                               std::string version, Store& store,
                                               const Clock& clock) {
  auto tls = net::makeServerTlsContext(config.certificate.string(), config.private_key.string());
  if (!tls) {
    return makeError(std::move(tls).error());
  }
  PasswordCost cost{config.argon2_opslimit, config.argon2_memlimit_kib};
  auto ctx = std::make_shared<ServerContext>(io, std::move(config), std::move(version), store,
                                             clock, std::move(*tls));
  std::string random_password(32, '\0');
  randombytes_buf(random_password.data(), random_password.size());
  for (auto& c : random_password) {
    c = static_cast<char>('a' + (static_cast<unsigned char>(c) % 26));
  }
  auto dummy = hashPassword(random_password, cost);
  if (!dummy) {
    return makeError(std::move(dummy).error());
  }
  ctx->dummy_hash = std::move(*dummy);
  return std::unique_ptr<Server>(new Server(io, std::move(ctx)));
}

Server::Server(asio::io_context& io, std::shared_ptr<ServerContext> ctx)
    : io_(io), ctx_(std::move(ctx)) {}

Server::~Server() {
  // No Argon2 or token job may outlive the store it reads.
  ctx_->hash_queue.stop();
  ctx_->hash_pool.stop();
  ctx_->hash_pool.join();
  ctx_->store_thread.stop();
  ctx_->store_thread.join();
  for (auto& listener : listeners_) {
    asio::error_code ignored;
    listener->acceptor.close(ignored);
  }
  ctx_->rooms.clear();
  if (ctx_->interconnect) {
    ctx_->interconnect->stop();
    ctx_->interconnect.reset();
  }
  if (ctx_->media) {
    ctx_->media->stop();
  }
  // Connections still open when the I/O stopped never reach onClosed.
  ctx_->connections.clear();
}

Result<std::vector<Endpoint>> Server::start() {
  std::vector<Endpoint> bound;
  for (const auto& configured : ctx_->config.tcp) {
    auto listener = std::make_shared<Listener>(io_, configured);
    asio::error_code ec;
    const tcp::endpoint ep(asio::ip::make_address(configured.address, ec), configured.port);
    if (!ec) {
      listener->acceptor.open(ep.protocol(), ec);
    }
    if (!ec) {
      listener->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec && ep.address().is_v6()) {
      listener->acceptor.set_option(asio::ip::v6_only(true), ec);
    }
    if (!ec) {
      listener->acceptor.bind(ep, ec);
    }
    if (!ec) {
      listener->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      return makeError(ErrorCode::Io,
                       "cannot listen on " + configured.toString() + ": " + ec.message() +
                           (configured.port < 1024 && ec == asio::error::access_denied
                                ? " (ports under 1024 need CAP_NET_BIND_SERVICE or root)"
                                : ""));
    }
    const auto local = listener->acceptor.local_endpoint(ec);
    Endpoint actual{local.address().to_string(), local.port()};
    spdlog::info("listening on {}", actual.toString());
    bound.push_back(actual);
    listeners_.push_back(listener);
  }
  if (auto media = startMedia(); !media) {
    return makeError(std::move(media).error());
  }
  if (auto interconnect = startInterconnect(); !interconnect) {
    return makeError(std::move(interconnect).error());
  }
  for (auto& listener : listeners_) {
    asio::dispatch(listener->strand, [this, listener] { accept(listener); });
  }
  return bound;
}

Result<void> Server::startMedia() {
  MediaRouterConfig media;
  media.max_forwarded_speakers = ctx_->config.max_forwarded_speakers;
  // For measuring what the batched system calls buy (docs/benchmarks.md).
  if (const char* batched = std::getenv("PARLEY_MEDIA_BATCHED_IO");
      batched != nullptr && std::string_view(batched) == "0") {
    media.batched_io = false;
  }
  if (const char* gso = std::getenv("PARLEY_MEDIA_GSO");
      gso != nullptr && std::string_view(gso) == "0") {
    media.segmented_sends = false;
  }
  asio::error_code ec;
  media.udp = asio::ip::udp::endpoint(asio::ip::make_address(ctx_->config.udp.address, ec),
                                      ctx_->config.udp.port);
  if (ec) {
    return makeError(ErrorCode::ConfigInvalid,
                     "[server] udp: not a numeric address: " + ctx_->config.udp.address);
  }
  auto router = std::make_shared<MediaRouter>(io_, media, ctx_->metrics, ctx_->clock);
  auto port = router->start();
  if (!port) {
    return makeError(std::move(port).error());
  }
  ctx_->media = std::move(router);
  return {};
}

Result<void> Server::startInterconnect() {
  if (ctx_->config.interconnect_peers.empty()) {
    return {};
  }
  auto tls = net::makeInterconnectTlsContexts(ctx_->config.certificate.string(),
                                              ctx_->config.private_key.string());
  if (!tls) {
    return makeError(std::move(tls).error());
  }
  auto interconnect = std::make_shared<Interconnect>(io_, ctx_->config, std::move(*tls));
  // Set before it starts: a link may come up at once and reach the rooms.
  ctx_->interconnect = interconnect;
  if (auto started = interconnect->start(ctx_); !started) {
    ctx_->interconnect.reset();
    return makeError(std::move(started).error());
  }
  return {};
}

std::uint16_t Server::interconnectPort() const {
  return ctx_->interconnect ? ctx_->interconnect->controlPort() : 0;
}

std::uint16_t Server::mediaPort() const { return ctx_->media ? ctx_->media->udpPort() : 0; }

void Server::accept(const std::shared_ptr<Listener>& listener) {
  if (listener->closed) {
    return;
  }
  listener->acceptor.async_accept(
      asio::make_strand(io_),
      asio::bind_executor(listener->strand, [this, listener](const asio::error_code& ec,
                                                             tcp::socket socket) {
        if (listener->closed || ec == asio::error::operation_aborted) {
          return;
        }
        if (ec) {
          // EMFILE and friends: back off briefly instead of spinning.
          spdlog::warn("accept on {} failed: {}", listener->endpoint.toString(), ec.message());
          listener->retry_timer.expires_after(std::chrono::milliseconds(100));
          listener->retry_timer.async_wait([this, listener](const asio::error_code& wait_ec) {
            if (!wait_ec) {
              accept(listener);
            }
          });
          return;
        }
        if (auto ticket = admit(socket); ticket.held()) {
          handshake(std::move(socket), std::move(ticket));
        }
        accept(listener);
      }));
}

UnauthenticatedLimiter::Ticket Server::admit(tcp::socket& socket) {
  asio::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) {
    socket.close(ec);  // reset before we looked: nothing to serve
    return {};
  }
  auto admission = ctx_->unauthenticated->admit(remote.address());
  if (!admission.refused) {
    return std::move(admission.ticket);
  }
  // Refused before any TLS work; a reset leaves no TIME_WAIT state here.
  socket.set_option(asio::socket_base::linger(true, 0), ec);
  socket.close(ec);
  const bool per_address = *admission.refused == UnauthenticatedLimiter::Refusal::PerSource;
  ctx_->metrics.connectionRefused(per_address);
  const auto decision = ctx_->unauthenticated->logRefusal(admission.source, ctx_->clock.now());
  if (decision.log) {
    const auto& limits = ctx_->unauthenticated->limits();
    spdlog::warn(
        "{}: connection refused: {} connections not signed in yet {} (max_unauthenticated{}); "
        "{} more refused since the last line, further refusals are logged at most once every {} s",
        decision.source, per_address ? limits.per_source : limits.total,
        per_address ? "from this address" : "in total", per_address ? "_per_address" : "",
        decision.suppressed, limits.log_interval.count());
  }
  return {};
}

void Server::handshake(tcp::socket socket, UnauthenticatedLimiter::Ticket ticket) {
  asio::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  const auto local_port = socket.local_endpoint(ec).port();
  ctx_->metrics.connectionAccepted(local_port);
  const auto remote = socket.remote_endpoint(ec);
  const std::string peer = ec ? std::string("unknown peer")
                              : remote.address().to_string() + ":" + std::to_string(remote.port());
  const auto deadline = ctx_->clock.now() + protocol::kHandshakeTimeout;

  // The socket's executor is its own strand; the TLS handshake, its timer and
  // their handlers all run there.
  struct Pending {
    std::unique_ptr<net::TlsStream> stream;
    asio::steady_timer timer;
    UnauthenticatedLimiter::Ticket ticket;
    bool timed_out = false;
  };
  auto executor = socket.get_executor();
  auto pending = std::make_shared<Pending>(
      Pending{std::make_unique<net::TlsStream>(std::move(socket), *ctx_->tls),
              asio::steady_timer(executor), std::move(ticket), false});
  pending->timer.expires_after(protocol::kHandshakeTimeout);
  pending->timer.async_wait([pending](const asio::error_code& wait_ec) {
    if (!wait_ec) {
      pending->timed_out = true;
      asio::error_code ignored;
      pending->stream->lowest_layer().close(ignored);
    }
  });
  auto ctx = ctx_;
  pending->stream->async_handshake(
      asio::ssl::stream_base::server,
      [ctx, pending, peer, deadline, local_port](const asio::error_code& hs_ec) {
        pending->timer.cancel();
        if (hs_ec) {
          pending->ticket.release();
          ctx->metrics.tlsHandshakeFailed(local_port);
          if (pending->timed_out) {
            spdlog::warn("{}: closed: {}: TLS handshake not completed within {} s", peer,
                         errorSlug(ErrorCode::HandshakeTimeout),
                         protocol::kHandshakeTimeout.count());
          } else {
            spdlog::warn("{}: closed: {}: {}", peer, errorSlug(ErrorCode::TlsHandshakeFailed),
                         hs_ec.message());
          }
          asio::error_code ignored;
          pending->stream->lowest_layer().close(ignored);
          return;
        }
        if (ctx->shutting_down) {
          pending->ticket.release();
          asio::error_code ignored;
          pending->stream->lowest_layer().close(ignored);
          return;
        }
        auto channel = transport::MessageChannel::create(std::move(pending->stream),
                                                         ClientConnection::limitsBeforeSignIn());
        const auto id = ctx->next_participant_id.fetch_add(1);
        auto connection = std::make_shared<ClientConnection>(ctx, std::move(channel), id, deadline,
                                                             std::move(pending->ticket));
        spdlog::debug("{}: TLS established (#{})", peer, id);
        connection->start();
      });
}

void Server::shutdown(std::chrono::milliseconds grace, std::function<void()> done) {
  ctx_->shutting_down = true;
  if (ctx_->interconnect) {
    ctx_->interconnect->stop();
  }
  for (auto& listener : listeners_) {
    asio::post(listener->strand, [listener] {
      listener->closed = true;
      listener->retry_timer.cancel();
      asio::error_code ignored;
      listener->acceptor.close(ignored);
    });
  }
  const auto connections = ctx_->connections.snapshot();
  spdlog::info("shutting down: closing {} connection(s)", connections.size());
  for (const auto& connection : connections) {
    connection->shutdown();
  }
  // Poll until every channel reported closed (queues flushed) or the grace
  // period ends; then the caller stops the I/O threads.
  auto timer = std::make_shared<asio::steady_timer>(io_);
  auto deadline = std::chrono::steady_clock::now() + grace;
  auto ctx = ctx_;
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [timer, deadline, ctx, done = std::move(done), poll]() mutable {
    if (ctx->connections.size() == 0 || std::chrono::steady_clock::now() >= deadline) {
      if (const auto left = ctx->connections.size(); left != 0) {
        spdlog::warn("shutting down: {} connection(s) did not close in time", left);
      }
      ctx->hash_queue.stop();
      ctx->hash_pool.stop();
      ctx->store_thread.stop();
      auto finish = std::move(done);
      *poll = nullptr;  // breaks the self-reference
      finish();
      return;
    }
    timer->expires_after(std::chrono::milliseconds(20));
    timer->async_wait([poll](const asio::error_code& ec) {
      if (!ec && *poll) {
        (*poll)();
      }
    });
  };
  asio::post(io_, [poll] { (*poll)(); });
}

std::size_t Server::connectionCount() const { return ctx_->connections.size(); }

std::string Server::renderMetrics() const {
  return ctx_->metrics.renderPrometheus({ctx_->connections.size(), ctx_->rooms.size(),
                                         ctx_->unauthenticated->total(), heapInUseBytes(),
                                         static_cast<std::uint64_t>(sqlite3_memory_used())},
                                        ctx_->server_version);
}

}  // namespace parley::server
