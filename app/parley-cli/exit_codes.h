#pragma once
// parley-cli's exit codes, stable for scripts:
//   0 ok, 1 other failure, 2 usage error, 3 sign-in refused (wrong password,
//   rate limited), 4 TLS trust failure (inspection, wrong CA), 5 could not
//   connect or the connection failed.

#include "core/base/error.h"

namespace parley::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitOther = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitSignInRefused = 3;
inline constexpr int kExitTlsTrust = 4;
inline constexpr int kExitConnect = 5;

int exitCodeFor(ErrorCode code);

}  // namespace parley::cli
