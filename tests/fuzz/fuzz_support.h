#pragma once
// Shared helpers for the protocol fuzzers. Each fuzzer is built twice: with
// clang as a libFuzzer executable (PARLEY_FUZZ_ONLY build), and with the
// normal compiler as a "replay" executable that runs the same entry point over
// every file of the checked-in corpus (replay_main.cpp).

#include <google/protobuf/stubs/logging.h>

#include "tests/fuzz/fuzz_check.h"

namespace parley::fuzz {

// Protobuf logs every rejected UTF-8 string; that is expected here and only
// slows the fuzzer down.
inline void silenceProtobufLogs() {
  static const bool silenced = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)silenced;
}

}  // namespace parley::fuzz
