#pragma once
// The fences parley-pac-helper puts around itself before it reads a PAC
// script (docs/adr/0008-pac-in-duktape-helper-process.md). What the operating
// system offers differs, so each system has its own file:
// helper_limits_posix.cpp (rlimits, PR_SET_PDEATHSIG, alarm) and
// helper_limits_win.cpp (a watchdog thread; the memory and CPU limits come
// from the Job object the parent starts it in, net/proxy/subprocess_win.cpp).
// The Duktape heap cap in main.cpp applies on every system.

namespace parley::pac {

// The wall-clock bound on one evaluation, whatever the parent does: a script
// blocked in dnsResolve uses no CPU, so only a clock ends it.
inline constexpr unsigned kWallSeconds = 10;

// Called first in main(), before any byte of the request is read: also
// readies stdin and stdout for the protocol's byte counts.
void fenceThisProcess();

}  // namespace parley::pac
