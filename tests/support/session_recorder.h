#pragma once
// SessionRecorder: a SessionObserver that writes down everything a session
// reports, so a test can wait (bounded) for a condition and then check it.
// Callbacks arrive on the session's network thread; tests read from theirs.

#include <condition_variable>
#include <mutex>
#include <vector>

#include "core/client/session_observer.h"

namespace parley::test {

class SessionRecorder : public client::SessionObserver {
 public:
  struct Snapshot {
    std::vector<client::ChatInfo> chats;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> acks;  // client_msg_id, seq
    std::vector<Error> refused;
    std::vector<Error> disconnects;
    std::vector<Error> errors;
    std::vector<std::string> resume_tokens;  // as onResumeToken told them
    int joins = 0;
    bool will_retry_seen = false;
  };

  template <typename Predicate>
  bool waitFor(Predicate predicate, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return predicate(state_); });
  }
  Snapshot snapshot() {
    std::lock_guard lock(mu_);
    return state_;
  }

  void onJoined(const std::string&, const std::vector<client::ParticipantInfo>&,
                std::uint64_t) override {
    update([](Snapshot& s) { ++s.joins; });
  }
  void onChat(const client::ChatInfo& chat) override {
    update([&](Snapshot& s) { s.chats.push_back(chat); });
  }
  void onChatAcknowledged(std::uint64_t id, std::uint64_t seq) override {
    update([&](Snapshot& s) { s.acks.emplace_back(id, seq); });
  }
  void onChatRefused(std::uint64_t, const Error& reason) override {
    update([&](Snapshot& s) { s.refused.push_back(reason); });
  }
  void onDisconnected(const Error& reason, bool will_retry, std::chrono::milliseconds) override {
    update([&](Snapshot& s) {
      s.disconnects.push_back(reason);
      s.will_retry_seen = s.will_retry_seen || will_retry;
    });
  }
  void onResumeToken(const std::string& token) override {
    update([&](Snapshot& s) { s.resume_tokens.push_back(token); });
  }
  void onError(const Error& error) override {
    update([&](Snapshot& s) { s.errors.push_back(error); });
  }

 private:
  template <typename F>
  void update(F f) {
    {
      std::lock_guard lock(mu_);
      f(state_);
    }
    cv_.notify_all();
  }

  std::mutex mu_;  // guards state_: written on network threads, read by the test thread
  std::condition_variable cv_;
  Snapshot state_;
};

}  // namespace parley::test
