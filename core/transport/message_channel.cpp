#include "core/transport/message_channel.h"

#include <asio/bind_executor.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include "core/base/thread_check.h"
#include "net/media_transport/srtp_session.h"
#include "net/tls/tls_context.h"

namespace parley::transport {
namespace {

// Frames smaller than this are copied together so a burst of chat becomes one
// TLS record run and one syscall instead of one per message.
constexpr std::size_t kCoalesceLimit = 64 * 1024;

}  // namespace

std::shared_ptr<MessageChannel> MessageChannel::create(std::unique_ptr<net::TlsStream> stream,
                                                       Limits limits) {
  return std::make_shared<MessageChannel>(std::move(stream), limits);
}

MessageChannel::MessageChannel(std::unique_ptr<net::TlsStream> stream, Limits limits)
    : stream_(std::move(stream)),
      strand_(asio::make_strand(stream_->get_executor())),
      limits_(limits),
      decoder_(limits.max_frame_bytes),
      shutdown_timer_(strand_) {
  asio::error_code ec;
  const auto endpoint = stream_->lowest_layer().remote_endpoint(ec);
  if (!ec) {
    peer_address_ = endpoint.address().to_string();
    peer_port_ = endpoint.port();
  }
  if (auto keying =
          net::exportKeyingMaterial(*stream_, net::kMediaExporterLabel, net::kMediaKeyingBytes)) {
    media_keying_ = std::move(*keying);
  }
}

void MessageChannel::start(std::weak_ptr<Handler> handler) {
  asio::dispatch(strand_, [self = shared_from_this(), handler = std::move(handler)]() mutable {
    self->handler_ = std::move(handler);
    self->readMore();
  });
}

void MessageChannel::setLimits(Limits limits) {
  asio::dispatch(strand_, [self = shared_from_this(), limits] {
    self->limits_ = limits;
    self->decoder_.setMaxFrameBytes(limits.max_frame_bytes);
  });
}

void MessageChannel::send(const Envelope& envelope) {
  auto frame = std::make_shared<std::string>();
  if (auto ok = protocol::appendEnvelopeFrame(envelope, *frame); !ok) {
    close(std::move(ok).error(), false);
    return;
  }
  sendFrame(std::move(frame));
}

void MessageChannel::sendFrame(std::shared_ptr<const std::string> frame) {
  asio::dispatch(strand_, [self = shared_from_this(), frame = std::move(frame)]() mutable {
    self->enqueue(std::move(frame));
  });
}

void MessageChannel::sendMedia(const Envelope& envelope, bool urgent) {
  auto frame = std::make_shared<std::string>();
  if (auto ok = protocol::appendEnvelopeFrame(envelope, *frame); !ok) {
    return;  // a media packet never fits badly; nothing to tell the peer
  }
  asio::dispatch(strand_, [self = shared_from_this(), frame = std::move(frame), urgent]() mutable {
    if (self->queued_bytes_ + frame->size() > kMaxQueuedMediaBytes) {
      ++self->dropped_media_;
      return;
    }
    self->enqueue(std::move(frame), urgent);
  });
}

void MessageChannel::enqueue(std::shared_ptr<const std::string> frame, bool urgent) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ != State::Open) {
    return;
  }
  queued_bytes_ += frame->size();
  if (urgent) {
    queue_.insert(queue_.begin() + static_cast<std::ptrdiff_t>(urgent_queued_), std::move(frame));
    ++urgent_queued_;
  } else {
    queue_.push_back(std::move(frame));
  }
  if (queued_bytes_ > limits_.max_queued_bytes) {
    // The peer is not reading: drop its queue rather than grow without bound.
    // It loses nothing: chat resumes from its last sequence number.
    queue_.clear();
    queued_bytes_ = 0;
    urgent_queued_ = 0;
    state_ = State::Closing;
    close_reason_ =
        Error{ErrorCode::SlowConsumer, "more than " + std::to_string(limits_.max_queued_bytes) +
                                           " bytes waiting to be read; reconnect to resume"};
    armCloseTimer();  // a write stuck on a peer that never reads must not hold us open
    if (!writing_) {
      beginShutdown();
    }
    return;
  }
  writeMore();
}

void MessageChannel::writeMore() {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (writing_) {
    return;
  }
  if (queue_.empty()) {
    if (state_ == State::Closing) {
      beginShutdown();
    }
    return;
  }
  writing_ = true;
  asio::const_buffer buffer;
  if (queue_.size() == 1 || queue_.front()->size() >= kCoalesceLimit) {
    in_flight_ = std::move(queue_.front());
    queue_.pop_front();
    urgent_queued_ -= urgent_queued_ > 0 ? 1 : 0;
    queued_bytes_ -= in_flight_->size();
    buffer = asio::buffer(*in_flight_);
  } else {
    coalesced_.clear();
    while (!queue_.empty() && coalesced_.size() + queue_.front()->size() <= kCoalesceLimit) {
      coalesced_ += *queue_.front();
      queued_bytes_ -= queue_.front()->size();
      queue_.pop_front();
      urgent_queued_ -= urgent_queued_ > 0 ? 1 : 0;
    }
    buffer = asio::buffer(coalesced_);
  }
  asio::async_write(
      *stream_, buffer,
      asio::bind_executor(strand_, [self = shared_from_this()](const asio::error_code& ec,
                                                               std::size_t) {
        self->writing_ = false;
        self->in_flight_.reset();
        if (ec) {
          self->finish(Error{ErrorCode::ConnectionClosed, "write failed: " + ec.message()});
          return;
        }
        self->writeMore();
      }));
}

void MessageChannel::readMore() {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ == State::Closed) {
    return;
  }
  stream_->async_read_some(
      asio::buffer(read_buffer_),
      asio::bind_executor(strand_, [self = shared_from_this()](const asio::error_code& ec,
                                                               std::size_t bytes) {
        self->onRead(ec, bytes);
      }));
}

void MessageChannel::onRead(const asio::error_code& ec, std::size_t bytes) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ == State::Closed) {
    return;
  }
  if (ec) {
    if (state_ != State::Open) {
      // We asked to close; the peer's close_notify or reset ends it.
      finish(close_reason_);
      return;
    }
    const bool truncated = decoder_.hasPartialFrame();
    const bool orderly = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
    Error reason{truncated ? ErrorCode::FrameTruncated : ErrorCode::ConnectionClosed,
                 truncated ? "connection ended inside a frame (" +
                                 std::to_string(decoder_.bufferedBytes()) + " bytes pending)"
                 : orderly ? "peer closed the connection"
                           : "connection lost: " + ec.message()};
    finish(reason);
    return;
  }
  if (auto fed = decoder_.feed(std::span(read_buffer_.data(), bytes)); !fed) {
    close(std::move(fed).error(), true);
    return;
  }
  while (state_ == State::Open) {
    auto frame = decoder_.next();
    if (!frame) {
      close(std::move(frame).error(), true);
      return;
    }
    if (!frame->has_value()) {
      break;
    }
    auto envelope = protocol::parseEnvelope(std::string_view(**frame));
    if (!envelope) {
      close(std::move(envelope).error(), true);
      return;
    }
    auto handler = handler_.lock();
    if (!handler) {
      close(Error{ErrorCode::SessionClosed, "no one is listening on this connection"}, false);
      return;
    }
    handler->onMessage(std::move(*envelope));
  }
  readMore();
}

void MessageChannel::close(Error reason, bool notify_peer) {
  asio::dispatch(strand_, [self = shared_from_this(), reason = std::move(reason),
                           notify_peer]() mutable {
    if (self->state_ != State::Open) {
      return;
    }
    if (notify_peer) {
      auto frame = std::make_shared<std::string>();
      if (protocol::appendEnvelopeFrame(protocol::makeErrorNotice(reason, true), *frame)) {
        self->queued_bytes_ += frame->size();
        self->queue_.push_back(std::move(frame));
      }
    }
    self->close_reason_ = std::move(reason);
    self->state_ = State::Closing;
    // The flush is bounded too: a peer that stopped reading never completes
    // the write in flight, and nothing else would end the channel.
    self->armCloseTimer();
    // Only the notice (and what was queued before it) still goes out.
    self->writeMore();
  });
}

void MessageChannel::abort() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    asio::error_code ignored;
    self->stream_->lowest_layer().close(ignored);
    self->finish(Error{ErrorCode::ConnectionClosed, "connection aborted"});
  });
}

void MessageChannel::beginShutdown() {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ == State::ShuttingDown || state_ == State::Closed) {
    return;
  }
  state_ = State::ShuttingDown;
  // Everything queued (the notice included) is written. Half-close TCP so the
  // peer reads the notice then end-of-stream, and let our pending read see its
  // close. No SSL async_shutdown: it would be a second read on the stream
  // while readMore() has one in flight.
  asio::error_code ignored;
  stream_->lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  // A peer that never closes must not hold the socket open.
  armCloseTimer();
}

void MessageChannel::armCloseTimer() {
  PARLEY_DCHECK_RUN_ON(strand_);
  shutdown_timer_.expires_after(limits_.shutdown_timeout);
  shutdown_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (!ec) {
      self->finish(self->close_reason_);
    }
  });
}

void MessageChannel::finish(const Error& reason) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ == State::Closed) {
    return;
  }
  state_ = State::Closed;
  shutdown_timer_.cancel();
  asio::error_code ignored;
  stream_->lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_->lowest_layer().close(ignored);
  queue_.clear();
  queued_bytes_ = 0;
  if (auto handler = handler_.lock()) {
    handler->onClosed(reason);
  }
  handler_.reset();
}

}  // namespace parley::transport
