#include "app/parley-cli/cli_printer.h"

#include <ctime>
#include <iostream>

#include "core/base/calendar_time.h"

namespace parley::cli {
namespace {

std::string stageName(net::AttemptEvent::Stage stage) { return net::attemptStageName(stage); }

std::string clockTime(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  const std::tm tm = localCalendarTime(secs);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

}  // namespace

std::string isoTimeUtc(std::chrono::system_clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  const std::tm tm = utcCalendarTime(secs);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

void CliPrinter::emit(const std::string& event, nlohmann::ordered_json fields,
                      const std::string& text, bool to_stderr) {
  const auto now = std::chrono::system_clock::now();
  std::lock_guard lock(out_mu_);
  if (json_) {
    nlohmann::ordered_json line = nlohmann::ordered_json::object();
    line["event"] = event;
    line["time"] = isoTimeUtc(now);
    for (auto& [key, value] : fields.items()) {
      line[key] = value;
    }
    // Replace invalid UTF-8 rather than throw: chat text comes from strangers.
    std::cout << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n'
              << std::flush;
    if (to_stderr) {
      std::cerr << text << '\n' << std::flush;
    }
    return;
  }
  if (text.empty()) {
    return;
  }
  std::cout << "[" << clockTime(now) << "] " << text << '\n' << std::flush;
  if (to_stderr) {
    std::cerr << text << '\n' << std::flush;
  }
}

void CliPrinter::onAttempt(const net::AttemptEvent& event) {
  std::string text;
  if (event.stage == net::AttemptEvent::Stage::Failed) {
    text = "~ " + event.method + " failed after " + std::to_string(event.elapsed.count()) +
           " ms: " + event.detail;
  }
  emit("attempt",
       {{"method", event.method},
        {"stage", stageName(event.stage)},
        {"elapsed_ms", event.elapsed.count()},
        {"detail", event.detail}},
       text);
}

void CliPrinter::onConnected(const client::ConnectionInfo& info) {
  std::string server = info.server_name;
  if (!info.server_version.empty()) {
    server += (server.empty() ? "" : " ") + info.server_version;
  }
  emit("connected",
       {{"method", info.method},
        {"via", info.via},
        {"address", info.address},
        {"port", info.port},
        {"tls_version", info.tls_version},
        {"cipher", info.cipher},
        {"server", server}},
       "* connected to " + info.address + " port " + std::to_string(info.port) + " (" +
           info.method + (info.via.empty() ? "" : " via " + info.via) + ", " + info.tls_version +
           " " + info.cipher + ", " + server + ")");
}

void CliPrinter::onJoined(const std::string& room,
                          const std::vector<client::ParticipantInfo>& participants,
                          std::uint64_t last_seq) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  std::string names;
  for (const auto& p : participants) {
    list.push_back({{"id", p.id}, {"user", p.user}, {"path", p.media_path}});
    names += (names.empty() ? "" : ", ") + p.user;
  }
  emit("joined", {{"room", room}, {"participants", list}, {"last_seq", last_seq}},
       "* joined " + room + " with " + names);
  update([](CliState& s) { s.joined = true; });
}

void CliPrinter::onRoomState(const client::RoomStateInfo& state) {
  nlohmann::ordered_json fields = {{"room", state.room},
                                   {"owner", state.owner},
                                   {"locked", state.locked},
                                   {"you_are_owner", state.you_are_owner}};
  if (state.you_are_owner) {
    fields["admitted_accounts"] = state.admitted_accounts;
    fields["admitted_groups"] = state.admitted_groups;
    fields["removed"] = state.removed_accounts;
  }
  emit("room_state", fields,
       "* room " + state.room + ": owner " + (state.owner.empty() ? "none" : state.owner) +
           (state.locked ? ", locked" : ""));
}

void CliPrinter::onParticipantJoined(const std::string& room, const client::ParticipantInfo& p) {
  emit("participant_joined",
       {{"room", room}, {"id", p.id}, {"user", p.user}, {"path", p.media_path}},
       "* " + p.user + " joined");
}

void CliPrinter::onParticipantLeft(const std::string& room, const client::ParticipantInfo& p,
                                   const std::string& reason) {
  emit("participant_left", {{"room", room}, {"id", p.id}, {"user", p.user}, {"reason", reason}},
       "* " + p.user + " left" + (reason.empty() ? "" : " (" + reason + ")"));
}

void CliPrinter::onChat(const client::ChatInfo& chat) {
  emit("chat",
       {{"room", chat.room},
        {"seq", chat.seq},
        {"sender", chat.sender},
        {"text", chat.text},
        {"server_time_ms", chat.server_time_ms},
        {"history", chat.is_history},
        {"replaces_pending_id", chat.replaces_pending_id}},
       chat.replaces_pending_id != 0 ? "<" + chat.sender + "> " + chat.text + "  (numbered now)"
                                     : "<" + chat.sender + "> " + chat.text);
}

void CliPrinter::onChatPending(const client::ChatInfo& chat) {
  emit("chat_pending",
       {{"room", chat.room},
        {"pending_id", chat.pending_id},
        {"sender", chat.sender},
        {"text", chat.text},
        {"server_time_ms", chat.server_time_ms}},
       "<" + chat.sender + "> " + chat.text +
           "  (not yet numbered: the server that keeps the chat order is unreachable)");
}

void CliPrinter::onChatAcknowledged(std::uint64_t client_msg_id, std::uint64_t seq) {
  emit("sent", {{"client_msg_id", client_msg_id}, {"seq", seq}}, "");
  update([&](CliState& s) { s.awaiting_ack.erase(client_msg_id); });
}

void CliPrinter::onChatRefused(std::uint64_t client_msg_id, const Error& reason) {
  emit("refused",
       {{"client_msg_id", client_msg_id}, {"code", reason.slug()}, {"reason", reason.detail}},
       "! message not sent: " + reason.detail, true);
  update([&](CliState& s) {
    if (s.awaiting_ack.erase(client_msg_id) > 0) {
      ++s.refused;
    }
  });
}

void CliPrinter::onDisconnected(const Error& reason, bool will_retry,
                                std::chrono::milliseconds retry_in) {
  emit("disconnected",
       {{"reason", reason.detail},
        {"code", reason.slug()},
        {"will_retry", will_retry},
        {"retry_in_ms", retry_in.count()}},
       "! disconnected: " + reason.detail +
           (will_retry ? "; reconnecting in " + std::to_string(retry_in.count()) + " ms" : ""));
}

void CliPrinter::onLeft(const std::string& room) {
  emit("left", {{"room", room}}, "* left " + room);
  update([](CliState& s) { s.left = true; });
}

void CliPrinter::onWarning(const Error& warning) {
  std::lock_guard lock(out_mu_);
  std::cerr << "warning: " << warning.toString() << '\n' << std::flush;
}

void CliPrinter::onError(const Error& error) {
  printError(error);
  update([&](CliState& s) { s.fatal = error; });
}

void CliPrinter::printError(const Error& error) {
  emit("error", {{"code", error.slug()}, {"reason", error.detail}}, "! error: " + error.detail,
       true);
}

void CliPrinter::printStats(const client::CallStats& stats) {
  nlohmann::ordered_json streams = nlohmann::ordered_json::array();
  std::string text =
      "media " + stats.path + " (" + stats.peer_path +
      (stats.peer_rtt_ms ? ", rtt " + std::to_string(static_cast<int>(*stats.peer_rtt_ms)) + " ms"
                         : std::string()) +
      "): sending audio " + std::to_string(static_cast<int>(stats.audio_sent_kbps)) + " kbit/s";
  for (const auto& s : stats.streams) {
    nlohmann::ordered_json stream = {
        {"ssrc", s.ssrc}, {"user", s.user}, {"kind", s.kind}, {"kbps", s.kbps}, {"lost", s.lost}};
    if (s.kind == "audio") {
      stream["packets"] = s.packets;
      stream["concealed"] = s.concealed;
      stream["fec_recovered"] = s.fec_recovered;
      stream["red_recovered"] = s.red_recovered;
      stream["late"] = s.late;
      stream["discarded"] = s.discarded;
      stream["jitter_ms"] = s.jitter_ms;
      stream["delay_ms"] = s.delay_ms;
    } else {
      stream["frames"] = s.frames;
      stream["key_frames"] = s.key_frames;
      stream["longest_frame_gap_ms"] = s.longest_frame_gap_ms;
      stream["late"] = s.late;
      stream["width"] = s.width;
      stream["height"] = s.height;
    }
    streams.push_back(std::move(stream));
    text += "; " + (s.user.empty() ? std::to_string(s.ssrc) : s.user) + " " + s.kind + " " +
            std::to_string(static_cast<int>(s.kbps)) + " kbit/s, lost " + std::to_string(s.lost);
  }
  nlohmann::ordered_json senders = nlohmann::ordered_json::array();
  for (const auto& v : stats.senders) {
    senders.push_back({{"codec", v.codec},
                       {"width", v.width},
                       {"height", v.height},
                       {"frames", v.frames_captured},
                       {"key_frames", v.key_frames},
                       {"encode_ms", v.last_encode_ms},
                       {"error", v.error}});
  }
  nlohmann::ordered_json connect_ms = nlohmann::ordered_json::object();
  for (const auto& [step, ms] : stats.peer_connect_ms) {
    connect_ms[step] = ms;
  }
  nlohmann::ordered_json fields = {
      {"path", stats.path},
      {"sent",
       {{"audio_kbps", stats.audio_sent_kbps},
        {"audio_packets", stats.audio_packets_sent},
        {"dtx_skipped", stats.dtx_skipped},
        {"audio_reported_loss_pct", stats.audio_reported_loss_pct},
        {"audio_encoder_loss_pct", stats.audio_encoder_loss_pct},
        {"audio_redundancy", stats.audio_redundancy},
        {"audio_red_packets", stats.audio_red_packets},
        {"audio_red_kbps", stats.audio_red_kbps},
        {"video_kbps", stats.video_sent_kbps},
        {"budget_kbps", stats.send_budget_bps / 1000},
        {"udp_packets", stats.transport.sent_udp},
        {"tcp_packets", stats.transport.sent_tcp},
        {"video", senders}}},
      {"received",
       {{"kbps", stats.received_kbps},
        {"estimate_kbps", stats.receive_estimate_bps / 1000},
        {"udp_packets", stats.transport.received_udp},
        {"tcp_packets", stats.transport.received_tcp},
        {"dropped_auth", stats.transport.dropped_auth}}},
      {"rtt_ms", stats.rtt_ms ? nlohmann::ordered_json(*stats.rtt_ms) : nlohmann::ordered_json()},
      {"audio_late_ticks", stats.audio_late_ticks},
      {"peer",
       {{"path", stats.peer_path},
        {"rtt_ms",
         stats.peer_rtt_ms ? nlohmann::ordered_json(*stats.peer_rtt_ms) : nlohmann::ordered_json()},
        {"sent_packets", stats.peer_sent},
        {"received_packets", stats.peer_received},
        {"duplicates_dropped", stats.duplicates_dropped},
        {"candidates", stats.peer_candidates},
        {"failures", stats.peer_failures},
        {"last_failure", stats.peer_last_failure},
        {"rejected_candidates", stats.peer_rejected_candidates},
        {"connect_ms", connect_ms}}},
      {"repair",
       {{"video_missing", stats.video_packets_missing},
        {"nack_requested", stats.video_nack_requested},
        {"recovered", stats.video_packets_recovered},
        {"given_up", stats.video_repair_given_up},
        {"key_frame_requests", stats.video_key_frame_requests},
        {"nacks_sent", stats.repair.nacks_sent},
        {"rtx_received", stats.repair.rtx_received},
        {"rtx_received_bytes", stats.repair.rtx_received_bytes},
        {"rtx_duplicates", stats.repair.rtx_duplicates},
        {"nacks_received", stats.repair.nacks_received},
        {"retransmitted", stats.repair.retransmitted},
        {"retransmitted_bytes", stats.repair.retransmitted_bytes},
        {"not_in_history", stats.repair.not_in_history}}},
      {"streams", streams}};
  if (stats.video_packets_missing > 0 || stats.repair.retransmitted > 0) {
    text += "; video repair: " + std::to_string(stats.video_packets_recovered) + " of " +
            std::to_string(stats.video_packets_missing) + " missing recovered, " +
            std::to_string(stats.repair.retransmitted) + " sent again";
  }
  emit("stats", std::move(fields), text);
}

void CliPrinter::onVideoCodecChanged(const std::string& codec) {
  emit("video_codec", {{"codec", codec}}, "the room's video codec is now " + codec);
}

void CliPrinter::onParticipantMedia(std::uint64_t participant_id,
                                    const client::MediaStateInfo& media) {
  emit("participant_media",
       {{"id", participant_id},
        {"audio_muted", media.audio_muted},
        {"camera_on", media.camera_on},
        {"sharing_screen", media.sharing_screen}},
       "participant " + std::to_string(participant_id) +
           (media.sharing_screen ? " shares a screen" : "") +
           (media.camera_on ? ", camera on" : "") + (media.audio_muted ? ", muted" : ""));
}

void CliPrinter::onParticipantPath(std::uint64_t participant_id, const std::string& path) {
  emit("participant_path", {{"id", participant_id}, {"path", path}},
       "participant " + std::to_string(participant_id) + ": media " + path);
}

void CliPrinter::printMediaPath(const std::string& path) {
  emit("media_path", {{"path", path}}, "media path: " + path);
}

void CliPrinter::printNetworkChanged(const std::string& what) {
  emit("network_changed", {{"what", what}}, "* network changed: " + what);
}

void CliPrinter::printShareEnded(const std::string& reason) {
  emit("share_ended", {{"reason", reason}}, "* screen share ended: " + reason);
}

}  // namespace parley::cli
