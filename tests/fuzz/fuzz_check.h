#pragma once
// The one helper every fuzzer shares, free of dependencies (fuzz_support.h
// adds protobuf's): a property the fuzzer checks failed, so report it and
// crash for libFuzzer to keep the input.

#include <cstdio>
#include <cstdlib>

namespace parley::fuzz {

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

}  // namespace parley::fuzz
