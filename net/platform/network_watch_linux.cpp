#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

#include "net/platform/network_watch.h"

namespace parley::net {
namespace {

constexpr unsigned kInterestingLinkFlags = IFF_UP | IFF_RUNNING | IFF_LOWER_UP;
// A description names this many changes, then counts the rest.
constexpr std::size_t kNamedChanges = 4;

std::string interfaceName(int index) {
  std::array<char, IF_NAMESIZE> name{};
  if (index > 0 && if_indextoname(static_cast<unsigned>(index), name.data()) != nullptr) {
    return name.data();
  }
  return "interface " + std::to_string(index);
}

// "10.0.0.5 added on wlan0"; empty for what no connection can use
// (loopback, link-local addresses).
std::string describeAddress(const nlmsghdr* header) {
  const auto* msg = static_cast<const ifaddrmsg*>(NLMSG_DATA(header));
  if (msg->ifa_scope == RT_SCOPE_HOST || msg->ifa_scope == RT_SCOPE_LINK) {
    return {};
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
    return {};
  }
  return std::string(text.data()) + (header->nlmsg_type == RTM_NEWADDR ? " added on " : " removed from ") +
         interfaceName(static_cast<int>(msg->ifa_index));
}

class LinuxNetworkWatch final : public NetworkWatch {
 public:
  LinuxNetworkWatch(int netlink, int wake, Callback on_change, std::chrono::milliseconds settle)
      : netlink_(netlink), wake_(wake), on_change_(std::move(on_change)), settle_(settle) {
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
  void run() {
    std::vector<std::string> changes;
    std::size_t unnamed = 0;
    for (;;) {
      std::array<pollfd, 2> fds{pollfd{netlink_, POLLIN, 0}, pollfd{wake_, POLLIN, 0}};
      const int timeout = changes.empty() && unnamed == 0 ? -1 : static_cast<int>(settle_.count());
      const int ready = ::poll(fds.data(), fds.size(), timeout);
      if (ready < 0 && errno != EINTR) {
        return;
      }
      if (fds[1].revents != 0) {
        return;
      }
      if (ready == 0) {  // quiet for `settle`: report the burst once
        std::string what;
        for (const auto& change : changes) {
          what += (what.empty() ? "" : ", ") + change;
        }
        if (unnamed > 0) {
          what += (what.empty() ? "" : " and ") + std::to_string(unnamed) + " more change" +
                  (unnamed == 1 ? "" : "s");
        }
        changes.clear();
        unnamed = 0;
        on_change_(what);
        continue;
      }
      if (fds[0].revents != 0) {
        readChanges([&](std::string change) {
          if (changes.size() < kNamedChanges) {
            changes.push_back(std::move(change));
          } else {
            ++unnamed;
          }
        });
      }
    }
  }

  template <typename Add>
  void readChanges(Add&& add) {
    alignas(nlmsghdr) std::array<char, 16384> buffer{};
    for (;;) {
      const ssize_t n = ::recv(netlink_, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0) {
        if (errno == ENOBUFS) {  // the kernel dropped notifications: something changed
          add("changes the system could not all report");
          continue;
        }
        return;  // EAGAIN: drained
      }
      auto length = static_cast<unsigned>(n);
      for (auto* header = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(header, length);
           header = NLMSG_NEXT(header, length)) {
        std::string change = describe(header);
        if (!change.empty()) {
          add(std::move(change));
        }
      }
    }
  }

  std::string describe(const nlmsghdr* header) {
    switch (header->nlmsg_type) {
      case RTM_NEWADDR:
      case RTM_DELADDR:
        if (header->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) {
          return {};
        }
        return describeAddress(header);
      case RTM_NEWLINK:
      case RTM_DELLINK: {
        if (header->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) {
          return {};
        }
        const auto* msg = static_cast<const ifinfomsg*>(NLMSG_DATA(header));
        if ((msg->ifi_flags & IFF_LOOPBACK) != 0) {
          return {};
        }
        const unsigned flags =
            header->nlmsg_type == RTM_DELLINK ? 0U : (msg->ifi_flags & kInterestingLinkFlags);
        auto [known, first_sight] = link_flags_.try_emplace(msg->ifi_index, flags);
        if (first_sight || known->second == flags) {
          // Links are reported when their state changes; a link seen for the
          // first time brings its addresses, which are reported.
          return {};
        }
        known->second = flags;
        const bool up = (flags & IFF_RUNNING) != 0;
        return interfaceName(msg->ifi_index) + (up ? " up" : " down");
      }
      default:
        return {};
    }
  }

  int netlink_;
  int wake_;
  Callback on_change_;
  std::chrono::milliseconds settle_;
  std::map<int, unsigned> link_flags_;
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
