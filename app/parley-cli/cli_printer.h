#pragma once
// CliPrinter: parley-cli's SessionObserver. Prints each session event as one
// JSON object a line (--json; names are a stable interface that integration
// tests and scripts parse) or as a readable line, and tells the main thread
// (through CliState) what it is waiting for: joined, acknowledgements, left,
// a fatal error. Callbacks arrive on the session's network thread; printing
// is serialized by a mutex, and each line is flushed.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/client/call/call.h"
#include "core/client/session_observer.h"

namespace parley::cli {

// What the main thread waits on. All fields guarded by `mu`.
struct CliState {
  std::mutex mu;
  std::condition_variable cv;
  bool joined = false;
  bool left = false;
  bool interrupted = false;             // SIGINT/SIGTERM
  bool input_closed = false;            // stdin EOF in --interactive mode
  std::deque<std::string> input_lines;  // typed in --interactive mode, not yet sent
  std::optional<Error> fatal;
  std::set<std::uint64_t> awaiting_ack;  // --say ids not yet stored
  int refused = 0;
  bool share_ended = false;  // the shared screen's source ended; the room is not told yet
};

class CliPrinter final : public client::SessionObserver {
 public:
  CliPrinter(bool json, CliState& state) : json_(json), state_(state) {}

  void onAttempt(const net::AttemptEvent& event) override;
  void onConnected(const client::ConnectionInfo& info) override;
  void onJoined(const std::string& room, const std::vector<client::ParticipantInfo>& participants,
                std::uint64_t last_seq) override;
  void onRoomState(const client::RoomStateInfo& state) override;
  void onParticipantJoined(const std::string& room, const client::ParticipantInfo& p) override;
  void onParticipantLeft(const std::string& room, const client::ParticipantInfo& p,
                         const std::string& reason) override;
  void onChat(const client::ChatInfo& chat) override;
  void onChatPending(const client::ChatInfo& chat) override;
  void onChatAcknowledged(std::uint64_t client_msg_id, std::uint64_t seq) override;
  void onChatRefused(std::uint64_t client_msg_id, const Error& reason) override;
  void onDisconnected(const Error& reason, bool will_retry,
                      std::chrono::milliseconds retry_in) override;
  void onLeft(const std::string& room) override;
  void onWarning(const Error& warning) override;
  void onVideoCodecChanged(const std::string& codec) override;
  void onParticipantMedia(std::uint64_t participant_id,
                          const client::MediaStateInfo& media) override;
  void onParticipantPath(std::uint64_t participant_id, const std::string& path) override;
  void onError(const Error& error) override;

  // A problem found by the CLI itself (usage, unconfirmed messages).
  void printError(const Error& error);
  // --stats: one line of media statistics.
  void printStats(const client::CallStats& stats);
  // The media path changed (probing, udp, tcp).
  void printMediaPath(const std::string& path);
  // This machine's networks changed (net::NetworkWatch).
  void printNetworkChanged(const std::string& what);
  // The shared screen's source ended (the desktop stopped the cast).
  void printShareEnded(const std::string& reason);

 private:
  void emit(const std::string& event, nlohmann::ordered_json fields, const std::string& text,
            bool to_stderr = false);
  template <typename F>
  void update(F f) {
    {
      std::lock_guard lock(state_.mu);
      f(state_);
    }
    state_.cv.notify_all();
  }

  bool json_;
  CliState& state_;
  std::mutex out_mu_;  // serializes lines on stdout/stderr
};

// "2024-05-01T12:00:01.123Z"
std::string isoTimeUtc(std::chrono::system_clock::time_point t);

}  // namespace parley::cli
