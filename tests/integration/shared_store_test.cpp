// Two real parleyd sharing one PostgreSQL store (docs/server-admin.md, "The
// store"): accounts added through one sign in on the other, and chat stored
// by one is the history the other's room shows. The PostgreSQL server is the
// store tests' own (tests/support/postgres-server, a CTest fixture).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/core/server/store/store_under_test.h"
#include "tests/support/server_fixture.h"

using namespace parley::test;
using nlohmann::json;

namespace {

std::vector<std::string> texts(const CliRun& run) {
  std::vector<std::string> out;
  for (const auto& line : run.eventsOf("chat")) {
    out.push_back(json::parse(line).at("text").get<std::string>());
  }
  return out;
}

ServerFixture::Options sharing(const StoreUnderTest& where,
                               std::map<std::string, std::string> users) {
  ServerFixture::Options options;
  options.users = std::move(users);
  options.config["store.backend"] = "\"postgresql\"";
  options.config["store.postgresql"] = "\"" + where.settings().postgresql + "\"";
  return options;
}

}  // namespace

TEST_CASE("two servers on one PostgreSQL store share accounts and chat history",
          "[integration][postgresql]") {
  StoreUnderTest where(parley::server::StoreBackend::Postgresql);
  // Accounts are added through the first server's configuration only.
  ServerFixture first(sharing(where, {{"alice", "alice-pw"}, {"bob", "bob-pw"}}));
  ServerFixture second(sharing(where, {}));
  first.start();
  second.start();

  CliOptions alice;
  alice.say = {"stored by the first server"};
  alice.for_seconds = 0;
  const CliRun ra = runCli(first, alice);
  INFO(ra.transcript());
  REQUIRE(ra.exit_code == 0);
  REQUIRE(ra.eventsOf("sent").size() == 1);

  // Bob signs in on the second server with the password the first one's
  // `parleyd user add` stored, and finds alice's message as the history.
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.say = {"stored by the second server"};
  bob.for_seconds = CliOptions::kUntilStopped;
  CliProcess b(second, bob);
  REQUIRE(b.waitForEvent("sent"));
  const CliRun rb = b.stop();
  INFO(rb.transcript());
  REQUIRE(rb.exit_code == 0);
  CHECK(texts(rb) ==
        std::vector<std::string>{"stored by the first server", "stored by the second server"});

  // Back on the first server, alice sees both, in one order, once each.
  CliOptions again = alice;
  again.say.clear();
  again.for_seconds = CliOptions::kUntilStopped;
  CliProcess a(first, again);
  REQUIRE(a.waitForEvent("chat", [](const json& c) {
    return c.at("text") == "stored by the second server";
  }));
  const CliRun ra2 = a.stop();
  INFO(ra2.transcript());
  CHECK(texts(ra2) ==
        std::vector<std::string>{"stored by the first server", "stored by the second server"});
  CHECK(where.queryInt("SELECT COUNT(*) FROM messages") == 2);
  CHECK(first.log().find("store: postgresql") != std::string::npos);
}
