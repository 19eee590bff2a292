#pragma once
// Evaluates a PAC script's FindProxyForURL(url, host) in parley-pac-helper
// (a separate, resource-limited process; app/parley-pac-helper) and returns
// its answer string, e.g. "PROXY p1:3128; DIRECT" (parse it with
// parsePacResult). The helper is killed by its PID when `timeout` passes.
//
// The returned object is the evaluation: destroying it kills and reaps the
// helper, and `done` is then not called. Runs on `executor`; `done` comes on
// it once.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "core/base/result.h"
#include "net/proxy/subprocess.h"

namespace parley::net {

struct PacEvaluatorOptions {
  // Empty: defaultPacHelperPath().
  std::string helper_path;
  std::chrono::milliseconds timeout{3000};
  // "NAME=value" for the helper (tests: PARLEY_PAC_NOW=<ms since epoch>).
  std::vector<std::string> extra_env;
};

// Errors: PacFailed (script error, no FindProxyForURL, helper killed by a
// limit or the timeout, helper missing), with a one-line detail.
using PacAnswer = std::function<void(Result<std::string> answer)>;

std::unique_ptr<Subprocess> evaluatePac(asio::any_io_executor executor,
                                        const PacEvaluatorOptions& options,
                                        const std::string& script, const std::string& url,
                                        const std::string& host, PacAnswer done);

// $PARLEY_PAC_HELPER if set; else parley-pac-helper beside the running
// program (or, in the build tree, in app/parley-pac-helper/); else the bare
// name, looked up in PATH.
std::string defaultPacHelperPath();

}  // namespace parley::net
