#include "core/server/media/return_address.h"

#include "net/media_transport/address_check.h"

namespace parley::server {

std::optional<std::uint64_t> ReturnAddress::checkFor(const asio::ip::udp::endpoint& from,
                                                     Clock::TimePoint now) {
  if (outstanding_ && now - outstanding_->first_sent < kLifetime) {
    // The same check again, in case it was lost; never a second address.
    if (outstanding_->to != from || now - outstanding_->last_sent < kResend) {
      return std::nullopt;
    }
    outstanding_->last_sent = now;
    return outstanding_->nonce;
  }
  outstanding_ = Check{from, net::makeAddressCheckNonce(), now, now};
  return outstanding_->nonce;
}

bool ReturnAddress::answer(const asio::ip::udp::endpoint& from, std::uint64_t nonce,
                           Clock::TimePoint now) {
  if (!outstanding_ || outstanding_->to != from || outstanding_->nonce != nonce ||
      now - outstanding_->first_sent >= kLifetime) {
    return false;
  }
  has_address_ = true;
  address_ = from;
  outstanding_.reset();
  return true;
}

}  // namespace parley::server
