#pragma once
// ChatOutbox: chat the user sent that the server has not yet acknowledged as
// stored. Kept in send order and re-sent, with the same client_msg_id, after a
// reconnect; the server dedupes on (account, client_instance, client_msg_id),
// so a message is stored exactly once however often it is re-sent.
// Bounded by count and bytes: beyond that a send is refused (OutboxFull)
// instead of growing memory while the server is out of reach.
// Pure value type. Not thread-safe: owned by one ClientSession, on its strand.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "core/base/result.h"

namespace parley::client {

struct OutboxLimits {
  std::size_t max_messages = 1000;
  std::size_t max_bytes = 4 * 1024 * 1024;
};

class ChatOutbox {
 public:
  struct Entry {
    std::uint64_t client_msg_id = 0;
    std::string text;
  };

  explicit ChatOutbox(OutboxLimits limits = {}) : limits_(limits) {}

  // Queues a message; OutboxFull when it would pass a bound (nothing queued).
  Result<void> add(std::uint64_t client_msg_id, std::string text);
  // The server stored it: drop it. False when the id is unknown (a repeated ack).
  bool acknowledge(std::uint64_t client_msg_id);
  // The server refused it: drop it. Returns the text when the id was known.
  std::optional<std::string> remove(std::uint64_t client_msg_id);

  // Everything unacknowledged, oldest first: what to re-send after a rejoin.
  [[nodiscard]] const std::deque<Entry>& pending() const { return entries_; }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }
  [[nodiscard]] bool empty() const { return entries_.empty(); }

 private:
  OutboxLimits limits_;
  std::deque<Entry> entries_;
  std::size_t bytes_ = 0;
};

}  // namespace parley::client
