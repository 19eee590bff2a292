#include "core/server/interconnect/interconnect_proof.h"

#include <sodium.h>

namespace parley::server {
namespace {

void update(crypto_auth_hmacsha256_state& state, std::string_view field) {
  // Length-prefixed, so no two field lists hash the same bytes.
  const auto size = static_cast<std::uint32_t>(field.size());
  unsigned char length[4] = {static_cast<unsigned char>(size >> 24),
                             static_cast<unsigned char>(size >> 16),
                             static_cast<unsigned char>(size >> 8),
                             static_cast<unsigned char>(size)};
  crypto_auth_hmacsha256_update(&state, length, sizeof length);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(field.data()),
                                field.size());
}

}  // namespace

std::string interconnectProof(std::string_view secret, LinkRole sender_role,
                              std::string_view sender_name, std::span<const std::byte> exporter) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  update(state, "parley interconnect proof v1");
  update(state, sender_role == LinkRole::Dialer ? "dialer" : "acceptor");
  update(state, sender_name);
  update(state, std::string_view(reinterpret_cast<const char*>(exporter.data()), exporter.size()));
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
  sodium_memzero(&state, sizeof state);
  return mac;
}

bool interconnectProofValid(std::string_view proof, std::string_view secret, LinkRole sender_role,
                            std::string_view sender_name, std::span<const std::byte> exporter) {
  if (proof.size() != crypto_auth_hmacsha256_BYTES || exporter.empty()) {
    return false;
  }
  const auto expected = interconnectProof(secret, sender_role, sender_name, exporter);
  return sodium_memcmp(proof.data(), expected.data(), expected.size()) == 0;
}

}  // namespace parley::server
