// net/proxy/subprocess_win.cpp under Wine: input through the temporary file,
// output through the named pipe, exit codes, the deadline, the output bound,
// the environment, argument quoting, a missing program, and destruction
// before the end. The child is wine_child.exe, beside this test.

#include <catch2/catch.hpp>

#include <asio/io_context.hpp>

#include <optional>
#include <string>
#include <vector>

#include "net/proxy/subprocess.h"

using namespace parley;
using namespace parley::net;
using namespace std::chrono_literals;

namespace {

// One io_context for the whole program, as Parley has: under Wine 8 with
// mingw-w64's msvcrt runtime, making and destroying an I/O-completion-port
// io_context (and its timer thread) per case corrupted the heap in about half
// the runs (docs/windows.md).
asio::io_context& io() {
  static asio::io_context context;
  return context;
}

// Runs the context until `done` or the bound, far above every deadline here.
template <typename Done>
void runUntil(Done done, std::chrono::milliseconds bound) {
  const auto until = std::chrono::steady_clock::now() + bound;
  while (!done() && std::chrono::steady_clock::now() < until) {
    io().restart();
    io().run_for(50ms);
  }
}

Result<SubprocessOutput> run(std::vector<std::string> argv, std::string input = "",
                             std::chrono::milliseconds timeout = 10s,
                             std::size_t max_output = 64 * 1024,
                             std::vector<std::string> env = {}) {
  SubprocessOptions options;
  options.argv = std::move(argv);
  options.input = std::move(input);
  options.timeout = timeout;
  options.max_output = max_output;
  options.extra_env = std::move(env);
  std::optional<Result<SubprocessOutput>> got;
  auto process =
      Subprocess::start(io().get_executor(), options,
                        [&](Result<SubprocessOutput> result) { got = std::move(result); });
  runUntil([&] { return got.has_value(); }, 60s);
  REQUIRE(got.has_value());
  return std::move(*got);
}

// What a failed run said, for the failure report.
std::string why(const Result<SubprocessOutput>& r) {
  return r ? "ok, exit " + std::to_string(r->exit_code) + ", output \"" + r->out + "\""
           : "error: " + r.error().detail;
}

}  // namespace

TEST_CASE("a child reads its input and its output comes back", "[windows]") {
  auto r = run({"wine_child.exe", "cat"}, "hello from stdin\n");
  INFO(why(r));
  REQUIRE(r);
  CHECK(r->out == "hello from stdin\n");
  CHECK(r->exit_code == 0);
  const std::string big(3 << 20, 'y');
  auto large = run({"wine_child.exe", "cat"}, big, 30s, 4 << 20);
  INFO(why(large));
  REQUIRE(large);
  CHECK(large->out.size() == big.size());
}

TEST_CASE("exit codes, environment and quoted arguments reach the parent", "[windows]") {
  auto code = run({"wine_child.exe", "exit", "7"});
  INFO(why(code));
  REQUIRE(code);
  CHECK(code->exit_code == 7);
  auto env = run({"wine_child.exe", "env", "PARLEY_WINE_VAR"}, "", 10s, 1000,
                 {"PARLEY_WINE_VAR=yes it is"});
  INFO(why(env));
  REQUIRE(env);
  CHECK(env->out == "yes it is");
  auto args = run({"wine_child.exe", "args", "two words", "quote\"inside", "trail\\", ""});
  INFO(why(args));
  REQUIRE(args);
  CHECK(args->out == "[two words][quote\"inside][trail\\][]");
}

TEST_CASE("deadline, output bound and a missing program are errors", "[windows]") {
  auto slow = run({"wine_child.exe", "sleep", "20000"}, "", 500ms);
  INFO(why(slow));
  REQUIRE_FALSE(slow);
  CHECK(slow.error().code == ErrorCode::TimedOut);
  auto flood = run({"wine_child.exe", "flood"}, "", 10s, 1000);
  INFO(why(flood));
  REQUIRE_FALSE(flood);
  CHECK(flood.error().code == ErrorCode::ResponseTooLarge);
  auto missing = run({"Z:\\no\\such\\program.exe"});
  INFO(why(missing));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::Internal);
}

TEST_CASE("destroying a running subprocess ends it without a callback", "[windows]") {
  SubprocessOptions options;
  options.argv = {"wine_child.exe", "sleep", "20000"};
  bool called = false;
  auto process = Subprocess::start(io().get_executor(), options,
                                   [&](Result<SubprocessOutput>) { called = true; });
  runUntil([] { return false; }, 200ms);
  CHECK(process->pidForTest() != 0);
  process.reset();
  runUntil([] { return false; }, 200ms);
  CHECK_FALSE(called);
}
