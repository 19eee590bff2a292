#include "core/server/store/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstring>
#include <vector>

namespace parley::server::pg {
namespace {

// SQLSTATE classes libpq reports (PostgreSQL manual, appendix A).
constexpr const char* kUniqueViolation = "23505";
constexpr const char* kDiskFull = "53100";

// The connection string is the administrator's; only where it points is
// repeated in messages (its password never is).
std::string describeConnection(pg_conn* conn) {
  const char* host = PQhost(conn);
  const char* port = PQport(conn);
  const char* db = PQdb(conn);
  return std::string("postgresql ") + (db != nullptr ? db : "?") + "@" +
         (host != nullptr ? host : "?") + ":" + (port != nullptr ? port : "?");
}

// CREATE ... IF NOT EXISTS and the like send notices; they are not errors
// and would otherwise go to stderr.
void ignoreNotice(void* /*arg*/, const char* /*message*/) {}

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

Rows::~Rows() { PQclear(result_); }

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

int Rows::count() const { return PQntuples(result_); }

bool Rows::isNull(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }

std::string Rows::text(int row, int col) const {
  return {PQgetvalue(result_, row, col), static_cast<std::size_t>(PQgetlength(result_, row, col))};
}

std::int64_t Rows::integer(int row, int col) const {
  const char* value = PQgetvalue(result_, row, col);
  std::int64_t out = 0;
  std::from_chars(value, value + std::strlen(value), out);
  return out;
}

std::vector<std::string> Rows::column(int col) const {
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(count()));
  for (int i = 0; i < count(); ++i) {
    out.push_back(text(i, col));
  }
  return out;
}

std::int64_t Rows::affected() const {
  const char* value = PQcmdTuples(result_);
  std::int64_t out = 0;
  std::from_chars(value, value + std::strlen(value), out);
  return out;
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& conninfo) {
  std::unique_ptr<Connection> connection(new Connection());
  connection->conn_ = PQconnectdb(conninfo.c_str());
  if (connection->conn_ == nullptr) {
    return makeError(ErrorCode::StoreFailed, "cannot allocate a PostgreSQL connection");
  }
  connection->description_ = describeConnection(connection->conn_);
  if (PQstatus(connection->conn_) != CONNECTION_OK) {
    return makeError(ErrorCode::StoreFailed, "cannot connect to " + connection->description_ +
                                                 ": " + trimmed(PQerrorMessage(connection->conn_)));
  }
  PQsetNoticeProcessor(connection->conn_, ignoreNotice, nullptr);
  if (PQsetClientEncoding(connection->conn_, "UTF8") != 0) {
    return makeError(ErrorCode::StoreFailed,
                     "cannot set the client encoding on " + connection->description_);
  }
  return connection;
}

Connection::~Connection() { close(); }

void Connection::close() {
  if (conn_ != nullptr) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  prepared_.clear();
}

Result<void> Connection::ensureConnected() {
  if (conn_ == nullptr) {
    return makeError(ErrorCode::StoreFailed, "the store " + description_ + " is closed");
  }
  if (PQstatus(conn_) == CONNECTION_OK) {
    return {};
  }
  // Prepared statements live in the session that was lost.
  prepared_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return makeError(ErrorCode::StoreFailed, "lost the connection to " + description_ + ": " +
                                                 trimmed(PQerrorMessage(conn_)));
  }
  return {};
}

Unexpected Connection::failure(const std::string& what, pg_result* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  ErrorCode code = ErrorCode::StoreFailed;
  if (state != nullptr && std::strcmp(state, kUniqueViolation) == 0) {
    code = ErrorCode::AlreadyExists;
  } else if (state != nullptr && std::strcmp(state, kDiskFull) == 0) {
    code = ErrorCode::StoreFull;
  }
  std::string detail = what + " (" + description_ +
                       "): " + trimmed(result != nullptr ? PQresultErrorMessage(result) : nullptr);
  if (result == nullptr || detail.back() == ' ') {
    detail += trimmed(PQerrorMessage(conn_));
  }
  PQclear(result);
  return makeError(code, std::move(detail));
}

Result<Rows> Connection::run(const char* sql, std::initializer_list<Param> params) {
  if (auto ok = ensureConnected(); !ok) {
    return makeError(std::move(ok).error());
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const auto& p : params) {
    // Text parameters go as C strings: a NUL inside would cut them short
    // without a word. The protocol refuses control characters in names and
    // chat, so this only guards against a caller's mistake.
    if (p.value && !p.binary && p.value->find('\0') != std::string::npos) {
      return makeError(ErrorCode::InvalidArgument, "text with a NUL byte cannot be stored");
    }
    values.push_back(p.value ? p.value->c_str() : nullptr);
    lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
    formats.push_back(p.binary ? 1 : 0);
  }
  auto name = prepared_.find(sql);
  if (name == prepared_.end()) {
    std::string fresh = "s" + std::to_string(prepared_.size());
    pg_result* made =
        PQprepare(conn_, fresh.c_str(), sql, static_cast<int>(values.size()), nullptr);
    if (PQresultStatus(made) != PGRES_COMMAND_OK) {
      return failure(std::string("cannot prepare ") + sql, made);
    }
    PQclear(made);
    name = prepared_.emplace(sql, std::move(fresh)).first;
  }
  pg_result* result = PQexecPrepared(conn_, name->second.c_str(), static_cast<int>(values.size()),
                                     values.data(), lengths.data(), formats.data(), 0);
  const auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return failure(std::string("cannot run ") + sql, result);
  }
  return Rows(result);
}

Result<void> Connection::exec(const char* sql) {
  if (auto ok = ensureConnected(); !ok) {
    return ok;
  }
  pg_result* result = PQexec(conn_, sql);
  const auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return failure(std::string("cannot run ") + sql, result);
  }
  PQclear(result);
  return {};
}

void Connection::rollback() {
  if (conn_ != nullptr && PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PQclear(PQexec(conn_, "ROLLBACK"));
  }
}

}  // namespace parley::server::pg
