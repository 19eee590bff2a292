#include "tests/support/raw_tls_client.h"

#include <sys/socket.h>

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <random>
#include <stdexcept>

#include "core/protocol/frame_codec.h"
#include "core/protocol/message_codec.h"
#include "net/tls/tls_context.h"

namespace parley::test {

struct RawTlsClient::Impl {
  asio::io_context io;
  std::shared_ptr<asio::ssl::context> ctx;
  std::unique_ptr<net::TlsStream> stream;
  protocol::FrameDecoder decoder;
  bool closed = false;
  std::uint64_t client_instance = 0;
  bool use_token = false;    // signIn() sends its "password" as a resume token
  std::string resume_token;  // from the last successful sign-in
};

namespace {
std::uint64_t randomInstance() {
  std::random_device device;
  std::uint64_t value = 0;
  while (value == 0) {
    value = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  return value;
}
}  // namespace

RawTlsClient::RawTlsClient(std::uint16_t port, const std::string& ca_file,
                           const std::string& local_address)
    : impl_(std::make_unique<Impl>()) {
  impl_->client_instance = randomInstance();
  auto ctx = net::makeClientTlsContext(ca_file);
  if (!ctx) {
    throw std::runtime_error(ctx.error().toString());
  }
  impl_->ctx = *ctx;
  impl_->stream = std::make_unique<net::TlsStream>(impl_->io, *impl_->ctx);
  if (!local_address.empty()) {
    impl_->stream->lowest_layer().open(asio::ip::tcp::v4());
    impl_->stream->lowest_layer().bind(
        asio::ip::tcp::endpoint(asio::ip::make_address(local_address), 0));
  }
  impl_->stream->lowest_layer().connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  // As the real connector does: without it, Nagle holds the first request
  // behind TLS's Finished until the server's delayed ACK (40 ms).
  impl_->stream->lowest_layer().set_option(asio::ip::tcp::no_delay(true));
  impl_->stream->handshake(asio::ssl::stream_base::client);
}

RawTlsClient::~RawTlsClient() = default;

std::uint64_t RawTlsClient::clientInstance() const { return impl_->client_instance; }

void RawTlsClient::setClientInstance(std::uint64_t instance) { impl_->client_instance = instance; }

void RawTlsClient::writeBytes(const std::string& bytes) {
  asio::error_code ec;
  asio::write(*impl_->stream, asio::buffer(bytes), ec);
}

void RawTlsClient::send(const proto::Envelope& envelope) {
  std::string frame;
  if (!protocol::appendEnvelopeFrame(envelope, frame)) {
    throw std::runtime_error("cannot frame envelope");
  }
  writeBytes(frame);
}

std::optional<proto::Envelope> RawTlsClient::read(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->closed) {
    auto frame = impl_->decoder.next();
    if (frame && frame->has_value()) {
      auto envelope = protocol::parseEnvelope(std::string_view(**frame));
      if (envelope) {
        return *envelope;
      }
      continue;
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::milliseconds(0)) {
      return std::nullopt;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
    timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000 + 1)};
    setsockopt(impl_->stream->lowest_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv,
               sizeof(tv));
    std::array<std::byte, 16384> buf{};
    asio::error_code ec;
    const std::size_t n = impl_->stream->read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      return std::nullopt;
    }
    if (ec) {
      impl_->closed = true;
      return std::nullopt;
    }
    (void)impl_->decoder.feed(std::span(buf.data(), n));
  }
  return std::nullopt;
}

bool RawTlsClient::readUntilClosed(std::chrono::milliseconds timeout,
                                   std::vector<proto::Envelope>* seen) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->closed && std::chrono::steady_clock::now() < deadline) {
    auto envelope = read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (envelope && seen != nullptr) {
      seen->push_back(*envelope);
    }
  }
  return impl_->closed;
}

namespace {
// For replies that must come: only a bound for a broken server, far above
// any run's time for them (a refusal or a close ends the wait at once).
constexpr std::chrono::seconds kReplyBound{60};
}  // namespace

bool RawTlsClient::signIn(const std::string& user, const std::string& password,
                          const std::string& room) {
  proto::Envelope hello;
  hello.mutable_client_hello()->set_protocol_version(protocol::kProtocolVersion);
  hello.mutable_client_hello()->set_client_name("raw-test-client");
  hello.mutable_client_hello()->set_client_instance(impl_->client_instance);
  send(hello);
  auto server_hello = read(kReplyBound);
  if (!server_hello || !server_hello->has_server_hello()) {
    return false;
  }
  proto::Envelope sign_in;
  sign_in.mutable_sign_in()->set_user(user);
  if (impl_->use_token) {
    sign_in.mutable_sign_in()->set_resume_token(password);
  } else {
    sign_in.mutable_sign_in()->set_password(password);
  }
  send(sign_in);
  auto result = read(kReplyBound);
  if (!result || !result->has_sign_in_result() || !result->sign_in_result().ok()) {
    return false;
  }
  impl_->resume_token = result->sign_in_result().resume_token();
  if (room.empty()) {
    return true;
  }
  proto::Envelope join;
  join.mutable_join_room()->set_room(room);
  send(join);
  for (int i = 0; i < 1000; ++i) {
    auto e = read(kReplyBound);
    if (!e) {
      return false;
    }
    if (e->has_joined()) {
      return true;
    }
  }
  return false;
}

bool RawTlsClient::signInWithToken(const std::string& user, const std::string& token,
                                   const std::string& room) {
  impl_->use_token = true;
  const bool ok = signIn(user, token, room);
  impl_->use_token = false;
  return ok;
}

std::string RawTlsClient::resumeToken() const { return impl_->resume_token; }

}  // namespace parley::test
