#include "core/server/deployment/server_init.h"

#include <system_error>

#include "core/server/store/sqlite_store.h"
#include "net/platform/private_file.h"
#include "net/tls/certificate_authority.h"

namespace parley::server {

const std::vector<std::string>& initFileNames() {
  static const std::vector<std::string> kNames = {"ca.key",     "ca.crt",       "server.key",
                                                  "server.crt", "parleyd.toml", "parley.db"};
  return kNames;
}

Result<InitResult> initServerDirectory(const InitOptions& options) {
  namespace fs = std::filesystem;
  if (options.rsa_bits < net::kMinimumRsaBits) {
    return makeError(ErrorCode::InvalidArgument, "RSA keys of " + std::to_string(options.rsa_bits) +
                                                     " bits are refused; use at least " +
                                                     std::to_string(net::kMinimumRsaBits));
  }
  if (options.hosts.empty()) {
    return makeError(ErrorCode::InvalidArgument, "give at least one --host");
  }
  const fs::path dir = options.dir;
  const fs::path store_path = options.store_path.empty() ? dir / "parley.db" : options.store_path;
  std::error_code ec;
  // Refuse before creating anything, so a mistaken run destroys nothing.
  for (const auto& name : initFileNames()) {
    const fs::path file = name == "parley.db" ? store_path : dir / name;
    if (fs::exists(file, ec) || fs::is_symlink(file, ec)) {
      return makeError(ErrorCode::AlreadyExists,
                       file.string() +
                           " already exists; refusing to overwrite an existing deployment "
                           "(choose an empty directory)");
    }
  }
  fs::create_directories(dir, ec);
  if (ec) {
    return makeError(ErrorCode::Io, "cannot create " + dir.string() + ": " + ec.message());
  }

  auto ca = net::createCertificateAuthority(options.server_name + " private CA", options.rsa_bits,
                                            options.ca_valid_days);
  if (!ca) {
    return makeError(std::move(ca).error());
  }
  auto server =
      net::issueServerCertificate(*ca, options.hosts, options.rsa_bits, options.server_valid_days);
  if (!server) {
    return makeError(std::move(server).error());
  }
  auto fingerprint = net::certificateSha256Fingerprint(ca->certificate_pem);
  if (!fingerprint) {
    return makeError(std::move(fingerprint).error());
  }
  const std::vector<std::pair<std::string, std::pair<std::string, unsigned>>> files = {
      {"ca.key", {ca->private_key_pem, 0600}},
      {"ca.crt", {ca->certificate_pem, 0644}},
      {"server.key", {server->private_key_pem, 0600}},
      // The chain: the server certificate, then the CA that issued it.
      {"server.crt", {server->certificate_pem + ca->certificate_pem, 0644}},
      {"parleyd.toml",
       {renderDefaultConfig(options.server_name, options.tcp, options.udp,
                            options.store_path.string()),
        0640}},
  };
  for (const auto& [name, content] : files) {
    if (auto ok = net::writeNewFile((dir / name).string(), content.first, content.second); !ok) {
      return makeError(std::move(ok).error());
    }
  }
  {
    if (store_path.has_parent_path()) {
      fs::create_directories(store_path.parent_path(), ec);
    }
    auto store = SqliteStore::open(store_path.string(), Synchronous::Normal, true);
    if (!store) {
      return makeError(std::move(store).error());
    }
    (*store)->close();
  }
  fs::permissions(store_path, fs::perms::owner_read | fs::perms::owner_write, ec);

  InitResult result;
  result.config_file = fs::absolute(dir / "parleyd.toml", ec);
  result.ca_certificate = fs::absolute(dir / "ca.crt", ec);
  result.ca_key = fs::absolute(dir / "ca.key", ec);
  result.ca_fingerprint = std::move(*fingerprint);
  return result;
}

}  // namespace parley::server
