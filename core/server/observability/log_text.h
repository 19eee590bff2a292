#pragma once
// What a stranger sends (client names, error slugs and reasons, user names)
// reaches the log only through logSafe(): bounded in length, so one field
// cannot fill the journal, and without control characters, so it cannot
// forge a log line, move the cursor or ring a terminal in any sink (stderr,
// the journal, syslog). Pure functions, any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::server {

inline constexpr std::size_t kMaxLoggedFieldBytes = 128;

// `text` without C0 controls, DEL and the UTF-8 encoded C1 controls
// (U+0080..U+009F); cut to at most `max_bytes` bytes (never inside a UTF-8
// sequence) followed by "..." when it was longer.
std::string logSafe(std::string_view text, std::size_t max_bytes = kMaxLoggedFieldBytes);

}  // namespace parley::server
