#include "app/parley-cli/exit_codes.h"

namespace parley::cli {

int exitCodeFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::Ok:
      return kExitOk;
    case ErrorCode::AuthFailed:
    case ErrorCode::RateLimited:
    case ErrorCode::ClientInstanceTaken:
    case ErrorCode::RoomLocked:
    case ErrorCode::NotInvited:
    case ErrorCode::RemovedFromRoom:
      return kExitSignInRefused;
    case ErrorCode::TlsInspection:
    case ErrorCode::TlsHandshakeFailed:
    case ErrorCode::TlsPolicy:
      return kExitTlsTrust;
    case ErrorCode::ResolveFailed:
    case ErrorCode::ConnectFailed:
    case ErrorCode::ConnectionClosed:
    case ErrorCode::TimedOut:
    case ErrorCode::AllAttemptsFailed:
    case ErrorCode::HandshakeTimeout:
    case ErrorCode::KeepaliveTimeout:
    case ErrorCode::FrameTruncated:
    case ErrorCode::ServerShutdown:
    case ErrorCode::SlowConsumer:
      return kExitConnect;
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidRoomName:
    case ErrorCode::InvalidUserName:
      return kExitUsage;
    default:
      return kExitOther;
  }
}

}  // namespace parley::cli
