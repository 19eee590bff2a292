#include "core/server/media/turn_credentials.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace parley::server {

TurnCredentials makeTurnCredentials(const std::string& secret, const std::string& user,
                                    std::int64_t now_unix_s, std::chrono::seconds ttl) {
  TurnCredentials out;
  out.username = std::to_string(now_unix_s + ttl.count()) + ":" + user;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(out.username.data()), out.username.size(), mac.data(),
       &mac_length);
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> text{};
  const int n = EVP_EncodeBlock(text.data(), mac.data(), static_cast<int>(mac_length));
  out.password.assign(reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(n));
  return out;
}

}  // namespace parley::server
