#include "core/server/observability/server_metrics.h"

#include <sstream>

namespace parley::server {
namespace {

// Label values are ours (numbers, fixed words, our version), but escape as the
// format requires anyway.
std::string escapeLabel(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void help(std::ostringstream& out, const char* name, const char* type, const char* text) {
  out << "# HELP " << name << " " << text << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

void ServerMetrics::connectionAccepted(std::uint16_t port) {
  std::lock_guard lock(mu_);
  ++ports_[port].accepted;
}

void ServerMetrics::tlsHandshakeFailed(std::uint16_t port) {
  std::lock_guard lock(mu_);
  ++ports_[port].tls_failed;
}

void ServerMetrics::connectionRefused(bool per_address) {
  (per_address ? refused_per_address_ : refused_total_).fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::helloReceived(std::string_view method) {
  std::size_t index = kMethodLabels.size() - 1;  // "other"
  if (method.empty()) {
    index = kMethodLabels.size() - 2;  // "unknown"
  } else {
    for (std::size_t i = 0; i + 2 < kMethodLabels.size(); ++i) {
      if (method == kMethodLabels[i]) {
        index = i;
        break;
      }
    }
  }
  by_method_[index].fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::signInSucceeded() { sign_ins_.fetch_add(1, std::memory_order_relaxed); }

void ServerMetrics::signInFailed(const std::string& reason) {
  std::lock_guard lock(mu_);
  ++sign_in_failures_[reason];
}

void ServerMetrics::signInSlowed() { sign_ins_slowed_.fetch_add(1, std::memory_order_relaxed); }

void ServerMetrics::passwordHashed() { passwords_hashed_.fetch_add(1, std::memory_order_relaxed); }

void ServerMetrics::resumeTokenSignIn() {
  resume_token_sign_ins_.fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::messageOverLimit(std::size_t kind) {
  if (kind < over_limit_.size()) {
    over_limit_[kind].fetch_add(1, std::memory_order_relaxed);
  }
}

void ServerMetrics::floodDisconnected() {
  flood_disconnects_.fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::participantJoined() { participants_.fetch_add(1, std::memory_order_relaxed); }

void ServerMetrics::participantLeft() { participants_.fetch_sub(1, std::memory_order_relaxed); }

void ServerMetrics::mediaDropped(MediaDrop reason) {
  media_dropped_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::mediaAddressCheckSent() {
  media_checks_sent_.fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::mediaAddressConfirmed() {
  media_addresses_confirmed_.fetch_add(1, std::memory_order_relaxed);
}

void ServerMetrics::forwarded(std::uint64_t bytes) {
  forwarded_packets_.fetch_add(1, std::memory_order_relaxed);
  forwarded_bytes_.fetch_add(bytes, std::memory_order_relaxed);
}

std::string ServerMetrics::renderPrometheus(const Gauges& gauges,
                                            const std::string& version) const {
  std::map<std::uint16_t, PortCounters> ports;
  std::map<std::string, std::uint64_t> failures;
  {
    std::lock_guard lock(mu_);
    ports = ports_;
    failures = sign_in_failures_;
  }
  // The usual reasons are always present, so alerts see 0 rather than nothing.
  for (const char* reason : {"wrong_password", "rate_limited"}) {
    failures.try_emplace(reason, 0);
  }
  auto method = [](std::uint16_t port) {
    return port == 443 ? "direct_or_web_proxy" : port == 5228 ? "direct_or_socks" : "direct";
  };
  std::ostringstream out;
  help(out, "parley_build_info", "gauge", "Version of the running parleyd.");
  out << "parley_build_info{version=\"" << escapeLabel(version) << "\"} 1\n";
  help(out, "parley_connections_accepted_total", "counter",
       "TCP connections accepted, by listening port and the client methods that reach it.");
  for (const auto& [port, c] : ports) {
    out << "parley_connections_accepted_total{port=\"" << port << "\",method=\"" << method(port)
        << "\"} " << c.accepted << "\n";
  }
  help(out, "parley_tls_handshakes_failed_total", "counter",
       "Accepted connections whose TLS handshake failed or timed out, by port.");
  for (const auto& [port, c] : ports) {
    out << "parley_tls_handshakes_failed_total{port=\"" << port << "\",method=\"" << method(port)
        << "\"} " << c.tls_failed << "\n";
  }
  help(out, "parley_connections_refused_total", "counter",
       "Connections closed right after accept: their address (IPv4, or IPv6 /64) or the server "
       "had as many connections not signed in yet as allowed.");
  out << "parley_connections_refused_total{reason=\"per_address\"} "
      << refused_per_address_.load(std::memory_order_relaxed) << "\n";
  out << "parley_connections_refused_total{reason=\"total\"} "
      << refused_total_.load(std::memory_order_relaxed) << "\n";
  help(out, "parley_connections_unauthenticated", "gauge",
       "Connections open now that have not signed in yet (TLS handshake included).");
  out << "parley_connections_unauthenticated " << gauges.unauthenticated << "\n";
  help(out, "parley_connections_total", "counter",
       "Connections that said hello, by the method the client reached the server with.");
  for (std::size_t i = 0; i < kMethodLabels.size(); ++i) {
    out << "parley_connections_total{method=\"" << kMethodLabels[i] << "\"} "
        << by_method_[i].load(std::memory_order_relaxed) << "\n";
  }
  help(out, "parley_connections_open", "gauge", "Client connections open now.");
  out << "parley_connections_open " << gauges.connections_open << "\n";
  help(out, "parley_rooms_open", "gauge", "Rooms loaded now (with at least one participant).");
  out << "parley_rooms_open " << gauges.rooms_open << "\n";
  help(out, "parley_participants", "gauge", "Participants in rooms now.");
  const auto participants = participants_.load(std::memory_order_relaxed);
  out << "parley_participants " << (participants < 0 ? 0 : participants) << "\n";
  help(out, "parley_sign_ins_total", "counter", "Successful sign-ins.");
  out << "parley_sign_ins_total " << sign_ins_.load(std::memory_order_relaxed) << "\n";
  help(out, "parley_sign_in_failures_total", "counter", "Refused sign-ins, by reason.");
  for (const auto& [reason, count] : failures) {
    out << "parley_sign_in_failures_total{reason=\"" << escapeLabel(reason) << "\"} " << count
        << "\n";
  }
  help(out, "parley_sign_ins_slowed_total", "counter",
       "Sign-ins that waited for their account's backoff (wrong passwords from many addresses).");
  out << "parley_sign_ins_slowed_total " << sign_ins_slowed_.load(std::memory_order_relaxed)
      << "\n";
  help(out, "parley_password_hashes_total", "counter",
       "Passwords checked with Argon2 (sign-ins without a valid resume token).");
  out << "parley_password_hashes_total " << passwords_hashed_.load(std::memory_order_relaxed)
      << "\n";
  help(out, "parley_resume_token_sign_ins_total", "counter",
       "Sign-ins with a resume token instead of the password.");
  out << "parley_resume_token_sign_ins_total "
      << resume_token_sign_ins_.load(std::memory_order_relaxed) << "\n";
  help(out, "parley_messages_over_limit_total", "counter",
       "Messages of signed-in participants over their rate limit: chat refused with "
       "rate_limited, presence and signalling dropped.");
  for (std::size_t i = 0; i < kMessageKindLabels.size(); ++i) {
    out << "parley_messages_over_limit_total{kind=\"" << kMessageKindLabels[i] << "\"} "
        << over_limit_[i].load(std::memory_order_relaxed) << "\n";
  }
  help(out, "parley_flood_disconnects_total", "counter",
       "Participants disconnected for staying far over their message limits.");
  out << "parley_flood_disconnects_total " << flood_disconnects_.load(std::memory_order_relaxed)
      << "\n";
  help(out, "parley_forwarded_packets_total", "counter",
       "Room messages and media packets forwarded to room members (one per receiver).");
  out << "parley_forwarded_packets_total " << forwarded_packets_.load(std::memory_order_relaxed)
      << "\n";
  help(out, "parley_forwarded_bytes_total", "counter", "Bytes of the frames forwarded.");
  out << "parley_forwarded_bytes_total " << forwarded_bytes_.load(std::memory_order_relaxed)
      << "\n";
  help(out, "parley_media_dropped_packets_total", "counter",
       "Packets the media port refused, by reason; none reaches a receiver.");
  for (std::size_t i = 0; i < kMediaDropLabels.size(); ++i) {
    out << "parley_media_dropped_packets_total{reason=\"" << kMediaDropLabels[i] << "\"} "
        << media_dropped_[i].load(std::memory_order_relaxed) << "\n";
  }
  help(out, "parley_media_address_checks_total", "counter",
       "Checks the media port sent to a participant's new UDP address.");
  out << "parley_media_address_checks_total " << media_checks_sent_.load(std::memory_order_relaxed)
      << "\n";
  help(out, "parley_media_addresses_confirmed_total", "counter",
       "New UDP addresses confirmed by an answered check (the downlink moved there).");
  out << "parley_media_addresses_confirmed_total "
      << media_addresses_confirmed_.load(std::memory_order_relaxed) << "\n";
  if (gauges.heap_in_use_bytes) {
    help(out, "parley_heap_in_use_bytes", "gauge",
         "Heap memory the server holds now (allocated and not freed; without what the "
         "allocator keeps for reuse). Flat under steady load; steady growth is a leak.");
    out << "parley_heap_in_use_bytes " << *gauges.heap_in_use_bytes << "\n";
  }
  help(out, "parley_store_memory_bytes", "gauge",
       "Memory SQLite holds now, mostly its page cache; grows with the store up to the "
       "cache's bound.");
  out << "parley_store_memory_bytes " << gauges.store_memory_bytes << "\n";
  return out.str();
}

}  // namespace parley::server
