// parley-cli against a real parleyd on loopback: chat, history, sign-in and
// trust failures, as a person at a terminal would meet them.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/server_fixture.h"

using namespace parley::test;
using nlohmann::json;

namespace {

std::vector<json> chats(const CliRun& run) {
  std::vector<json> out;
  for (const auto& line : run.eventsOf("chat")) {
    out.push_back(json::parse(line));
  }
  return out;
}

bool hasChat(const CliRun& run, const std::string& sender, const std::string& text) {
  for (const auto& c : chats(run)) {
    if (c.at("sender") == sender && c.at("text") == text) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("two clients chat in both directions", "[integration]") {
  ServerFixture server;
  server.start();
  // Alice stays until told; bob comes once her message is stored, so he
  // meets it (as history) and she hears his live.
  CliOptions alice;
  alice.say = {"hello from alice"};
  alice.for_seconds = CliOptions::kUntilStopped;
  CliProcess a(server, alice);
  REQUIRE(a.waitForEvent("sent"));
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.say = {"hello from bob"};
  bob.for_seconds = 0;
  const CliRun rb = runCli(server, bob);
  INFO(rb.transcript());
  const bool alice_heard = a.waitForEvent("chat", [](const json& c) {
    return c.at("sender") == "bob" && c.at("text") == "hello from bob";
  });
  const CliRun ra = a.stop();
  INFO(ra.transcript());
  CHECK(alice_heard);
  REQUIRE(ra.exit_code == 0);
  REQUIRE(rb.exit_code == 0);
  CHECK(hasChat(ra, "bob", "hello from bob"));
  CHECK(hasChat(rb, "alice", "hello from alice"));
  // Each sender's own message is acknowledged with its sequence number.
  REQUIRE(ra.eventsOf("sent").size() == 1);
  CHECK(json::parse(ra.eventsOf("sent")[0]).at("seq").get<int>() == 1);
  REQUIRE(rb.eventsOf("sent").size() == 1);
  CHECK(json::parse(rb.eventsOf("sent")[0]).at("seq").get<int>() == 2);
  // The connected event reports the channel.
  REQUIRE_FALSE(ra.eventsOf("connected").empty());
  const auto connected = json::parse(ra.eventsOf("connected")[0]);
  CHECK(connected.at("tls_version") == "TLSv1.3");
  CHECK(connected.at("cipher") == "TLS_AES_256_GCM_SHA384");
  CHECK(connected.at("method") == "direct");
}

TEST_CASE("a late joiner receives the history in order", "[integration]") {
  ServerFixture server;
  server.start();
  CliOptions alice;
  alice.say = {"one", "two", "three"};
  alice.for_seconds = 0;
  const CliRun ra = runCli(server, alice);
  INFO(ra.transcript());
  REQUIRE(ra.exit_code == 0);
  REQUIRE(ra.eventsOf("sent").size() == 3);

  CliOptions carol;
  carol.user = "carol";
  carol.password = "carol-pw";
  carol.for_seconds = CliOptions::kUntilStopped;
  CliProcess late(server, carol);
  late.waitForEvent("chat", [](const json& c) { return c.at("text") == "three"; });
  const CliRun rc = late.stop();
  INFO(rc.transcript());
  REQUIRE(rc.exit_code == 0);
  const auto history = chats(rc);
  REQUIRE(history.size() == 3);
  CHECK(history[0].at("text") == "one");
  CHECK(history[1].at("text") == "two");
  CHECK(history[2].at("text") == "three");
  CHECK(history[0].at("seq").get<int>() == 1);
  CHECK(history[2].at("seq").get<int>() == 3);
  CHECK(history[0].at("sender") == "alice");
}

TEST_CASE("rooms are separate", "[integration]") {
  ServerFixture server;
  server.start();
  CliOptions alice;
  alice.room = "room-a";
  alice.say = {"only for room a"};
  alice.for_seconds = 0;
  REQUIRE(runCli(server, alice).exit_code == 0);
  // Bob's own message is acknowledged after the server has handled his join,
  // and so after any history of his room has reached him.
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.room = "room-b";
  bob.say = {"only for room b"};
  bob.for_seconds = 0;
  const CliRun rb = runCli(server, bob);
  INFO(rb.transcript());
  REQUIRE(rb.exit_code == 0);
  REQUIRE(rb.eventsOf("sent").size() == 1);
  for (const auto& c : chats(rb)) {
    CHECK(c.at("text") == "only for room b");
  }
}

// Lockouts in these tests last far longer than any run of them (a sanitized
// parley-cli start takes most of a second on a slow machine; the 1 s default
// first lockout could expire between two runs).
constexpr const char* kLongLockout = "600";

TEST_CASE("a wrong password is refused with a clear reason, then rate limited", "[integration]") {
  ServerFixture::Options options;
  options.config = {{"lockout_first_s", kLongLockout}, {"lockout_max_s", kLongLockout}};
  ServerFixture server(options);
  server.start();
  CliOptions wrong;
  wrong.password = "not-the-password";
  const CliRun first = runCli(server, wrong);
  INFO(first.transcript());
  CHECK(first.exit_code == 3);
  REQUIRE_FALSE(first.eventsOf("error").empty());
  const auto error = json::parse(first.eventsOf("error")[0]);
  CHECK(error.at("code") == "auth_failed");
  CHECK_FALSE(error.at("reason").get<std::string>().empty());
  CHECK(first.eventsOf("joined").empty());

  // max_failures is 5 and every wrong password counts once it is checked:
  // attempts 2 to 5 are still checked (and fail), the sixth finds the account
  // locked for lockout_first_s, which outlasts the test.
  for (int attempt = 2; attempt <= 5; ++attempt) {
    const CliRun again = runCli(server, wrong);
    INFO("attempt " << attempt << "\n" << again.transcript());
    CHECK(again.exit_code == 3);
    REQUIRE_FALSE(again.eventsOf("error").empty());
    CHECK(json::parse(again.eventsOf("error")[0]).at("code") == "auth_failed");
  }
  const CliRun sixth = runCli(server, wrong);
  INFO(sixth.transcript());
  CHECK(sixth.exit_code == 3);
  REQUIRE_FALSE(sixth.eventsOf("error").empty());
  CHECK(json::parse(sixth.eventsOf("error")[0]).at("code") == "rate_limited");
  const CliRun right = runCli(server, CliOptions{});
  INFO(right.transcript());
  CHECK(right.exit_code == 3);
  REQUIRE_FALSE(right.eventsOf("error").empty());
  CHECK(json::parse(right.eventsOf("error")[0]).at("code") == "rate_limited");
  // Another account is not affected by alice's lockout.
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  bob.for_seconds = 0;
  CHECK(runCli(server, bob).exit_code == 0);
}

TEST_CASE("a certificate from another CA is reported as possible inspection", "[integration]") {
  ServerFixture server;
  server.start();
  ServerFixture other(ServerFixture::Options{{}, {}, {}, {}});  // only for its CA
  CliOptions alice;
  alice.ca = other.caFile();
  const CliRun run = runCli(server, alice);
  INFO(run.transcript());
  CHECK(run.exit_code == 4);
  REQUIRE_FALSE(run.eventsOf("error").empty());
  const auto error = json::parse(run.eventsOf("error")[0]);
  CHECK(error.at("code") == "tls_inspection");
  const auto reason = error.at("reason").get<std::string>();
  CHECK(reason.find("issued by") != std::string::npos);
  CHECK(reason.find("inspection") != std::string::npos);
  CHECK(run.eventsOf("joined").empty());
}

TEST_CASE("TLS 1.2 and AES-128-only clients are refused, TLS 1.3 AES-256 is accepted",
          "[integration]") {
  ServerFixture server;
  server.start();
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  auto sClient = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {
        "/usr/bin/openssl",     "s_client", "-connect", address, "-CAfile", server.caFile(),
        "-verify_return_error", "-brief"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProgram(argv, "", std::chrono::seconds(30));
  };
  const auto ok = sClient({"-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384"});
  INFO(ok.out << ok.err);
  CHECK(ok.exit_code == 0);
  CHECK((ok.out + ok.err).find("TLSv1.3") != std::string::npos);
  CHECK((ok.out + ok.err).find("TLS_AES_256_GCM_SHA384") != std::string::npos);

  const auto tls12 = sClient({"-tls1_2"});
  INFO(tls12.out << tls12.err);
  CHECK(tls12.exit_code != 0);
  CHECK((tls12.out + tls12.err).find("Protocol version: TLSv1.2") == std::string::npos);

  const auto aes128 = sClient({"-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"});
  INFO(aes128.out << aes128.err);
  CHECK(aes128.exit_code != 0);

  const auto chacha = sClient({"-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"});
  CHECK(chacha.exit_code != 0);
  // The server is still fine afterwards.
  CHECK(server.running());
}

TEST_CASE("an address that guesses across many accounts is slowed down", "[integration]") {
  ServerFixture::Options options;
  options.config = {{"address_max_failures", "3"},
                    {"lockout_first_s", kLongLockout},
                    {"lockout_max_s", kLongLockout}};
  ServerFixture server(options);
  server.start();
  // One wrong guess per account: no account reaches its own limit (5)...
  auto guess = [&](const std::string& user) {
    CliOptions guesser;
    guesser.user = user;
    guesser.password = "guess";
    const CliRun run = runCli(server, guesser);
    INFO(user << "\n" << run.transcript());
    CHECK(run.exit_code == 3);
    REQUIRE_FALSE(run.eventsOf("error").empty());
    return json::parse(run.eventsOf("error")[0]).at("code").get<std::string>();
  };
  CHECK(guess("alice") == "auth_failed");
  CHECK(guess("bob") == "auth_failed");
  CHECK(guess("carol") == "auth_failed");
  // ...but the address has (3), so its next guess is not even checked...
  CHECK(guess("alice") == "rate_limited");
  // ...and even a right password from it must wait.
  CliOptions bob;
  bob.user = "bob";
  bob.password = "bob-pw";
  const CliRun run = runCli(server, bob);
  INFO(run.transcript());
  CHECK(run.exit_code == 3);
  REQUIRE_FALSE(run.eventsOf("error").empty());
  CHECK(json::parse(run.eventsOf("error")[0]).at("code") == "rate_limited");
}
