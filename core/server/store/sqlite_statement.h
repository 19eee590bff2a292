#pragma once
// Small helpers shared by SqliteStore's source files (sqlite_store.cpp,
// sqlite_store_rooms.cpp, sqlite_store_resume_tokens.cpp) for its cached
// statements.

#include <sqlite3.h>

#include <cstddef>
#include <string>

namespace parley::server::sqlite {

// RAII reset of a cached statement so it never stays mid-step.
class StmtUse {
 public:
  explicit StmtUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StmtUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

inline void bindText(sqlite3_stmt* stmt, int index, const std::string& text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

inline void bindBlob(sqlite3_stmt* stmt, int index, const std::string& bytes) {
  sqlite3_bind_blob(stmt, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

inline std::string columnText(sqlite3_stmt* stmt, int col) {
  const auto* data = sqlite3_column_text(stmt, col);
  const int len = sqlite3_column_bytes(stmt, col);
  return data == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
}

}  // namespace parley::server::sqlite
