// NetworkWatch against the kernel: in a network namespace of the test's own
// (so nothing on the machine changes), a veth interface gets an address,
// goes down and loses the address; each burst is reported once, named.

#include "net/platform/network_watch.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#ifdef __linux__
#include <sched.h>
#include <unistd.h>
#endif

using namespace std::chrono_literals;

namespace {

struct Reports {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> seen;

  void add(const std::string& what) {
    std::lock_guard lock(mu);
    seen.push_back(what);
    cv.notify_all();
  }
  // The bound only ends a broken run; a report comes within the settle time.
  bool waitFor(std::size_t n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 20s, [&] { return seen.size() >= n; });
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mu);
    return seen;
  }
};

}  // namespace

#ifdef __linux__
TEST_CASE("the network watch names addresses and links that change", "[platform][network]") {
  if (::geteuid() != 0) {
    WARN("not root: no network namespace of our own, the watch is not exercised");
    return;
  }
  // Everything runs on one thread that left the machine's network: the
  // watch's socket, its thread and the `ip` commands inherit the namespace.
  std::string failure;
  std::string skipped;
  std::vector<std::string> reports;
  std::thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      skipped = "no network namespace of our own (unshare: root without CAP_SYS_ADMIN?)";
      return;
    }
    Reports got;
    auto watch =
        parley::net::NetworkWatch::start([&got](const std::string& w) { got.add(w); }, 100ms);
    if (!watch) {
      failure = watch.error().detail;
      return;
    }
    // lo up and its address: loopback is never reported
    if (std::system("ip link set lo up && ip link add pw0 type veth peer name pw1") != 0) {
      skipped = "no veth pair in the test's namespace (no ip, or no veth in this kernel)";
      return;
    }
    if (std::system("ip link set pw1 up && ip link set pw0 up && "
                    "ip addr add 192.0.2.7/24 dev pw0") != 0) {
      failure = "ip could not configure the veth pair";
      return;
    }
    if (!got.waitFor(1)) {
      failure = "no report for a new address";
      return;
    }
    std::this_thread::sleep_for(300ms);  // the burst settles into one report
    if (std::system("ip addr del 192.0.2.7/24 dev pw0 && ip link set pw0 down") != 0) {
      failure = "ip could not change the veth pair";
      return;
    }
    if (!got.waitFor(2)) {
      failure = "no report for a removed address";
      return;
    }
    std::this_thread::sleep_for(300ms);
    watch->reset();  // joins the watch's thread: no report after this
    reports = got.snapshot();
  }).join();
  if (!skipped.empty()) {
    WARN(skipped << ": the watch is not exercised");
    return;
  }
  INFO(failure);
  REQUIRE(failure.empty());
  for (const auto& r : reports) {
    INFO("report: " << r);
  }
  INFO("reports: " << reports.size() << (reports.empty() ? "" : ", first: " + reports[0])
                   << (reports.size() < 2 ? "" : ", second: " + reports[1]));
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].find("192.0.2.7 added on pw0") != std::string::npos);
  CHECK(reports[0].find("127.0.0.1") == std::string::npos);
  CHECK(reports[1].find("192.0.2.7 removed from pw0") != std::string::npos);
  CHECK(reports[1].find("pw0 down") != std::string::npos);
}
#else
TEST_CASE("without a watch for this system, start() says so", "[platform][network]") {
  auto watch = parley::net::NetworkWatch::start([](const std::string&) {});
  REQUIRE_FALSE(watch);
  CHECK(watch.error().code == parley::ErrorCode::Unavailable);
}
#endif
