#pragma once
// Conversions for rooms and who is in them (docs/protocol.md, "Rooms"):
// the server's RoomState to what the front end sees, and the owner's
// actions to RoomControl. Pure functions.

#include <cstdint>
#include <string>
#include <vector>

#include "core/client/session_observer.h"
#include "core/protocol/message_codec.h"

namespace parley::client {

RoomStateInfo roomStateFromProto(const proto::RoomState& in);

proto::RoomControl makeSetLocked(bool locked);
proto::RoomControl makeSetAdmission(const std::vector<std::string>& accounts,
                                    const std::vector<std::string>& groups);
proto::RoomControl makeRemoveParticipant(std::uint64_t participant_id);
proto::RoomControl makeReadmit(const std::string& account);

}  // namespace parley::client
