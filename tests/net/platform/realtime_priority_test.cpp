#include "net/platform/realtime_priority.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <thread>

namespace parley::net {
namespace {

struct Observed {
  ThreadPriority outcome = ThreadPriority::Normal;
  int policy = -1;
  int priority = -1;
  int nice_before = 0;
  int nice_raised = 0;
  int policy_after_restore = -1;
  int nice_after_restore = 0;
  int child_policy = -1;  // a process forked from the raised thread
};

int threadNice() { return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))); }

// Everything on a thread of its own: the test runner's thread stays as it was.
Observed raiseAndRestore(VoiceThread kind) {
  Observed seen;
  std::thread([&] {
    seen.nice_before = threadNice();
    seen.outcome = raiseVoiceThread(kind);
    sched_param param{};
    (void)pthread_getschedparam(pthread_self(), &seen.policy, &param);
    seen.priority = param.sched_priority;
    seen.nice_raised = threadNice();
    const pid_t child = fork();
    if (child == 0) {
      _exit(sched_getscheduler(0) & ~SCHED_RESET_ON_FORK);
    }
    int status = 0;
    if (child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status)) {
      seen.child_policy = WEXITSTATUS(status);
    }
    restoreThreadPriority();
    (void)pthread_getschedparam(pthread_self(), &seen.policy_after_restore, &param);
    seen.nice_after_restore = threadNice();
  }).join();
  return seen;
}

}  // namespace

TEST_CASE("a voice thread gets what the system allows, and gives it back", "[platform][rt]") {
  REQUIRE(realtimePriorityWanted() == (std::getenv("PARLEY_REALTIME") == nullptr ||
                                       std::string(std::getenv("PARLEY_REALTIME")) != "0"));
  const Observed seen = raiseAndRestore(VoiceThread::Audio);
  switch (seen.outcome) {
    case ThreadPriority::Realtime:
      CHECK((seen.policy & ~SCHED_RESET_ON_FORK) == SCHED_FIFO);
      CHECK(seen.priority > 0);
      CHECK(seen.priority <= kVoicePriority);
      // Helpers a voice thread starts (the PAC helper) run at normal priority.
      CHECK(seen.child_policy == SCHED_OTHER);
      break;
    case ThreadPriority::Raised:
      WARN("no real-time scheduling here: a lower nice value instead");
      CHECK(seen.policy == SCHED_OTHER);
      CHECK(seen.nice_raised < seen.nice_before);
      break;
    case ThreadPriority::Normal:
      WARN("neither real-time scheduling nor a lower nice value here (or PARLEY_REALTIME=0)");
      CHECK(seen.policy == SCHED_OTHER);
      CHECK(seen.nice_raised == seen.nice_before);
      break;
  }
  CHECK(seen.policy_after_restore == SCHED_OTHER);
  CHECK(seen.nice_after_restore == seen.nice_before);
}

TEST_CASE("every kind of voice thread is raised alike", "[platform][rt]") {
  const auto audio = raiseAndRestore(VoiceThread::Audio).outcome;
  CHECK(raiseAndRestore(VoiceThread::Network).outcome == audio);
  CHECK(raiseAndRestore(VoiceThread::PeerNetwork).outcome == audio);
}

TEST_CASE("restoring a thread that was never raised changes nothing", "[platform][rt]") {
  std::thread([] {
    const int nice = threadNice();
    restoreThreadPriority();
    int policy = -1;
    sched_param param{};
    (void)pthread_getschedparam(pthread_self(), &policy, &param);
    CHECK(policy == SCHED_OTHER);
    CHECK(threadNice() == nice);
  }).join();
}

}  // namespace parley::net
