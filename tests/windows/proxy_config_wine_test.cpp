// The Windows proxy settings module (net/proxy/proxy_config_win.cpp) against
// Internet Options that the test writes into its own Wine prefix's registry,
// where Windows keeps them: HKCU\...\Internet Settings\Connections,
// DefaultConnectionSettings (a version, a counter, flags, then the proxy list,
// the exceptions and the PAC URL as counted strings). What the module reads
// through WinHttpGetIEProxyConfigForCurrentUser must become the race's
// system proxies, in the race's order, with the exceptions honoured.
// Built and run under Wine by tests/windows/run-wine-checks.

#include <catch2/catch.hpp>

// Asio first: it wants winsock2.h before windows.h brings in winsock.h.
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/proxy/proxy_source.h"

using namespace parley::net;
using namespace parley::net::detail;

namespace {

// Internet Options' flags (the "Connections" value of Windows and Wine).
constexpr DWORD kDirect = 0x1;
constexpr DWORD kManualProxy = 0x2;
constexpr DWORD kAutoConfigUrl = 0x4;
constexpr DWORD kSettingsVersion = 0x46;

void appendDword(std::vector<BYTE>& out, DWORD v) {
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<BYTE>((v >> (8 * i)) & 0xff));
  }
}

void appendCounted(std::vector<BYTE>& out, const std::string& s) {
  appendDword(out, static_cast<DWORD>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

// Writes what the Internet Options dialog would, for the current user.
void writeInternetOptions(DWORD flags, const std::string& proxy, const std::string& bypass,
                          const std::string& pac_url) {
  std::vector<BYTE> blob;
  appendDword(blob, kSettingsVersion);
  appendDword(blob, 1);  // the counter Windows bumps on each change
  appendDword(blob, flags);
  appendCounted(blob, proxy);
  appendCounted(blob, bypass);
  appendCounted(blob, pac_url);
  blob.resize(blob.size() + 32, 0);  // the dial-up fields nobody reads
  HKEY key = nullptr;
  REQUIRE(::RegCreateKeyExW(
              HKEY_CURRENT_USER,
              L"Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Connections", 0,
              nullptr, 0, KEY_SET_VALUE, nullptr, &key, nullptr) == ERROR_SUCCESS);
  const LSTATUS status = ::RegSetValueExW(key, L"DefaultConnectionSettings", 0, REG_BINARY,
                                          blob.data(), static_cast<DWORD>(blob.size()));
  ::RegCloseKey(key);
  REQUIRE(status == ERROR_SUCCESS);
}

// Runs the system source once for `host:port` (bounded).
SourceResult discover(const std::string& host, std::uint16_t port) {
  asio::io_context io;
  auto source = makeSystemSource(io.get_executor(), std::chrono::seconds(3));
  DiscoveryTarget target;
  target.host = host;
  target.port = port;
  std::optional<SourceResult> got;
  // WinHTTP answers a script from its own thread: keep the loop waiting.
  auto guard = asio::make_work_guard(io);
  source->start(target, [&](SourceResult r) { got = std::move(r); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!got && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(std::chrono::milliseconds(100));
  }
  REQUIRE(got);
  return *got;
}

std::string notesOf(const SourceResult& r) {
  std::string out;
  for (const auto& n : r.notes) {
    out += n + "\n";
  }
  return out;
}

// Serves one PAC file on loopback to whoever asks first (WinHTTP), with a
// bounded wait; the port is the kernel's choice.
class PacServer {
 public:
  explicit PacServer(std::string script) : script_(std::move(script)) {
    WSADATA wsa{};
    REQUIRE(::WSAStartup(MAKEWORD(2, 2), &wsa) == 0);
    listener_ = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    REQUIRE(listener_ != INVALID_SOCKET);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    int len = sizeof addr;
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    REQUIRE(::listen(listener_, 4) == 0);
    thread_ = std::thread([this] { serve(); });
  }
  ~PacServer() {
    ::closesocket(listener_);  // ends a serve() still waiting in accept
    thread_.join();
    ::WSACleanup();
  }
  PacServer(const PacServer&) = delete;
  PacServer& operator=(const PacServer&) = delete;

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/proxy.pac";
  }

 private:
  void serve() {
    for (int served = 0; served < 4; ++served) {
      const SOCKET client = ::accept(listener_, nullptr, nullptr);
      if (client == INVALID_SOCKET) {
        return;
      }
      DWORD wait_ms = 5000;
      ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&wait_ms),
                   sizeof wait_ms);
      std::array<char, 4096> request{};
      (void)::recv(client, request.data(), static_cast<int>(request.size()), 0);
      const std::string reply =
          "HTTP/1.1 200 OK\r\nContent-Type: application/x-ns-proxy-autoconfig\r\n"
          "Content-Length: " +
          std::to_string(script_.size()) + "\r\nConnection: close\r\n\r\n" + script_;
      (void)::send(client, reply.data(), static_cast<int>(reply.size()), 0);
      ::shutdown(client, SD_SEND);
      ::closesocket(client);
    }
  }

  std::string script_;
  SOCKET listener_ = INVALID_SOCKET;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace

TEST_CASE("Internet Options' proxy list becomes the system proxies, HTTPS first") {
  writeInternetOptions(kDirect | kManualProxy,
                       "http=web.corp.example:8080;https=secure.corp.example:3128;"
                       "socks=socks.corp.example:1080",
                       "<local>;*.intra.example", "");
  const auto r = discover("parley.example.org", 443);
  INFO(notesOf(r));
  REQUIRE(r.proxies.size() == 3);
  CHECK(r.proxies[0].host == "secure.corp.example");
  CHECK(r.proxies[0].port == 3128);
  CHECK(r.proxies[0].kind == ProxyKind::Http);
  CHECK(r.proxies[1].host == "web.corp.example");
  CHECK(r.proxies[1].port == 8080);
  CHECK(r.proxies[2].host == "socks.corp.example");
  CHECK(r.proxies[2].kind == ProxyKind::Socks4);
  for (const auto& p : r.proxies) {
    CHECK(p.origin == ProxyOrigin::System);
  }
}

TEST_CASE("one proxy for every protocol") {
  writeInternetOptions(kDirect | kManualProxy, "proxy.corp.example:8088", "", "");
  const auto r = discover("parley.example.org", 443);
  INFO(notesOf(r));
  REQUIRE(r.proxies.size() == 1);
  CHECK(r.proxies[0].host == "proxy.corp.example");
  CHECK(r.proxies[0].port == 8088);
}

TEST_CASE("the exceptions keep a server off the proxy") {
  writeInternetOptions(kDirect | kManualProxy, "proxy.corp.example:8088", "<local>;*.intra.example",
                       "");
  SECTION("a listed domain") {
    const auto r = discover("meet.intra.example", 443);
    INFO(notesOf(r));
    CHECK(r.proxies.empty());
    CHECK(notesOf(r).find("exceptions") != std::string::npos);
  }
  SECTION("<local>: a plain host name") {
    const auto r = discover("parley", 443);
    INFO(notesOf(r));
    CHECK(r.proxies.empty());
  }
  SECTION("anything else still goes through it") {
    const auto r = discover("parley.example.org", 443);
    CHECK(r.proxies.size() == 1);
  }
}

TEST_CASE("no proxy set: nothing from the system, and no script to wait for") {
  writeInternetOptions(kDirect, "", "", "");
  const auto r = discover("parley.example.org", 443);
  INFO(notesOf(r));
  CHECK(r.proxies.empty());
}

TEST_CASE("a PAC URL goes to WinHTTP, whose failure is a note, not a hang") {
  // Nothing serves the script (port 9 on loopback): WinHTTP says so, the
  // source finishes with a note (discover() is bounded), and the static
  // list (none here) is all there is. Auto-detect is not run: it would ask
  // this machine's DHCP and DNS for WPAD, outside the test.
  writeInternetOptions(kDirect | kAutoConfigUrl, "", "", "http://127.0.0.1:9/proxy.pac");
  const auto r = discover("parley.example.org", 443);
  INFO(notesOf(r));
  CHECK(r.proxies.empty());
  CHECK(notesOf(r).find("WinHTTP") != std::string::npos);
}

TEST_CASE("a PAC URL is evaluated by WinHTTP and its answer feeds the race") {
  PacServer pac(
      "function FindProxyForURL(url, host) {\n"
      "  if (dnsDomainIs(host, \".intra.example\")) return \"DIRECT\";\n"
      "  return \"PROXY pac-proxy.corp.example:3128; DIRECT\";\n"
      "}\n");
  writeInternetOptions(kDirect | kAutoConfigUrl, "", "", pac.url());
  const auto r = discover("parley.example.org", 443);
  INFO(notesOf(r));
  REQUIRE(r.proxies.size() == 1);
  CHECK(r.proxies[0].host == "pac-proxy.corp.example");
  CHECK(r.proxies[0].port == 3128);
  CHECK(r.proxies[0].origin == ProxyOrigin::System);
}
