#include "net/ice/local_interfaces.h"

#include <algorithm>

namespace parley::net {

bool interfaceMatches(const std::string& name, const std::string& pattern) {
  if (!pattern.empty() && pattern.back() == '*') {
    const auto prefix = std::string_view(pattern).substr(0, pattern.size() - 1);
    return std::string_view(name).substr(0, prefix.size()) == prefix;
  }
  return name == pattern;
}

std::vector<std::string> selectHostAddresses(const std::vector<LocalInterfaceAddress>& addresses,
                                             const InterfacePolicy& policy) {
  const auto matches_any = [](const std::string& name, const std::vector<std::string>& patterns) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&name](const std::string& p) { return interfaceMatches(name, p); });
  };
  std::vector<std::string> selected;
  for (const auto& entry : addresses) {
    const bool named_exactly = std::find(policy.allow.begin(), policy.allow.end(),
                                         entry.interface_name) != policy.allow.end();
    if ((entry.loopback || entry.link_local) && !named_exactly) {
      continue;
    }
    if (!policy.ipv6 && entry.address.find(':') != std::string::npos) {
      continue;
    }
    if (!policy.allow.empty() && !matches_any(entry.interface_name, policy.allow)) {
      continue;
    }
    if (!named_exactly && matches_any(entry.interface_name, policy.deny)) {
      continue;
    }
    if (std::find(selected.begin(), selected.end(), entry.address) == selected.end()) {
      selected.push_back(entry.address);
    }
  }
  return selected;
}

}  // namespace parley::net
