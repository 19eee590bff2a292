#pragma once
// Raised scheduling priority for the threads a voice passes through (the
// audio thread: capture, encode, jitter buffer, decode, playout; the thread
// that receives and sends media), so that a machine busy with a compile or a
// browser does not leave them waiting behind it (docs/media.md, "A busy
// machine").
//
//   Linux    SCHED_FIFO at kVoicePriority, lowered to RLIMIT_RTPRIO when the
//            limit is below it (root or CAP_SYS_NICE need no limit), with
//            SCHED_RESET_ON_FORK so helper processes start at normal
//            priority; refused: the lowest nice value RLIMIT_NICE allows.
//            Not rtkit (it would take a D-Bus library on the voice path).
//   Windows  MMCSS, task "Pro Audio", AVRT_PRIORITY_HIGH (avrt.dll).
//   others   nothing yet.
//
// The kernel keeps real-time threads from taking the whole machine
// (sched_rt_runtime_us, 95 % by default), so a runaway voice thread cannot
// lock up the desktop. PARLEY_REALTIME=0 in the environment leaves every
// thread at normal priority (to measure what the priority buys).
//
// What could not be raised is written to stderr once per process and thread
// kind, never on later attempts (a reconnect makes a new call). Threads: any;
// each call acts on the calling thread only.

#include <cstdint>

namespace parley::net {

enum class VoiceThread : std::uint8_t {
  Audio,        // media::AudioEngine's 20 ms tick
  Network,      // the I/O thread the call's media transport runs on
  PeerNetwork,  // libnice's thread (peer paths)
};

enum class ThreadPriority : std::uint8_t {
  Realtime,  // SCHED_FIFO, or MMCSS
  Raised,    // above normal, not real-time (a lower nice value)
  Normal,    // refused, unsupported here, or PARLEY_REALTIME=0
};

// SCHED_FIFO priority: above the kernel's default for threaded interrupts'
// neighbours in user space (PulseAudio and PipeWire ask rtkit for 5-20).
inline constexpr int kVoicePriority = 10;

// Raises the calling thread as far as the system allows. Never fails the
// caller: it keeps working at whatever priority it got.
ThreadPriority raiseVoiceThread(VoiceThread thread);

// Puts the calling thread back to what it had before raiseVoiceThread (a
// session's I/O thread outlives its calls).
void restoreThreadPriority();

// False when PARLEY_REALTIME=0 (read once).
bool realtimePriorityWanted();

namespace detail {
// "parley: audio thread: WHAT" on stderr, the first time for that kind only.
void reportOnce(VoiceThread thread, const char* what);
}  // namespace detail

}  // namespace parley::net
