#include "core/transport/message_channel.h"

#include <array>
#include <asio/bind_executor.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>
#include <span>

#include "core/base/thread_check.h"
#include "net/media_transport/srtp_session.h"
#include "net/tls/tls_context.h"

namespace parley::transport {
namespace {

// Plaintext encrypted per socket write: a 64 KiB message is one batch of
// four full records and one syscall.
constexpr std::size_t kWriteBatchBytes = 64 * 1024;
// A write buffer up to this size is kept for the next batch (two swap between
// the socket and the encryption); regrowing it from zero per batch costs
// reallocations and fresh pages.
constexpr std::size_t kKeptWriteBufferBytes = 2 * kWriteBatchBytes;
// What an idle connection keeps: chat-sized batches without reallocation.
constexpr std::size_t kIdleWriteBufferBytes = 16 * 1024;
// Frames smaller than this are copied together before encryption so a burst
// of chat becomes full records instead of one short record per message.
constexpr std::size_t kCoalesceBelowBytes = 4 * 1024;
// Socket reads per readiness before giving other connections on the thread a
// turn (the wait completes at once if more is there).
constexpr int kReadsPerWake = 16;

// Ciphertext straight from the socket, decrypted before the read returns, so
// one buffer per I/O thread serves every connection on it.
std::span<std::byte> socketReadScratch() {
  thread_local std::array<std::byte, 64 * 1024> scratch;
  return scratch;
}

// Small frames gathered for one SSL_write (used within one call only).
std::string& coalesceScratch() {
  thread_local std::string scratch;
  return scratch;
}

std::span<const std::byte> bytesOf(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

}  // namespace

std::shared_ptr<MessageChannel> MessageChannel::create(std::unique_ptr<net::TlsStream> stream,
                                                       Limits limits) {
  return std::make_shared<MessageChannel>(std::move(stream), limits);
}

MessageChannel::MessageChannel(std::unique_ptr<net::TlsStream> stream, Limits limits)
    : socket_(std::move(stream->next_layer())),
      strand_(asio::make_strand(socket_.get_executor())),
      limits_(limits),
      decoder_(limits.max_frame_bytes),
      shutdown_timer_(strand_) {
  asio::error_code ec;
  const auto endpoint = socket_.remote_endpoint(ec);
  if (!ec) {
    peer_address_ = endpoint.address().to_string();
    peer_port_ = endpoint.port();
  }
  if (auto keying =
          net::exportKeyingMaterial(*stream, net::kMediaExporterLabel, net::kMediaKeyingBytes)) {
    media_keying_ = std::move(*keying);
  }
  if (auto records = net::TlsRecordIo::adopt(*stream)) {
    records_ = std::move(*records);
  } else {
    adopt_error_ = std::move(records).error();
  }
  // The session now belongs to records_ and the socket to us: the stream's
  // own buffers (two 17 KiB vectors and its BIO pair's, about 50 KiB
  // resident per connection) go with it.
  stream.reset();
}

void MessageChannel::start(std::weak_ptr<Handler> handler) {
  asio::dispatch(strand_, [self = shared_from_this(), handler = std::move(handler)]() mutable {
    self->handler_ = std::move(handler);
    if (!self->records_) {
      self->finish(self->adopt_error_);
      return;
    }
    // Reads are attempted directly and wait only when the socket is empty.
    asio::error_code ignored;
    self->socket_.non_blocking(true, ignored);
    // What the peer sent right behind its handshake (a client's hello often
    // shares a read with its Finished) came over with the session: deliver
    // it now, since the socket will not turn readable for it again.
    if (self->decryptAndDeliver({}) == AfterDecrypt::Finished) {
      return;
    }
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
    // Chat and control frames of a usual size go in arrival order with the
    // voice, ahead of video; a large one (a history page) behind, so voice
    // never waits for it. Chat keeps its order: while a large one waits in
    // the back lane, the ones after it go there too.
    const bool front = frame->size() <= kFrontControlBytes && self->last_back_control_ == nullptr;
    self->enqueue(std::move(frame), front ? Lane::Front : Lane::BackControl);
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
    self->enqueue(std::move(frame), urgent ? Lane::Front : Lane::Back);
  });
}

void MessageChannel::enqueue(std::shared_ptr<const std::string> frame, Lane lane) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ != State::Open) {
    return;
  }
  queued_bytes_ += frame->size();
  if (lane == Lane::Front) {
    queue_.insert(queue_.begin() + static_cast<std::ptrdiff_t>(front_queued_), std::move(frame));
    ++front_queued_;
  } else {
    if (lane == Lane::BackControl) {
      last_back_control_ = frame.get();
    }
    queue_.push_back(std::move(frame));
  }
  if (queued_bytes_ > limits_.max_queued_bytes) {
    // The peer is not reading: drop its queue rather than grow without bound.
    // It loses nothing: chat resumes from its last sequence number.
    queue_.clear();
    last_back_control_ = nullptr;
    queued_bytes_ = 0;
    front_queued_ = 0;
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
  if (writing_ || state_ == State::Closed || !records_) {
    return;
  }
  if (state_ == State::ShuttingDown) {
    // Our sending side is half-closed: what the session answers now (a
    // KeyUpdate) has nowhere to go, and writing it would end the channel
    // with "write failed" instead of the reason it is closing for.
    records_->outgoing().clear();
    return;
  }
  if (auto encrypted = encryptQueued(); !encrypted) {
    finish(std::move(encrypted).error());
    return;
  }
  if (records_->outgoing().empty()) {
    if (state_ == State::Closing) {
      beginShutdown();
    }
    return;
  }
  writing_ = true;
  sending_.swap(records_->outgoing());  // new records gather while this is sent
  asio::async_write(
      socket_, asio::buffer(sending_),
      asio::bind_executor(strand_, [self = shared_from_this()](const asio::error_code& ec,
                                                               std::size_t) {
        self->writing_ = false;
        self->sending_.clear();
        if (ec) {
          self->finish(Error{ErrorCode::ConnectionClosed, "write failed: " + ec.message()});
          return;
        }
        // A connection that has gone quiet keeps only small buffers: after a
        // burst (a page of history, a shared file) a thousand idle members
        // must not each hold two batches' worth.
        const bool idle = self->queue_.empty() && self->records_->outgoing().empty();
        const std::size_t keep = idle ? kIdleWriteBufferBytes : kKeptWriteBufferBytes;
        if (self->sending_.capacity() > keep) {
          std::string().swap(self->sending_);
        }
        if (idle && self->records_->outgoing().capacity() > keep) {
          std::string().swap(self->records_->outgoing());
        }
        self->writeMore();
      }));
}

Result<void> MessageChannel::encryptQueued() {
  std::string& small = coalesceScratch();
  small.clear();
  std::size_t batch = 0;
  while (!queue_.empty() && (batch == 0 || batch + queue_.front()->size() <= kWriteBatchBytes)) {
    const std::shared_ptr<const std::string> frame = std::move(queue_.front());
    queue_.pop_front();
    if (frame.get() == last_back_control_) {
      last_back_control_ = nullptr;
    }
    front_queued_ -= front_queued_ > 0 ? 1 : 0;
    queued_bytes_ -= frame->size();
    batch += frame->size();
    if (frame->size() < kCoalesceBelowBytes) {
      small += *frame;
      continue;
    }
    if (!small.empty()) {
      if (auto ok = records_->encrypt(bytesOf(small)); !ok) {
        return ok;
      }
      small.clear();
    }
    if (auto ok = records_->encrypt(bytesOf(*frame)); !ok) {
      return ok;
    }
  }
  if (!small.empty()) {
    return records_->encrypt(bytesOf(small));
  }
  return {};
}

void MessageChannel::readMore() {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ == State::Closed) {
    return;
  }
  socket_.async_wait(asio::socket_base::wait_read,
                     asio::bind_executor(strand_,
                                         [self = shared_from_this()](const asio::error_code& ec) {
                                           self->onReadable(ec);
                                         }));
}

void MessageChannel::onReadable(const asio::error_code& ec) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ == State::Closed) {
    return;
  }
  if (ec) {
    onReadFailed(ec);
    return;
  }
  const auto scratch = socketReadScratch();
  for (int i = 0; i < kReadsPerWake; ++i) {
    asio::error_code read_ec;
    const std::size_t n = socket_.read_some(asio::buffer(scratch.data(), scratch.size()), read_ec);
    if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) {
      break;
    }
    if (read_ec) {
      onReadFailed(read_ec);
      return;
    }
    const auto after = decryptAndDeliver(std::span<const std::byte>(scratch.data(), n));
    if (after == AfterDecrypt::Finished) {
      return;
    }
    if (after == AfterDecrypt::StopReading) {
      break;  // closing: the peer's end or the close timer finishes it
    }
  }
  readMore();
}

MessageChannel::AfterDecrypt MessageChannel::decryptAndDeliver(
    std::span<const std::byte> ciphertext) {
  auto status = records_->decrypt(ciphertext, [this](std::span<const std::byte> plaintext) {
    // Drained even when closing, so nothing piles up.
    deliver(plaintext);
    return true;
  });
  if (state_ == State::Closed) {
    return AfterDecrypt::Finished;
  }
  if (!status) {
    onReadFailed(asio::error::make_error_code(asio::error::connection_aborted),
                 std::move(status).error().detail);
    return AfterDecrypt::Finished;
  }
  if (*status == net::TlsRecordIo::ReadStatus::PeerClosed) {
    onReadFailed(asio::error::eof);
    return AfterDecrypt::Finished;
  }
  if (!records_->outgoing().empty()) {
    writeMore();  // the session answered something (a KeyUpdate)
  }
  return state_ == State::Open ? AfterDecrypt::KeepReading : AfterDecrypt::StopReading;
}

void MessageChannel::onReadFailed(const asio::error_code& ec, const std::string& tls_failure) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ != State::Open) {
    // We asked to close; the peer's close_notify or reset ends it.
    finish(close_reason_);
    return;
  }
  const bool truncated = decoder_.hasPartialFrame();
  const bool orderly = ec == asio::error::eof;
  Error reason{truncated ? ErrorCode::FrameTruncated : ErrorCode::ConnectionClosed,
               truncated ? "connection ended inside a frame (" +
                               std::to_string(decoder_.bufferedBytes()) + " bytes pending)"
               : orderly
                   ? "peer closed the connection"
                   : "connection lost: " + (tls_failure.empty() ? ec.message() : tls_failure)};
  finish(reason);
}

bool MessageChannel::deliver(std::span<const std::byte> plaintext) {
  PARLEY_DCHECK_RUN_ON(strand_);
  if (state_ != State::Open) {
    return false;
  }
  if (auto fed = decoder_.feed(plaintext); !fed) {
    close(std::move(fed).error(), true);
    return false;
  }
  while (state_ == State::Open) {
    auto frame = decoder_.next();
    if (!frame) {
      close(std::move(frame).error(), true);
      return false;
    }
    if (!frame->has_value()) {
      break;
    }
    auto envelope = protocol::parseEnvelope(std::string_view(**frame));
    if (!envelope) {
      close(std::move(envelope).error(), true);
      return false;
    }
    auto handler = handler_.lock();
    if (!handler) {
      close(Error{ErrorCode::SessionClosed, "no one is listening on this connection"}, false);
      return false;
    }
    handler->onMessage(std::move(*envelope));
  }
  return state_ == State::Open;
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
    self->socket_.close(ignored);
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
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
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
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  queue_.clear();
  last_back_control_ = nullptr;
  queued_bytes_ = 0;
  if (auto handler = handler_.lock()) {
    handler->onClosed(reason);
  }
  handler_.reset();
}

}  // namespace parley::transport
