#pragma once
// The store tests run against both Store implementations: a SQLite file in a
// temporary folder, and (on Linux) a fresh schema in a real PostgreSQL server
// of the tests' own (tests/support/postgres-server, a CTest fixture). Each
// TEST_CASE that opens its store through StoreUnderTest runs once per
// backend:
//
//   const auto backend = PARLEY_EACH_STORE_BACKEND();
//   StoreUnderTest where(backend);
//   auto store = where.open();

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "core/server/store/store.h"
#include "tests/support/test_dir.h"

namespace parley::test {

#ifdef _WIN32  // no libpq for Windows (docs/windows.md)
#define PARLEY_EACH_STORE_BACKEND() GENERATE(parley::server::StoreBackend::Sqlite)
#else
#define PARLEY_EACH_STORE_BACKEND() \
  GENERATE(parley::server::StoreBackend::Sqlite, parley::server::StoreBackend::Postgresql)
#endif

const char* backendName(server::StoreBackend backend);

// One empty place for a store, removed afterwards: a folder for a SQLite
// file, or a PostgreSQL schema of its own (search_path), so that tests
// running at once on the one server never see each other's tables.
class StoreUnderTest {
 public:
  explicit StoreUnderTest(server::StoreBackend backend);
  ~StoreUnderTest();
  StoreUnderTest(const StoreUnderTest&) = delete;
  StoreUnderTest& operator=(const StoreUnderTest&) = delete;

  [[nodiscard]] server::StoreSettings settings(
      server::Synchronous synchronous = server::Synchronous::Normal) const;
  Result<std::unique_ptr<server::Store>> open(
      bool create = true, server::Synchronous synchronous = server::Synchronous::Normal) const;
  // Runs SQL on the place directly, as an administrator or an older
  // parleyd would; REQUIREs success.
  void rawSql(const std::string& sql) const;
  // The first column of the first row of a query, as an integer.
  [[nodiscard]] std::int64_t queryInt(const std::string& sql) const;

  [[nodiscard]] server::StoreBackend backend() const { return backend_; }
  [[nodiscard]] std::string sqlitePath() const { return (dir_.path() / "parley.db").string(); }
  // PostgreSQL: the schema, which is also its sessions' application_name.
  [[nodiscard]] const std::string& postgresSchema() const { return schema_; }

 private:
  server::StoreBackend backend_;
  testing::TempDir dir_;
  std::string schema_;  // PostgreSQL
};

}  // namespace parley::test
