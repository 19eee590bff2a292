#pragma once
// pg::Connection: PostgresStore's one libpq connection. Statements are
// prepared on the server at first use and reused (the cache is keyed by the
// statement text's address: every statement is a string literal). Numbers
// and text travel as text, token hashes as binary bytea.
//
// A lost connection (the database restarted, a network blip) fails the call
// that found it with StoreFailed and is opened again by the next call; no
// statement is retried blindly, since a commit may or may not have happened.
// The callers' own retries are safe: a chat resend is deduplicated by its
// client id, and account and room changes are idempotent or say AlreadyExists.
//
// Threads: not thread-safe; PostgresStore serialises every call.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/base/result.h"

struct pg_conn;
struct pg_result;

namespace parley::server::pg {

// One statement parameter: text, or binary for bytea; nullopt is NULL.
struct Param {
  std::optional<std::string> value;
  bool binary = false;
};
inline Param text(std::string v) { return Param{std::move(v), false}; }
inline Param integer(std::int64_t v) { return Param{std::to_string(v), false}; }
inline Param bytes(std::string v) { return Param{std::move(v), true}; }
inline Param null() { return Param{}; }

// The rows (or the count) a statement returned; owns the libpq result.
class Rows {
 public:
  explicit Rows(pg_result* result) : result_(result) {}
  ~Rows();
  Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  [[nodiscard]] int count() const;
  [[nodiscard]] bool isNull(int row, int col) const;
  [[nodiscard]] std::string text(int row, int col) const;
  [[nodiscard]] std::int64_t integer(int row, int col) const;
  // One column of every row, as text (a list of names).
  [[nodiscard]] std::vector<std::string> column(int col) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  [[nodiscard]] std::int64_t affected() const;

 private:
  pg_result* result_ = nullptr;
};

class Connection {
 public:
  // Connects; `conninfo` is a libpq connection string or URI.
  static Result<std::unique_ptr<Connection>> open(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with $1.. parameters. A unique-key clash is AlreadyExists,
  // a full disk StoreFull, anything else StoreFailed (with the server's words).
  Result<Rows> run(const char* sql, std::initializer_list<Param> params = {});
  // Statements without parameters, several at once (schema, BEGIN, COMMIT).
  Result<void> exec(const char* sql);
  // Leaves a transaction that failed half-way; harmless outside one.
  void rollback();

  // "postgresql db@host:port", never the password.
  [[nodiscard]] const std::string& describe() const { return description_; }
  void close();

 private:
  Connection() = default;
  Result<void> ensureConnected();
  Unexpected failure(const std::string& what, pg_result* result);

  pg_conn* conn_ = nullptr;
  std::string description_;
  // Statement text address -> its server-side name, for this session only.
  std::unordered_map<const char*, std::string> prepared_;
};

}  // namespace parley::server::pg
