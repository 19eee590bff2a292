#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "net/platform/network_watch.h"

// The kernel's netlink walking macros (NLMSG_NEXT, IFA_RTA, RTA_NEXT) are C
// casts from char*; the kernel aligns what they point at (NLMSG_ALIGN).
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-align"

namespace parley::net {
namespace {

// IFF_LOWER_UP (carrier) lives in linux/if.h, which clashes with net/if.h.
constexpr unsigned kLowerUp = 1U << 16;
constexpr unsigned kInterestingLinkFlags = IFF_UP | IFF_RUNNING | kLowerUp;
// A burst of changes is reported at the latest this long after it began.
constexpr std::chrono::milliseconds kLongestBurst{1000};
// A description names this many changes, then counts the rest.
constexpr std::size_t kNamedChanges = 4;

std::string interfaceName(int index) {
  std::array<char, IF_NAMESIZE> name{};
  if (index > 0 && if_indextoname(static_cast<unsigned>(index), name.data()) != nullptr) {
    return name.data();
  }
  return "interface " + std::to_string(index);
}

// One address of one interface, as a netlink message names it.
struct AddressEvent {
  std::string key;   // "3/10.0.0.5": interface index and address
  std::string text;  // "10.0.0.5 added on wlan0"
};

// Empty for what no connection can use (loopback, link-local addresses).
std::optional<AddressEvent> parseAddress(const nlmsghdr* header) {
  const auto* msg = static_cast<const ifaddrmsg*>(NLMSG_DATA(header));
  if (msg->ifa_scope == RT_SCOPE_HOST || msg->ifa_scope == RT_SCOPE_LINK) {
    return std::nullopt;
  }
  const void* raw = nullptr;
  auto length = static_cast<int>(IFA_PAYLOAD(header));
  for (const rtattr* attr = IFA_RTA(msg); RTA_OK(attr, length); attr = RTA_NEXT(attr, length)) {
    // IFA_LOCAL is the interface's own address on point-to-point links,
    // where IFA_ADDRESS is the far end's.
    if (attr->rta_type == IFA_LOCAL || (attr->rta_type == IFA_ADDRESS && raw == nullptr)) {
      raw = RTA_DATA(attr);
    }
  }
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (raw == nullptr || inet_ntop(msg->ifa_family, raw, text.data(), text.size()) == nullptr) {
    return std::nullopt;
  }
  return AddressEvent{std::to_string(msg->ifa_index) + "/" + text.data(),
                      std::string(text.data()) +
                          (header->nlmsg_type == RTM_NEWADDR ? " added on " : " removed from ") +
                          interfaceName(static_cast<int>(msg->ifa_index))};
}

// Walks the netlink messages of one datagram.
template <typename Each>
void forEachMessage(char* data, std::size_t size, Each&& each) {
  auto length = static_cast<unsigned>(size);
  for (auto* header = reinterpret_cast<nlmsghdr*>(data); NLMSG_OK(header, length);
       header = NLMSG_NEXT(header, length)) {
    each(header);
  }
}

// What is there now, so that the first change of an interface that existed
// before the watch started is seen as a change, and a refreshed address (an
// IPv6 router advertisement, a DHCP renewal re-announce what exists) is not.
// Asks the kernel for a dump of `type` (RTM_GETLINK, RTM_GETADDR) on a socket
// of its own, bounded by a 1 s receive timeout and a count of datagrams.
template <typename Take>
void dumpCurrent(std::uint16_t type, Take&& take) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    return;
  }
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  struct {
    nlmsghdr header;
    rtgenmsg body;
  } request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = type;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 1;
  request.body.rtgen_family = AF_UNSPEC;
  if (::send(fd, &request, sizeof request, 0) == static_cast<ssize_t>(sizeof request)) {
    alignas(nlmsghdr) std::array<char, 16384> buffer{};
    bool done = false;
    for (int datagrams = 0; !done && datagrams < 4096; ++datagrams) {
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) {
        break;
      }
      forEachMessage(buffer.data(), static_cast<std::size_t>(n), [&](const nlmsghdr* header) {
        if (header->nlmsg_type == NLMSG_DONE || header->nlmsg_type == NLMSG_ERROR) {
          done = true;
        } else {
          take(header);
        }
      });
    }
  }
  ::close(fd);
}

// What changed since the last report: addresses first (what connections
// stand on), then each link's latest state (a flap within the burst is one
// entry), named up to kNamedChanges each, the rest counted.
struct Burst {
  std::vector<std::string> addresses;
  std::vector<std::pair<std::string, std::string>> links;  // name, "eth0 up"
  std::size_t more = 0;
  bool lost = false;  // the kernel dropped notifications (ENOBUFS)

  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] std::size_t size() const {
    return addresses.size() + links.size() + more + (lost ? 1 : 0);
  }
  void addAddress(std::string text) {
    if (text.empty()) {
      return;
    }
    if (addresses.size() < kNamedChanges) {
      addresses.push_back(std::move(text));
    } else {
      ++more;
    }
  }
  void setLink(const std::string& name, std::string text) {
    for (auto& [known, state] : links) {
      if (known == name) {
        state = std::move(text);
        return;
      }
    }
    if (links.size() < kNamedChanges) {
      links.emplace_back(name, std::move(text));
    } else {
      ++more;
    }
  }
  [[nodiscard]] std::string describe() const {
    std::string out;
    auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
    for (const auto& address : addresses) {
      add(address);
    }
    for (const auto& link : links) {
      add(link.second);
    }
    if (more > 0) {
      out += (out.empty() ? "" : " and ") + std::to_string(more) + " more change" +
             (more == 1 ? "" : "s");
    }
    if (lost) {
      add("changes the system could not all report");
    }
    return out;
  }
};

class LinuxNetworkWatch final : public NetworkWatch {
 public:
  LinuxNetworkWatch(int netlink, int wake, Callback on_change, std::chrono::milliseconds settle)
      : netlink_(netlink), wake_(wake), on_change_(std::move(on_change)), settle_(settle) {
    // After the subscription (bound in start()): a change between the two is
    // in the dump and then announced again, which the sets below absorb.
    Burst ignored;
    dumpCurrent(RTM_GETLINK, [&](const nlmsghdr* header) { record(header, ignored); });
    dumpCurrent(RTM_GETADDR, [&](const nlmsghdr* header) { record(header, ignored); });
    thread_ = std::thread([this] { run(); });
  }

  ~LinuxNetworkWatch() override {
    const std::uint64_t one = 1;
    (void)!::write(wake_, &one, sizeof one);
    thread_.join();
    ::close(netlink_);
    ::close(wake_);
  }

 private:
  // A burst is reported once it has been quiet for `settle` since its last
  // change, and at the latest kLongestBurst after its first: messages that
  // change nothing (wireless events, refreshed addresses) neither start
  // a burst nor put its report off.
  void run() {
    using Clock = std::chrono::steady_clock;
    Burst burst;
    Clock::time_point first{};
    Clock::time_point last{};
    for (;;) {
      int timeout = -1;
      if (!burst.empty()) {
        const auto due = std::min(last + settle_, first + kLongestBurst);
        timeout = static_cast<int>(std::max<std::int64_t>(
            0, std::chrono::ceil<std::chrono::milliseconds>(due - Clock::now()).count()));
      }
      std::array<pollfd, 2> fds{pollfd{netlink_, POLLIN, 0}, pollfd{wake_, POLLIN, 0}};
      const int ready = ::poll(fds.data(), fds.size(), timeout);
      if (ready < 0 && errno != EINTR) {
        return;
      }
      if (fds[1].revents != 0) {
        return;
      }
      if (ready > 0 && fds[0].revents != 0) {
        const bool was_empty = burst.empty();
        const std::size_t before = burst.size();
        readChanges(burst);
        if (burst.size() != before) {
          last = Clock::now();
          first = was_empty ? last : first;
        }
      }
      if (!burst.empty()) {
        const auto now = Clock::now();
        if (now >= last + settle_ || now >= first + kLongestBurst) {
          const std::string what = burst.describe();
          burst = Burst{};
          on_change_(what);
        }
      }
    }
  }

  void readChanges(Burst& burst) {
    alignas(nlmsghdr) std::array<char, 16384> buffer{};
    for (;;) {
      const ssize_t n = ::recv(netlink_, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ENOBUFS) {  // the kernel dropped notifications: something changed
          burst.lost = true;
          continue;
        }
        return;  // EAGAIN: drained
      }
      forEachMessage(buffer.data(), static_cast<std::size_t>(n),
                     [&](const nlmsghdr* header) { record(header, burst); });
    }
  }

  void record(const nlmsghdr* header, Burst& burst) {
    switch (header->nlmsg_type) {
      case RTM_NEWADDR:
      case RTM_DELADDR:
        if (header->nlmsg_len >= NLMSG_LENGTH(sizeof(ifaddrmsg))) {
          recordAddress(header, burst);
        }
        return;
      case RTM_NEWLINK:
      case RTM_DELLINK:
        if (header->nlmsg_len >= NLMSG_LENGTH(sizeof(ifinfomsg))) {
          recordLink(header, burst);
        }
        return;
      default:
        return;
    }
  }

  void recordAddress(const nlmsghdr* header, Burst& burst) {
    auto event = parseAddress(header);
    if (!event) {
      return;
    }
    const bool added = header->nlmsg_type == RTM_NEWADDR;
    // Only a real arrival or departure: a refresh re-announces a known one.
    if (added ? known_addresses_.insert(event->key).second
              : known_addresses_.erase(event->key) > 0) {
      burst.addAddress(std::move(event->text));
    }
  }

  void recordLink(const nlmsghdr* header, Burst& burst) {
    const auto* msg = static_cast<const ifinfomsg*>(NLMSG_DATA(header));
    if ((msg->ifi_flags & IFF_LOOPBACK) != 0) {
      return;
    }
    const unsigned flags =
        header->nlmsg_type == RTM_DELLINK ? 0U : (msg->ifi_flags & kInterestingLinkFlags);
    auto [known, first_sight] = link_flags_.try_emplace(msg->ifi_index, flags);
    if (first_sight || known->second == flags) {
      // Links are reported when their state changes (the dump at start-up
      // knows every link there was); a new link brings its addresses, which
      // are reported.
      return;
    }
    known->second = flags;
    const std::string name = interfaceName(msg->ifi_index);
    burst.setLink(name, name + ((flags & IFF_RUNNING) != 0 ? " up" : " down"));
  }

  int netlink_;
  int wake_;
  Callback on_change_;
  std::chrono::milliseconds settle_;
  std::map<int, unsigned> link_flags_;
  std::set<std::string> known_addresses_;
  std::thread thread_;
};

}  // namespace

Result<std::unique_ptr<NetworkWatch>> NetworkWatch::start(Callback on_change,
                                                          std::chrono::milliseconds settle) {
  const int netlink = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (netlink < 0) {
    return makeError(ErrorCode::Unavailable,
                     std::string("cannot watch network changes (netlink socket: ") +
                         std::strerror(errno) + ")");
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
  if (::bind(netlink, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    const int err = errno;
    ::close(netlink);
    return makeError(ErrorCode::Unavailable,
                     std::string("cannot watch network changes (netlink bind: ") +
                         std::strerror(err) + ")");
  }
  const int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    const int err = errno;
    ::close(netlink);
    return makeError(ErrorCode::Unavailable,
                     std::string("cannot watch network changes (eventfd: ") + std::strerror(err) +
                         ")");
  }
  return std::unique_ptr<NetworkWatch>(
      new LinuxNetworkWatch(netlink, wake, std::move(on_change), settle));
}

}  // namespace parley::net
