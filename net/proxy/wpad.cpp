#include "net/proxy/wpad.h"

#include <algorithm>
#include <array>
#include <cctype>
#include "net/proxy/text_util.h"

namespace parley::net {
namespace {

using text::isSpace;
using text::lower;
using text::trim;

constexpr std::size_t kMaxInput = 64 * 1024;

bool plausibleDomain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.' ||
      d.find("..") != std::string_view::npos) {
    return false;
  }
  return std::all_of(d.begin(), d.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
  });
}

}  // namespace

bool isMultiLabelPublicSuffix(std::string_view suffix) {
  static constexpr std::array<std::string_view, 40> kSuffixes{
      "co.uk",  "org.uk", "ac.uk",  "gov.uk", "me.uk",  "net.uk", "ltd.uk", "plc.uk",
      "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz",  "org.nz", "net.nz",
      "co.jp",  "ne.jp",  "or.jp",  "ac.jp",  "co.kr",  "or.kr",  "com.br", "net.br",
      "com.cn", "net.cn", "org.cn", "co.in",  "net.in", "org.in", "co.za",  "org.za",
      "com.mx", "com.tr", "com.tw", "com.hk", "com.sg", "co.il",  "com.ar", "co.id"};
  const std::string s = lower(suffix);
  return std::find(kSuffixes.begin(), kSuffixes.end(), s) != kSuffixes.end();
}

std::string wpadDomain(std::string_view resolv_conf, std::string_view fqdn) {
  std::string found;
  text::forEachLine(resolv_conf, kMaxInput, [&](std::string_view line) {
    if (!found.empty()) {
      return;
    }
    std::string_view rest;
    const std::string_view keyword = line.substr(0, 6);
    if ((keyword != "search" && keyword != "domain") || line.size() <= 6 || !isSpace(line[6])) {
      return;
    }
    rest = trim(line.substr(6));
    std::string first = lower(rest.substr(0, rest.find_first_of(" \t")));
    if (!first.empty() && first.back() == '.') {
      first.pop_back();
    }
    if (plausibleDomain(first)) {
      found = first;
    }
  });
  if (!found.empty()) {
    return found;
  }
  std::string host = lower(fqdn.substr(0, 255));
  if (!host.empty() && host.back() == '.') {
    host.pop_back();
  }
  const auto dot = host.find('.');
  if (dot == std::string::npos) {
    return {};
  }
  std::string domain = host.substr(dot + 1);
  return plausibleDomain(domain) ? domain : std::string();
}

std::vector<std::string> wpadCandidates(std::string_view domain_in) {
  std::vector<std::string> out;
  std::string domain = lower(domain_in);
  if (!domain.empty() && domain.back() == '.') {
    domain.pop_back();
  }
  if (!plausibleDomain(domain)) {
    return out;
  }
  std::string_view d = domain;
  while (out.size() < 8) {
    const auto labels = static_cast<std::size_t>(std::count(d.begin(), d.end(), '.')) + 1;
    if (labels < 2) {
      break;
    }
    if (labels == 2 && isMultiLabelPublicSuffix(d)) {
      break;
    }
    // "example.co.uk" is fine, but stop before its suffix "co.uk".
    out.push_back("wpad." + std::string(d));
    d.remove_prefix(d.find('.') + 1);
  }
  return out;
}

std::string wpadUrlFromLease(std::string_view lease_text) {
  std::string url;
  text::forEachLine(lease_text, kMaxInput, [&](std::string_view line) {
    std::string_view value;
    const std::string low = lower(line);
    if (low.rfind("option ", 0) == 0) {
      const std::string_view rest = trim(line.substr(7));
      const auto space = rest.find_first_of(" \t");
      if (space == std::string_view::npos ||
          lower(rest.substr(0, space)).find("wpad") == std::string::npos) {
        return;
      }
      value = trim(rest.substr(space));
      if (!value.empty() && value.back() == ';') {
        value.remove_suffix(1);
      }
      value = trim(value);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
    } else if (low.rfind("wpad=", 0) == 0) {
      value = trim(line.substr(5));
    } else {
      return;
    }
    // DHCP strings often end in a NUL, which dhclient writes as "\000".
    while (!value.empty() && value.back() == '\0') {
      value.remove_suffix(1);
    }
    if (value.size() >= 4 && value.substr(value.size() - 4) == "\\000") {
      value.remove_suffix(4);
    }
    const std::string v = lower(value);
    if ((v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0) && value.size() <= 2048 &&
        value.find_first_of(" \t\"") == std::string_view::npos) {
      url = std::string(value);
    }
  });
  return url;
}

}  // namespace parley::net
