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
  [[nodiscard]] std::size_t count() {
    std::lock_guard lock(mu);
    return seen.size();
  }
  // Until the reports from `from` on name every one of `texts` (a busy
  // machine may split a burst in two). The bound only ends a broken run.
  bool waitUntilSaid(std::size_t from, const std::vector<std::string>& texts) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 20s, [&] {
      for (const auto& text : texts) {
        bool said = false;
        for (std::size_t i = from; i < seen.size() && !said; ++i) {
          said = seen[i].find(text) != std::string::npos;
        }
        if (!said) {
          return false;
        }
      }
      return true;
    });
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
  std::size_t removal_from = 0;
  std::thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      skipped = "no network namespace of our own (unshare: root without CAP_SYS_ADMIN?)";
      return;
    }
    // pw2 was there before the watch: its first change must still count.
    if (std::system("ip link set lo up && ip link add pw2 type veth peer name pw3 && "
                    "ip link set pw3 up && ip link set pw2 up") != 0) {
      skipped = "no veth pair in the test's namespace (no ip, or no veth in this kernel)";
      return;
    }
    Reports got;
    auto watch =
        parley::net::NetworkWatch::start([&got](const std::string& w) { got.add(w); }, 100ms);
    if (!watch) {
      failure = watch.error().detail;
      return;
    }
    if (std::system("ip link add pw0 type veth peer name pw1 && ip link set pw1 up && "
                    "ip link set pw0 up && ip addr add 192.0.2.7/24 dev pw0") != 0) {
      failure = "ip could not make and configure a veth pair";
      return;
    }
    if (!got.waitUntilSaid(0, {"192.0.2.7 added on pw0"})) {
      failure = "no report for a new address";
      return;
    }
    removal_from = got.count();
    // A refreshed address (what a DHCP renewal does) is no change; then the
    // address goes, and both links go down.
    if (std::system("ip addr change 192.0.2.7/24 dev pw0 valid_lft 3600 preferred_lft 3600 && "
                    "ip addr del 192.0.2.7/24 dev pw0 && ip link set pw0 down && "
                    "ip link set pw2 down") != 0) {
      failure = "ip could not change the veth pairs";
      return;
    }
    if (!got.waitUntilSaid(removal_from, {"192.0.2.7 removed from pw0", "pw0 down", "pw2 down"})) {
      failure = "no report of the removed address and the links down";
      return;
    }
    watch->reset();  // joins the watch's thread: no report after this
    reports = got.snapshot();
  }).join();
  if (!skipped.empty()) {
    WARN(skipped << ": the watch is not exercised");
    return;
  }
  INFO(failure);
  REQUIRE(failure.empty());
  std::string all;
  for (const auto& r : reports) {
    all += "[" + r + "] ";
  }
  INFO("reports: " << all);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    CHECK(reports[i].find("127.0.0.1") == std::string::npos);  // loopback never counts
    if (i >= removal_from) {
      CHECK(reports[i].find("added") == std::string::npos);  // the refresh was no change
    }
  }
}
#else
TEST_CASE("without a watch for this system, start() says so", "[platform][network]") {
  auto watch = parley::net::NetworkWatch::start([](const std::string&) {});
  REQUIRE_FALSE(watch);
  CHECK(watch.error().code == parley::ErrorCode::Unavailable);
}
#endif
