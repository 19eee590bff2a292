#include "core/client/chat_outbox.h"

#include <algorithm>

namespace parley::client {

Result<void> ChatOutbox::add(std::uint64_t client_msg_id, std::string text) {
  if (entries_.size() >= limits_.max_messages) {
    return makeError(ErrorCode::OutboxFull,
                     std::to_string(entries_.size()) +
                         " messages are still waiting for the server to confirm them; "
                         "wait for the connection to come back before sending more");
  }
  if (bytes_ + text.size() > limits_.max_bytes) {
    return makeError(ErrorCode::OutboxFull,
                     std::to_string(bytes_) +
                         " bytes of chat are still waiting for the server to confirm them; "
                         "wait for the connection to come back before sending more");
  }
  bytes_ += text.size();
  entries_.push_back(Entry{client_msg_id, std::move(text)});
  return {};
}

bool ChatOutbox::acknowledge(std::uint64_t client_msg_id) {
  return remove(client_msg_id).has_value();
}

std::optional<std::string> ChatOutbox::remove(std::uint64_t client_msg_id) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.client_msg_id == client_msg_id; });
  if (it == entries_.end()) {
    return std::nullopt;
  }
  std::string text = std::move(it->text);
  bytes_ -= text.size();
  entries_.erase(it);
  return text;
}

}  // namespace parley::client
