#include "core/client/room_messages.h"

namespace parley::client {

RoomStateInfo roomStateFromProto(const proto::RoomState& in) {
  RoomStateInfo out;
  out.room = in.room();
  out.owner = in.owner();
  out.locked = in.locked();
  out.you_are_owner = in.you_are_owner();
  out.admitted_accounts.assign(in.admission().accounts().begin(), in.admission().accounts().end());
  out.admitted_groups.assign(in.admission().groups().begin(), in.admission().groups().end());
  out.removed_accounts.assign(in.removed().begin(), in.removed().end());
  return out;
}

proto::RoomControl makeSetLocked(bool locked) {
  proto::RoomControl control;
  control.set_set_locked(locked);
  return control;
}

proto::RoomControl makeSetAdmission(const std::vector<std::string>& accounts,
                                    const std::vector<std::string>& groups) {
  proto::RoomControl control;
  auto* list = control.mutable_set_admission();
  for (const auto& account : accounts) {
    list->add_accounts(account);
  }
  for (const auto& group : groups) {
    list->add_groups(group);
  }
  return control;
}

proto::RoomControl makeRemoveParticipant(std::uint64_t participant_id) {
  proto::RoomControl control;
  control.set_remove_participant(participant_id);
  return control;
}

proto::RoomControl makeReadmit(const std::string& account) {
  proto::RoomControl control;
  control.set_readmit_account(account);
  return control;
}

}  // namespace parley::client
