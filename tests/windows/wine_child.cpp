// The program subprocess_wine_test.cpp starts: one small behaviour per
// first argument, in binary mode so the bytes come back as written.
//   cat         stdin to stdout          sleep MS    sleeps
//   exit N      exits with N             flood       1 MiB of 'x'
//   env NAME    prints the variable      args A...   prints [A][B]...

#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  _setmode(_fileno(stdout), _O_BINARY);
  _setmode(_fileno(stdin), _O_BINARY);
  if (argc < 2) {
    return 2;
  }
  const char* what = argv[1];
  if (std::strcmp(what, "cat") == 0) {
    for (int c = std::getchar(); c != EOF; c = std::getchar()) {
      std::putchar(c);
    }
    return 0;
  }
  if (std::strcmp(what, "sleep") == 0 && argc > 2) {
    Sleep(static_cast<DWORD>(std::atoi(argv[2])));
    return 0;
  }
  if (std::strcmp(what, "exit") == 0 && argc > 2) {
    return std::atoi(argv[2]);
  }
  if (std::strcmp(what, "flood") == 0) {
    for (int i = 0; i < (1 << 20); ++i) {
      std::putchar('x');
    }
    return 0;
  }
  if (std::strcmp(what, "env") == 0 && argc > 2) {
    const char* value = std::getenv(argv[2]);
    std::fputs(value != nullptr ? value : "(unset)", stdout);
    return 0;
  }
  if (std::strcmp(what, "args") == 0) {
    for (int i = 2; i < argc; ++i) {
      std::printf("[%s]", argv[i]);
    }
    return 0;
  }
  return 3;
}
