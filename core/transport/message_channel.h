#pragma once
// MessageChannel: Parley frames (u32 length + Envelope) over one TLS stream.
// The one piece of I/O the server connection and the client session share.
//
// Threads: everything runs on the channel's strand. Public methods may be
// called from any thread; they post to the strand. Handler callbacks are
// invoked on the strand.
//
// Ownership: created as shared_ptr (Asio keeps it alive while operations are
// in flight). It holds its Handler weakly, so a handler that dies simply stops
// getting calls. Writes: one in flight at a time; queued frames are encrypted
// in batches of up to 64 KiB of full TLS records (net::TlsRecordIo) and sent
// with one socket write. Reads: whatever the socket holds is decrypted in one
// pass. The output queue is bounded: a peer that does not read is
// disconnected (slow_consumer) instead of growing server memory.

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/protocol/frame_codec.h"
#include "core/protocol/message_codec.h"
#include "net/tls/tls_context.h"
#include "net/tls/tls_record_io.h"

namespace parley::transport {

using protocol::Envelope;

class MessageChannel : public std::enable_shared_from_this<MessageChannel> {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual void onMessage(Envelope&& envelope) = 0;
    // Exactly once per channel, after which no more calls come. `reason` is
    // ConnectionClosed for an orderly end by the peer.
    virtual void onClosed(const Error& reason) = 0;
  };

  struct Limits {
    std::size_t max_queued_bytes = 8 * 1024 * 1024;
    // The largest frame the peer may send (a header announcing more closes).
    std::size_t max_frame_bytes = protocol::kMaxFrameBytes;
    std::chrono::milliseconds shutdown_timeout{2000};
  };

  using Strand = asio::strand<asio::any_io_executor>;

  static std::shared_ptr<MessageChannel> create(std::unique_ptr<net::TlsStream> stream,
                                                Limits limits);
  static std::shared_ptr<MessageChannel> create(std::unique_ptr<net::TlsStream> stream) {
    return create(std::move(stream), Limits{});
  }

  // Starts reading. Call once.
  void start(std::weak_ptr<Handler> handler);

  // Replaces the limits (any thread): a server keeps a stranger's channel
  // small and widens it once the peer signed in. A frame whose header was
  // already accepted is not checked again.
  void setLimits(Limits limits);

  // Queues a message. Serialization happens on the caller's thread.
  void send(const Envelope& envelope);
  // Queues an already framed message (shared by many channels for fan-out).
  void sendFrame(std::shared_ptr<const std::string> frame);

  // Media over the channel (the TCP fallback). A late media packet is worth
  // nothing, so instead of growing the queue toward the slow-consumer limit
  // it is dropped once kMaxQueuedMediaBytes are waiting.
  //
  // The queue has two lanes. The front lane holds `urgent` media (audio) and
  // chat and control frames up to kFrontControlBytes, in arrival order: voice
  // never waits behind video or a chat history page, and chat never waits
  // behind voice that came after it (a busy room's voice cannot starve its
  // chat). The back lane holds video and larger frames (history pages), and
  // any chat or control frame queued while a larger one waits there, so
  // those keep their order.
  static constexpr std::size_t kFrontControlBytes = 4096;
  static constexpr std::size_t kMaxQueuedMediaBytes = 512 * 1024;
  void sendMedia(const Envelope& envelope, bool urgent);
  [[nodiscard]] std::uint64_t droppedMediaForTest() const { return dropped_media_; }

  // The TLS session's exporter output for media keys (net::kMediaKeyingBytes,
  // label net::kMediaExporterLabel), read once when the channel is created;
  // empty if the stream had no completed handshake. Any thread (immutable).
  [[nodiscard]] const std::vector<std::byte>& mediaKeyingMaterial() const { return media_keying_; }

  // Sends `reason` to the peer as a fatal ErrorNotice (when notify_peer), then
  // flushes, shuts TLS down and closes. onClosed(reason) follows.
  void close(Error reason, bool notify_peer = true);

  // Closes the socket without flushing or notifying (a cut connection).
  void abort();

  Strand& strand() { return strand_; }
  [[nodiscard]] const std::string& peerAddress() const { return peer_address_; }
  [[nodiscard]] std::uint16_t peerPort() const { return peer_port_; }
  [[nodiscard]] std::size_t queuedBytesForTest() const { return queued_bytes_; }

  MessageChannel(std::unique_ptr<net::TlsStream> stream, Limits limits);

 private:
  void readMore();
  void onReadable(const asio::error_code& ec);
  // Decrypts `ciphertext` (empty: only what the session already holds, such
  // as records that arrived with the handshake) and delivers the frames.
  enum class AfterDecrypt { KeepReading, StopReading, Finished };
  AfterDecrypt decryptAndDeliver(std::span<const std::byte> ciphertext);
  // `tls_failure` names a record that failed to decrypt (else ec says why).
  void onReadFailed(const asio::error_code& ec, const std::string& tls_failure = {});
  // Feeds decrypted bytes to the decoder and hands out whole frames; ignores
  // them (false) once the channel is no longer open.
  bool deliver(std::span<const std::byte> plaintext);
  enum class Lane { Front, Back, BackControl };
  void enqueue(std::shared_ptr<const std::string> frame, Lane lane);
  void writeMore();
  // Moves up to one batch of queued frames into records_ as ciphertext.
  Result<void> encryptQueued();
  void beginShutdown();
  // finish() after limits_.shutdown_timeout unless something ends the channel first.
  void armCloseTimer();
  void finish(const Error& reason);

  // The handshaken stream's socket, taken out of it; the stream itself is
  // freed once records_ has its session.
  asio::ip::tcp::socket socket_;
  // The stream's TLS records, driven over socket_ directly (null, with
  // adopt_error_, if the stream could not be taken over).
  std::unique_ptr<net::TlsRecordIo> records_;
  Error adopt_error_;
  Strand strand_;
  Limits limits_;
  std::weak_ptr<Handler> handler_;
  protocol::FrameDecoder decoder_;

  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  std::size_t front_queued_ = 0;  // the front lane's frames, at the start of queue_
  // The newest chat or control frame in the back lane (null: none there).
  const std::string* last_back_control_ = nullptr;
  std::uint64_t dropped_media_ = 0;
  std::vector<std::byte> media_keying_;
  std::string sending_;  // ciphertext of the socket write in flight
  bool writing_ = false;

  enum class State { Open, Closing, ShuttingDown, Closed };
  State state_ = State::Open;
  Error close_reason_;
  asio::steady_timer shutdown_timer_;
  std::string peer_address_;
  std::uint16_t peer_port_ = 0;
};

}  // namespace parley::transport
