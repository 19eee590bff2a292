#include "tests/core/server/store/store_under_test.h"

#include <sqlite3.h>

#include <cstdlib>
#include <mutex>
#include <random>

#include "core/server/store/sqlite_store.h"
#include "parley_test_paths.h"
#include "tests/core/server/store/raw_sql.h"

#ifndef _WIN32
#include <libpq-fe.h>
#endif

namespace parley::test {
namespace {

#ifndef _WIN32
// The test server's connection string. Under CTest the fixture started it
// (PARLEY_TEST_POSTGRES names the file it wrote); run by hand, this process
// starts one of its own and stops it at exit.
const std::string& adminConninfo() {
  static const std::string conninfo = [] {
    std::string file;
    if (const char* named = std::getenv("PARLEY_TEST_POSTGRES"); named != nullptr) {
      file = named;
    } else {
      static testing::TempDir state;
      const std::string script = std::string(PARLEY_SOURCE_DIR) + "/tests/support/postgres-server";
      static std::string stop_command = script + " stop " + state.path().string();
      const std::string start = script + " start " + state.path().string() + " >&2";
      REQUIRE(std::system(start.c_str()) == 0);
      std::atexit([] { (void)std::system(stop_command.c_str()); });
      file = (state.path() / "conninfo").string();
    }
    std::string text = testing::readFile(file);
    while (!text.empty() && text.back() == '\n') {
      text.pop_back();
    }
    INFO("PostgreSQL test server's connection file: " << file);
    REQUIRE_FALSE(text.empty());
    return text;
  }();
  return conninfo;
}

// Runs SQL over a connection of its own and returns the first value of the
// first row ("" when there is none); REQUIREs success.
std::string pgQuery(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  INFO(PQerrorMessage(conn));
  REQUIRE(PQstatus(conn) == CONNECTION_OK);
  PGresult* result = PQexec(conn, sql.c_str());
  const auto status = PQresultStatus(result);
  INFO(sql << ": " << PQresultErrorMessage(result));
  std::string value;
  if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) {
    value = PQgetvalue(result, 0, 0);
  }
  PQclear(result);
  PQfinish(conn);
  REQUIRE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK));
  return value;
}
#endif

}  // namespace

const char* backendName(server::StoreBackend backend) {
  return backend == server::StoreBackend::Sqlite ? "sqlite" : "postgresql";
}

StoreUnderTest::StoreUnderTest(server::StoreBackend backend) : backend_(backend) {
#ifndef _WIN32
  if (backend_ == server::StoreBackend::Postgresql) {
    static std::mutex mu;
    static std::mt19937_64 random{std::random_device{}()};
    {
      std::lock_guard lock(mu);
      schema_ = "parley_test_" + std::to_string(random() % 1000000000000ULL);
    }
    pgQuery(adminConninfo(), "CREATE SCHEMA " + schema_);
  }
#endif
}

StoreUnderTest::~StoreUnderTest() {
#ifndef _WIN32
  if (!schema_.empty()) {
    PGconn* conn = PQconnectdb(adminConninfo().c_str());
    PQclear(PQexec(conn, ("DROP SCHEMA " + schema_ + " CASCADE").c_str()));
    PQfinish(conn);
  }
#endif
}

server::StoreSettings StoreUnderTest::settings(server::Synchronous synchronous) const {
  server::StoreSettings settings;
  settings.backend = backend_;
  settings.path = sqlitePath();
  settings.synchronous = synchronous;
#ifndef _WIN32
  if (backend_ == server::StoreBackend::Postgresql) {
    // The schema's name is also the sessions' application name, so that a
    // test can find its own store's sessions among those of tests running
    // at the same time.
    settings.postgresql =
        adminConninfo() + " options='-c search_path=" + schema_ + "' application_name=" + schema_;
  }
#endif
  return settings;
}

Result<std::unique_ptr<server::Store>> StoreUnderTest::open(bool create,
                                                            server::Synchronous synchronous) const {
  auto store = server::openStore(settings(synchronous), create);
  if (!store) {
    // What went wrong, in the report of whichever check then fails.
    UNSCOPED_INFO(backendName(backend_) << " store: " << store.error().detail);
  }
  return store;
}

void StoreUnderTest::rawSql(const std::string& sql) const {
#ifndef _WIN32
  if (backend_ == server::StoreBackend::Postgresql) {
    pgQuery(settings().postgresql, sql);
    return;
  }
#endif
  parley::test::rawSql(sqlitePath(), sql);
}

std::int64_t StoreUnderTest::queryInt(const std::string& sql) const {
#ifndef _WIN32
  if (backend_ == server::StoreBackend::Postgresql) {
    const std::string value = pgQuery(settings().postgresql, sql);
    REQUIRE_FALSE(value.empty());
    return std::stoll(value);
  }
#endif
  return parley::test::queryInt(sqlitePath(), sql.c_str());
}

}  // namespace parley::test
