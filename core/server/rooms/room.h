#pragma once
// Room: one chat room of a running server: who is present and the room's
// sequence numbers. Created by RoomRegistry on first use, loaded from the
// store on its first step.
//
// Threads: all state lives on strand_; public methods post to it, so they
// may be called from any thread (connections call them from their strands,
// and their order per caller is kept). No locks.

#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/server/store/store.h"
#include "core/transport/message_channel.h"

namespace parley::server {

struct ServerContext;

class Room : public std::enable_shared_from_this<Room> {
 public:
  struct Member {
    std::uint64_t participant_id = 0;
    std::string user;
    std::shared_ptr<transport::MessageChannel> channel;
    // History still owed: a member is live (gets broadcasts) once its cursor
    // reaches the room's last seq; until then it reads pages from the store,
    // which already holds everything broadcast meanwhile.
    bool live = false;
    std::uint64_t cursor = 0;
    // What the member sends and can decode (JoinRoom, then MediaState).
    proto::MediaState media;
    // Where its media goes ("via server", "peer-to-peer", "relayed (TURN)").
    std::string media_path = "via server";
    std::size_t peer_signals = 0;  // in the current attempt
  };

  Room(std::shared_ptr<ServerContext> ctx, std::string name);

  const std::string& name() const { return name_; }

  // Adds `member`, sends it Joined then history (seq > resume_after_seq when
  // has_resume, else the last history_on_join), then live chat.
  void join(Member member, bool has_resume, std::uint64_t resume_after_seq);
  // Removes the participant; others get ParticipantLeft{reason}; the leaver
  // gets Left when `reply`. Releases the caller's hold on the room.
  void leave(std::uint64_t participant_id, std::string reason, bool reply);
  // Stores then broadcasts one chat message (or re-acks a resend).
  void chat(std::uint64_t participant_id, std::uint64_t client_instance,
            std::uint64_t client_msg_id, std::string text);
  // The member's media state changed: everyone else hears of it, and the
  // room's video codec follows what every member can decode.
  void setMedia(std::uint64_t participant_id, proto::MediaState media);

  // An owner's action (room_owner.cpp): applied when the sender owns the
  // room (as the store says now), then every member gets the new RoomState.
  // Removing a participant removes its account: each of its connections
  // here leaves at once, its media leg first, and is closed with
  // removed_from_room.
  void control(std::uint64_t participant_id, proto::RoomControl control);

  // Peer paths (room_peer_path.cpp): a signal for the other member of the
  // current attempt, and where a member's media goes now.
  void peerSignal(std::uint64_t participant_id, proto::PeerSignal signal);
  void peerPathState(std::uint64_t participant_id, proto::PeerPathState state);

  // Interconnection (room_interconnect.cpp, docs/interconnect.md). The
  // interconnect calls each of these holding the room (RoomRegistry), and
  // each releases that hold when done.
  // The other servers' participants here changed (RemoteRooms).
  void remoteChanged();
  // This server keeps the chat order: a peer's participant sent chat.
  void relaySubmitted(std::string server, proto::RelayChatSubmit submit);
  // A stored message from the server that keeps the order, or a peer's
  // participant's message relayed by it.
  void relayedChat(std::string server, proto::RelayChat chat);
  // This server keeps the order and `server` has stored up to after_seq.
  void catchUpPeer(std::string server, std::uint64_t after_seq);
  // The link to the server that keeps the order is back: held chat goes now.
  void orderKeeperLinked();
  // That link is down: held chat is shown to our members, not yet numbered.
  void orderKeeperLost();

  // The best video codec every member can decode: VP9 when all that decode
  // video list it, else VP8. Members that list no decoder have no say.
  static std::string agreeVideoCodec(const std::vector<Member>& members);

 private:
  // `creator` owns the room when this creates it.
  bool ensureLoaded(const std::string& creator);
  // Rooms and who is in them (room_owner.cpp). reloadPolicy reads the
  // policy from the store, where `parleyd room` may have changed it.
  bool reloadPolicy();
  // Whether `member` may join; when not, tells it why (not fatal).
  bool admits(const Member& member);
  void fillRoomState(const Member& member, proto::RoomState& state) const;
  void broadcastRoomState();
  // Every connection of `account` leaves: media leg, ParticipantLeft, close.
  void evict(const std::string& account);
  void applyControl(Member& sender, const proto::RoomControl& control);
  Member* find(std::uint64_t participant_id);
  void sendError(transport::MessageChannel& channel, ErrorCode code, std::string reason,
                 std::uint64_t client_msg_id);
  // Tells the sender its chat was not stored (StoreFull or StoreFailed).
  void refuseUnstored(Member& sender, ErrorCode store_error, std::uint64_t client_msg_id);
  // Sends the member the next page of history; makes it live when done,
  // else schedules the next page behind this one in its channel's queue.
  void catchUp(std::uint64_t participant_id);
  void fillParticipant(const Member& m, proto::Participant& p) const;
  void broadcast(const protocol::Envelope& envelope, std::uint64_t except_participant);
  // To members that have caught up with the room's history.
  void broadcastLive(const protocol::Envelope& envelope);
  // Recomputes the room's codec; tells everyone when it changed.
  void updateVideoCodec();
  void offerMedia(const Member& member);
  // After every join and leave: starts a peer-path attempt when the room is
  // two (after a pause when it shrank to two), stops it when it is not.
  void updatePeerPath(bool shrank);
  void startPeerAttempt();
  void stopPeerAttempt(const std::string& reason);
  void setMediaPath(Member& member, std::string path);
  // Our participants here, to the other servers (after every change).
  void publishPresence();
  // Brings remote_ in line with RemoteRooms, telling the members.
  void syncRemote();
  // Media crosses to a peer only while both sides have participants here:
  // the router's relay and remote legs follow members_ and remote_.
  void updateMediaRelay();
  // Chat from a member while another server keeps the order.
  void holdForOrderKeeper(Member& sender, std::uint64_t client_instance,
                          std::uint64_t client_msg_id, std::string text);
  // Commits one chat message as the next seq (or finds it stored already:
  // then `duplicate` and only seq is set). Errors are the store's.
  struct Stored {
    StoredMessage message;
    bool duplicate = false;
  };
  Result<Stored> storeChat(const std::string& sender, std::uint64_t client_instance,
                           std::uint64_t client_msg_id, std::string text);
  // Sends a stored message to every live member; `sender_id` as they know
  // it; `replaces_pending` names the not-yet-numbered copy they were shown.
  void deliverChat(const StoredMessage& stored, std::uint64_t sender_id,
                   std::uint64_t replaces_pending = 0);
  static proto::RelayChat relayOf(const std::string& room, const StoredMessage& stored,
                                  std::uint64_t sender_id, const std::string& origin);
  void ackChat(std::uint64_t participant_id, std::uint64_t client_msg_id, std::uint64_t seq);
  std::uint64_t localIdOf(const std::string& server, std::uint64_t remote_id) const;

  // A participant on another server, as this room's members see it.
  struct RemoteMember {
    std::string server;
    std::uint64_t remote_id = 0;  // as that server numbers it
    std::uint64_t local_id = 0;   // as ours see it
    std::string user;
    proto::MediaState media;
    bool reachable = true;
  };
  // Chat a member sent while another server keeps the order: submitted
  // there, acknowledged once it comes back stored. While that server is
  // unreachable it is shown to our members as pending (not yet numbered).
  struct HeldChat {
    std::uint64_t participant_id = 0;
    std::string user;
    std::uint64_t client_instance = 0;
    std::uint64_t client_msg_id = 0;
    std::string text;
    std::uint64_t pending_id = 0;  // ChatMessage.pending_id, from the identity
    std::int64_t held_at_ms = 0;
    bool shown = false;
  };

  void fillRemote(const RemoteMember& m, proto::Participant& p) const;
  // Id, user and the SSRCs the id gives, for local and remote members alike.
  static void fillIdentity(std::uint64_t id, const std::string& user, proto::Participant& p);
  proto::RelayChatSubmit submitOf(const HeldChat& held) const;
  // The pending ChatMessage our members see for `held`.
  protocol::Envelope pendingOf(const HeldChat& held) const;
  // Shows `held` to every live member as pending (once).
  void showPending(HeldChat& held);
  // A member just caught up: the pending messages it has not seen yet.
  void sendPendingTo(Member& member);

  std::shared_ptr<ServerContext> ctx_;
  const std::string name_;
  std::vector<RemoteMember> remote_;
  std::vector<HeldChat> held_;
  // Peers the router relays this room's media to now, and the remote legs
  // it has (by local id).
  std::set<std::string> relayed_to_;
  std::set<std::uint64_t> remote_legs_;
  // The last seq we had when we last asked the keeper to fill a gap.
  std::uint64_t gap_asked_at_ = UINT64_MAX;
  asio::strand<asio::io_context::executor_type> strand_;
  bool loaded_ = false;
  RoomRecord record_;
  std::vector<Member> members_;
  // As read at the last join or owner action.
  RoomPolicy policy_;
  // Accounts that joined since the room was last empty: a locked room
  // still takes them back after a dropped connection.
  std::set<std::string> in_meeting_;
  std::string video_codec_ = "VP9";
  // The current peer-path attempt: its number (0: none yet) and its pair.
  std::uint64_t peer_attempt_ = 0;
  bool peer_active_ = false;
  std::uint64_t peer_a_ = 0;  // controlling (the earlier joiner)
  std::uint64_t peer_b_ = 0;
  asio::steady_timer peer_timer_;
};

}  // namespace parley::server
