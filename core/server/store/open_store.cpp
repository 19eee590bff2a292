#include "core/server/store/sqlite_store.h"
#include "core/server/store/store.h"
#ifdef PARLEY_HAVE_POSTGRESQL
#include "core/server/store/postgres_store.h"
#endif

namespace parley::server {

StoreSettings storeSettings(const ServerConfig& config) {
  StoreSettings settings;
  settings.backend = config.store_backend;
  settings.path = config.store_path;
  settings.synchronous = config.synchronous;
  settings.postgresql = config.store_postgresql;
  return settings;
}

Result<std::unique_ptr<Store>> openStore(const StoreSettings& settings, bool create) {
  if (settings.backend == StoreBackend::Sqlite) {
    return SqliteStore::open(settings.path.string(), settings.synchronous, create);
  }
#ifdef PARLEY_HAVE_POSTGRESQL
  // A PostgreSQL database is created by its administrator, never by
  // parleyd: `create` only creates the schema in it, which opening does.
  return PostgresStore::open(settings.postgresql);
#else
  return makeError(ErrorCode::StoreFailed,
                   "this parleyd was built without PostgreSQL support (libpq); use "
                   "backend = \"sqlite\" in [store]");
#endif
}

}  // namespace parley::server
