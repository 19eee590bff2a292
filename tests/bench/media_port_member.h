#pragma once
// A participant's end of the media port for the benchmarks that drive a
// MediaRouter through real sockets (media_port_bench, interconnect_bench):
// keys, a socket, the address check's answer, and the router's counters.

#include <future>
#include <optional>
#include <stdexcept>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>

#include "core/server/media/media_router.h"
#include "core/server/media/media_ssrc.h"
#include "media/rtp/payload_types.h"
#include "media/rtp/rtp_packet.h"
#include "net/media_transport/address_check.h"
#include "net/media_transport/srtp_session.h"
#include "tests/support/socket_wait.h"

namespace parley::bench {

using asio::ip::udp;

inline std::vector<std::byte> keying(std::uint8_t seed) {
  std::vector<std::byte> bytes(net::kMediaKeyingBytes);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::byte>((seed * 131 + i * 7) & 0xff);
  }
  return bytes;
}

inline std::vector<std::byte> rtp(std::uint32_t ssrc, std::uint16_t seq, std::size_t bytes) {
  media::RtpHeader header;
  header.payload_type = media::kOpusPayloadType;  // not video: no layer logic in the way
  header.sequence = seq;
  header.timestamp = seq * 960U;
  header.ssrc = ssrc;
  std::vector<std::byte> payload(bytes - 12, std::byte{0x5a});
  std::vector<std::byte> out;
  media::writeRtp(header, payload, out);
  return out;
}

// One participant's end: keys, a socket, and the address check's answer.
struct Member {
  Member(asio::io_context& io, std::uint64_t id, const char* address)
      : socket(io, udp::endpoint(asio::ip::make_address(address), 0)) {
    info.participant_id = id;
    info.room = "bench";
    info.ssrcs = server::mediaSsrcs(id);
    info.keying = keying(static_cast<std::uint8_t>(id));
    auto keys = net::splitMediaKeys(info.keying);
    out.emplace(std::move(
        net::SrtpSession::create(net::SrtpSession::Direction::Outbound, keys->client_write)
            .value()));
    in.emplace(
        std::move(net::SrtpSession::create(net::SrtpSession::Direction::Inbound, keys->server_write)
                      .value()));
  }
  std::vector<std::byte> protect(std::vector<std::byte> plain, bool rtcp) {
    if (!(rtcp ? out->protectRtcp(plain) : out->protectRtp(plain))) {
      throw std::runtime_error("protect failed");
    }
    return plain;
  }
  std::vector<std::byte> receive() {
    if (!testing::waitReadable(socket.native_handle(), 10'000)) {
      throw std::runtime_error("nothing from the server in 10 s");
    }
    std::vector<std::byte> buf(2048);
    buf.resize(socket.receive(asio::buffer(buf)));
    return buf;
  }
  // What MediaTransport does to have its address confirmed.
  void confirm(const udp::endpoint& server) {
    std::vector<std::byte> probe = {std::byte{0x80}, std::byte{201}, std::byte{0}, std::byte{1}};
    for (int i = 0; i < 4; ++i) {
      probe.push_back(static_cast<std::byte>(info.ssrcs[0] >> (24 - 8 * i)));
    }
    net::appendAddressCheck(net::AddressCheckType::Padding, info.ssrcs[0], 0, probe);
    socket.send_to(asio::buffer(protect(probe, true)), server);
    auto check = receive();
    auto n = in->unprotectRtcp(check);
    auto nonce = n ? net::findAddressCheck(std::span(check).first(*n), net::AddressCheckType::Check)
                   : std::nullopt;
    if (!nonce) {
      throw std::runtime_error("no address check");
    }
    std::vector<std::byte> answer;
    net::appendAddressCheck(net::AddressCheckType::Answer, info.ssrcs[0], *nonce, answer);
    socket.send_to(asio::buffer(protect(answer, true)), server);
    auto rr = receive();
    if (!in->unprotectRtcp(rr)) {
      throw std::runtime_error("no answer to the confirmed probe");
    }
  }
  server::MediaLegInfo info;
  std::optional<net::SrtpSession> out;
  std::optional<net::SrtpSession> in;
  udp::socket socket;
};

inline server::MediaRouter::Counters countersOf(server::MediaRouter& router) {
  std::promise<server::MediaRouter::Counters> p;
  router.inspect([&p](const server::MediaRouter::Counters& c) { p.set_value(c); });
  return p.get_future().get();
}

}  // namespace parley::bench
