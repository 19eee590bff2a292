// parley-pac-helper: evaluates one PAC script in a separate, resource-limited
// process, so that a hostile or broken wpad.dat can at worst burn this
// process's CPU budget (docs/adr/0008-pac-in-duktape-helper-process.md).
//
// Protocol (stdin, then stdout; net/proxy/pac_helper_protocol.h):
//   in:  "PARLEY-PAC 1\n" "<script bytes> <url bytes> <host bytes>\n"
//        followed by the three byte strings back to back
//   out: "OK <FindProxyForURL answer>\n"  exit 0
//        "ERR <reason>\n"                 exit 2
// Fences, in order: the process limits (helper_limits.h: rlimits and an
// alarm on POSIX; the parent's Job object and a watchdog thread on Windows);
// a Duktape heap cap (custom allocator); and the parent, which kills this
// process on its own timeout.
//
// This file is the portable core (protocol, Duktape, heap cap); what the
// systems do differently is in helper_limits_*.cpp and helper_addresses_*.cpp.
//
// Test seams (environment): PARLEY_PAC_NOW=<ms since the epoch> fixes the
// clock the date/time functions see.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <duktape.h>

#include "app/parley-pac-helper/helper_addresses.h"
#include "app/parley-pac-helper/helper_limits.h"
#include "app/parley-pac-helper/pac_library.js.h"
#include "net/platform/socket_api.h"
#include "net/proxy/pac_helper_protocol.h"

namespace {

using parley::net::pac::kMaxPacHostLength;
using parley::net::pac::kMaxPacScriptLength;
using parley::net::pac::kMaxPacUrlLength;

constexpr std::size_t kHeapLimit = 64ull * 1024 * 1024;
constexpr std::size_t kMaxAnswer = 16 * 1024;
constexpr int kMaxAddresses = 32;

[[noreturn]] void finish(bool ok, const std::string& text) {
  std::string line = ok ? "OK " : "ERR ";
  std::string body = text.substr(0, kMaxAnswer);
  std::replace(body.begin(), body.end(), '\n', ' ');
  line += body;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
  std::_Exit(ok ? 0 : 2);
}

// --- heap cap ---------------------------------------------------------------

std::size_t g_heap_used = 0;

void* capAlloc(void* /*udata*/, duk_size_t size) {
  if (size > kHeapLimit || g_heap_used + size > kHeapLimit) {
    return nullptr;
  }
  auto* block = static_cast<std::size_t*>(std::malloc(size + sizeof(std::max_align_t)));
  if (block == nullptr) {
    return nullptr;
  }
  *block = size;
  g_heap_used += size;
  return reinterpret_cast<char*>(block) + sizeof(std::max_align_t);
}

void capFree(void* /*udata*/, void* ptr) {
  if (ptr == nullptr) {
    return;
  }
  auto* block = reinterpret_cast<std::size_t*>(static_cast<char*>(ptr) - sizeof(std::max_align_t));
  g_heap_used -= *block;
  std::free(block);
}

void* capRealloc(void* udata, void* ptr, duk_size_t size) {
  if (ptr == nullptr) {
    return capAlloc(udata, size);
  }
  if (size == 0) {
    capFree(udata, ptr);
    return nullptr;
  }
  auto* block = reinterpret_cast<std::size_t*>(static_cast<char*>(ptr) - sizeof(std::max_align_t));
  const std::size_t old = *block;
  if (size > kHeapLimit || g_heap_used - old + size > kHeapLimit) {
    return nullptr;
  }
  auto* grown = static_cast<std::size_t*>(std::realloc(block, size + sizeof(std::max_align_t)));
  if (grown == nullptr) {
    return nullptr;
  }
  *grown = size;
  g_heap_used = g_heap_used - old + size;
  return reinterpret_cast<char*>(grown) + sizeof(std::max_align_t);
}

void fatal(void* /*udata*/, const char* msg) {
  finish(false, std::string("script engine failure: ") + (msg != nullptr ? msg : "?"));
}

// --- addresses ----------------------------------------------------------------

std::string addressText(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Every address of `host` (family AF_INET, AF_INET6 or AF_UNSPEC), in the
// resolver's order, without duplicates. ".invalid" never resolves (RFC 6761)
// and is answered without a query.
std::vector<std::string> resolve(const std::string& host, int family) {
  std::vector<std::string> out;
  std::string lower = host;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (host.empty() || host.size() > kMaxPacHostLength || endsWith(lower, ".invalid") ||
      lower == "invalid") {
    return out;
  }
  addrinfo hints{};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) {
    return out;
  }
  for (addrinfo* ai = list; ai != nullptr && static_cast<int>(out.size()) < kMaxAddresses;
       ai = ai->ai_next) {
    std::string text = addressText(ai->ai_addr);
    if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) {
      out.push_back(std::move(text));
    }
  }
  freeaddrinfo(list);
  return out;
}

std::vector<std::string> localAddresses(int family) {
  std::vector<std::string> out;
  parley::pac::forEachLocalAddress([&](const sockaddr* sa) {
    const int f = sa->sa_family;
    if (static_cast<int>(out.size()) >= kMaxAddresses || (family != AF_UNSPEC && f != family)) {
      return;
    }
    // fe80::/10 needs its scope to mean anything, and a PAC script compares
    // addresses without one.
    if (f == AF_INET6 &&
        IN6_IS_ADDR_LINKLOCAL(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr)) {
      return;
    }
    std::string text = addressText(sa);
    if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) {
      out.push_back(std::move(text));
    }
  });
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) {
      out += ';';
    }
    out += p;
  }
  return out;
}

struct Ip {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
};

bool parseIp(const std::string& text, Ip& ip) {
  if (inet_pton(AF_INET, text.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET6;
    return true;
  }
  return false;
}

std::string argString(duk_context* ctx, duk_idx_t index) {
  if (duk_is_null_or_undefined(ctx, index)) {
    return {};
  }
  duk_size_t len = 0;
  const char* s = duk_safe_to_lstring(ctx, index, &len);
  return std::string(s, std::min<duk_size_t>(len, 4096));
}

// --- native PAC functions -------------------------------------------------------

duk_ret_t jsDnsResolve(duk_context* ctx) {
  const auto addrs = resolve(argString(ctx, 0), AF_INET);
  if (addrs.empty()) {
    duk_push_null(ctx);
  } else {
    duk_push_string(ctx, addrs.front().c_str());
  }
  return 1;
}

duk_ret_t jsDnsResolveEx(duk_context* ctx) {
  duk_push_string(ctx, join(resolve(argString(ctx, 0), AF_UNSPEC)).c_str());
  return 1;
}

duk_ret_t jsMyIpAddress(duk_context* ctx) {
  const auto addrs = localAddresses(AF_INET);
  duk_push_string(ctx, addrs.empty() ? "127.0.0.1" : addrs.front().c_str());
  return 1;
}

duk_ret_t jsMyIpAddressEx(duk_context* ctx) {
  duk_push_string(ctx, join(localAddresses(AF_UNSPEC)).c_str());
  return 1;
}

// isInNetEx(ipAddress, "prefix/bits"): IPv4 or IPv6; a name is resolved.
duk_ret_t jsIsInNetEx(duk_context* ctx) {
  std::string host = argString(ctx, 0);
  const std::string prefix = argString(ctx, 1);
  Ip addr;
  if (!parseIp(host, addr)) {
    const auto addrs = resolve(host, AF_UNSPEC);
    if (addrs.empty() || !parseIp(addrs.front(), addr)) {
      duk_push_false(ctx);
      return 1;
    }
  }
  const auto slash = prefix.find('/');
  Ip net;
  if (slash == std::string::npos || !parseIp(prefix.substr(0, slash), net) ||
      net.family != addr.family) {
    duk_push_false(ctx);
    return 1;
  }
  char* end = nullptr;
  const long bits = std::strtol(prefix.c_str() + slash + 1, &end, 10);
  const long max_bits = net.family == AF_INET ? 32 : 128;
  if (end == prefix.c_str() + slash + 1 || *end != '\0' || bits < 0 || bits > max_bits) {
    duk_push_false(ctx);
    return 1;
  }
  bool match = true;
  for (long i = 0; i < bits && match; ++i) {
    const unsigned char m = static_cast<unsigned char>(0x80 >> (i % 8));
    match = (net.bytes[i / 8] & m) == (addr.bytes[i / 8] & m);
  }
  duk_push_boolean(ctx, match ? 1 : 0);
  return 1;
}

// sortIpAddressList("a;b;c"): IPv6 first, then IPv4, each ascending; false
// when an entry is not an address.
duk_ret_t jsSortIpAddressList(duk_context* ctx) {
  const std::string list = argString(ctx, 0);
  std::vector<std::pair<Ip, std::string>> ips;
  std::size_t start = 0;
  while (start <= list.size() && ips.size() < 256) {
    const auto semi = list.find(';', start);
    std::string item =
        list.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    Ip ip;
    if (item.empty() || !parseIp(item, ip)) {
      duk_push_false(ctx);
      return 1;
    }
    ips.emplace_back(ip, item);
    if (semi == std::string::npos) {
      break;
    }
    start = semi + 1;
  }
  std::stable_sort(ips.begin(), ips.end(), [](const auto& a, const auto& b) {
    if (a.first.family != b.first.family) {
      return a.first.family == AF_INET6;
    }
    return a.first.bytes < b.first.bytes;
  });
  std::vector<std::string> sorted;
  for (auto& p : ips) {
    sorted.push_back(std::move(p.second));
  }
  duk_push_string(ctx, join(sorted).c_str());
  return 1;
}

// alert() writes nowhere: a PAC file's debugging output is not ours to show.
duk_ret_t jsAlert(duk_context* /*ctx*/) { return 0; }

void registerNatives(duk_context* ctx) {
  const struct {
    const char* name;
    duk_c_function fn;
    duk_idx_t nargs;
  } natives[] = {
      {"dnsResolve", jsDnsResolve, 1},   {"dnsResolveEx", jsDnsResolveEx, 1},
      {"myIpAddress", jsMyIpAddress, 0}, {"myIpAddressEx", jsMyIpAddressEx, 0},
      {"isInNetEx", jsIsInNetEx, 2},     {"sortIpAddressList", jsSortIpAddressList, 1},
      {"alert", jsAlert, DUK_VARARGS},
  };
  for (const auto& n : natives) {
    duk_push_c_function(ctx, n.fn, n.nargs);
    duk_put_global_string(ctx, n.name);
  }
}

// --- input ------------------------------------------------------------------------

bool readExactly(std::string& out, std::size_t n) {
  out.resize(n);
  std::size_t got = 0;
  while (got < n) {
    const std::size_t r = std::fread(out.data() + got, 1, n - got, stdin);
    if (r == 0) {
      return false;
    }
    got += r;
  }
  return true;
}

std::string readLine(std::size_t max) {
  std::string line;
  int c = 0;
  while ((c = std::fgetc(stdin)) != EOF && c != '\n') {
    if (line.size() >= max) {
      finish(false, "malformed request (line too long)");
    }
    line += static_cast<char>(c);
  }
  if (c != '\n') {
    finish(false, "malformed request (truncated)");
  }
  return line;
}

std::string errorText(duk_context* ctx) {
  std::string text;
  if (duk_is_error(ctx, -1) != 0) {
    duk_get_prop_string(ctx, -1, "stack");
    text = argString(ctx, -1);
    duk_pop(ctx);
  }
  if (text.empty()) {
    text = argString(ctx, -1);
  }
  return text.substr(0, 300);
}

}  // namespace

int main() {
  parley::pac::fenceThisProcess();
  (void)parley::pac::startSocketApi();  // without it dnsResolve finds nothing
  if (readLine(32) != parley::net::pac::kRequestMagic) {
    finish(false, "malformed request (magic)");
  }
  const std::string sizes = readLine(64);
  unsigned long script_len = 0;
  unsigned long url_len = 0;
  unsigned long host_len = 0;
  if (std::sscanf(sizes.c_str(), "%lu %lu %lu", &script_len, &url_len, &host_len) != 3 ||
      script_len > kMaxPacScriptLength || url_len > kMaxPacUrlLength ||
      host_len > kMaxPacHostLength) {
    finish(false, "malformed request (sizes)");
  }
  std::string script;
  std::string url;
  std::string host;
  if (!readExactly(script, script_len) || !readExactly(url, url_len) ||
      !readExactly(host, host_len)) {
    finish(false, "malformed request (truncated)");
  }

  duk_context* ctx = duk_create_heap(capAlloc, capRealloc, capFree, nullptr, fatal);
  if (ctx == nullptr) {
    finish(false, "cannot create the script engine");
  }
  registerNatives(ctx);
  if (const char* now = std::getenv("PARLEY_PAC_NOW"); now != nullptr && *now != '\0') {
    duk_push_number(ctx, std::strtod(now, nullptr));
    duk_put_global_string(ctx, "__parleyNowMs");
  }
  if (duk_peval_string(ctx, parley::pac::kPacLibrary) != 0) {
    finish(false, "PAC library: " + errorText(ctx));
  }
  duk_pop(ctx);
  duk_push_lstring(ctx, script.data(), script.size());
  duk_push_string(ctx, "wpad.dat");
  if (duk_pcompile(ctx, 0) != 0) {
    finish(false, "the PAC script does not compile: " + errorText(ctx));
  }
  if (duk_pcall(ctx, 0) != 0) {
    finish(false, "the PAC script threw while loading: " + errorText(ctx));
  }
  duk_pop(ctx);
  // FindProxyForURLEx (Microsoft's IPv6-aware entry point) when defined.
  const char* entry = "FindProxyForURLEx";
  if (duk_get_global_string(ctx, entry) == 0 || duk_is_function(ctx, -1) == 0) {
    duk_pop(ctx);
    entry = "FindProxyForURL";
    if (duk_get_global_string(ctx, entry) == 0 || duk_is_function(ctx, -1) == 0) {
      finish(false, "the PAC script defines no FindProxyForURL function");
    }
  }
  duk_push_lstring(ctx, url.data(), url.size());
  duk_push_lstring(ctx, host.data(), host.size());
  if (duk_pcall(ctx, 2) != 0) {
    finish(false, std::string(entry) + " threw: " + errorText(ctx));
  }
  if (duk_is_string(ctx, -1) == 0) {
    finish(false, std::string(entry) + " did not return a string");
  }
  finish(true, argString(ctx, -1));
}
