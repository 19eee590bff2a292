// parley-cli: the headless Parley client, for diagnostics, bots and scripts.
//
//   parley-cli --version
//   parley-cli join --server HOST [--tls-port 443] [--alt-port 5228] --ca FILE
//                   --user NAME --room ROOM [--say TEXT]... [--for SECONDS]
//                   [--ack-wait SECONDS] [--interactive] [--json]
//                   [network options] [media options]
//   parley-cli probe --server HOST --ca FILE [--tls-port N] [--alt-port N]
//                   [--json] [network options]
//   parley-cli password save|forget (--server HOST --user NAME | --proxy)
//   network options: [--proxy URL]... [--socks URL]... [--pac URL] [--no-auto]
//                    [--proxy-user USER] (password: PARLEY_PROXY_PASSWORD,
//                    else the stored proxy password)
//   media options:   [--send-audio FILE.wav] [--record-audio FILE.wav] [--stats]
//                    [--media-transport auto|tcp] [--video-decoders VP9,VP8] [--no-dscp]
//
// The password comes from PARLEY_PASSWORD, else from the system's credential
// store (`parley-cli password save`; Windows only), else from the first line
// of stdin.
// Exit codes: see exit_codes.h.

#include <CLI/CLI.hpp>
#include <asio/signal_set.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/parley-cli/cli_printer.h"
#include "app/parley-cli/exit_codes.h"
#include "app/parley-cli/media_options.h"
#include "app/parley-cli/network_options.h"
#include "app/parley-cli/probe_command.h"
#include "app/parley-cli/stored_secrets.h"
#include "app/version.h"
#include "core/client/client_session.h"
#include "net/connect/racing_connector.h"
#include "net/io_thread.h"
#include "net/platform/network_watch.h"
#include "net/tls/tls_context.h"

namespace {

using namespace std::chrono_literals;
using parley::Error;
using parley::ErrorCode;
namespace cli = parley::cli;

struct JoinOptions {
  std::string server;
  std::uint16_t tls_port = 443;
  std::uint16_t alt_port = 5228;
  std::string ca;
  std::string user;
  std::string room;
  std::vector<std::string> say;
  double for_seconds = -1;
  // How long, before leaving, to wait for the server to confirm each --say as
  // stored. Short by default so Ctrl-C ends the CLI promptly; a script on a
  // slow link or a loaded machine may ask for longer (the wait ends as soon
  // as the acks are in, so a long bound costs nothing when all is well).
  double ack_wait_seconds = 5;
  bool interactive = false;
  bool json = false;
  cli::NetworkOptions network;
  cli::MediaOptions media;
};

constexpr auto kLeaveWait = 4s;

int runJoin(const JoinOptions& options) {
  // Shared with the detached stdin reader, which may outlive this function.
  auto shared_state = std::make_shared<cli::CliState>();
  cli::CliState& state = *shared_state;
  cli::CliPrinter printer(options.json, state);

  const char* env_password = std::getenv("PARLEY_PASSWORD");
  std::string password;
  if (env_password != nullptr) {
    password = env_password;
  } else if (auto stored = cli::storedSignInPassword(options.server, options.user)) {
    password = std::move(*stored);
  } else if (options.interactive) {
    printer.printError(Error{ErrorCode::InvalidArgument,
                             "--interactive reads chat from stdin, so the password must come "
                             "from the PARLEY_PASSWORD environment variable"});
    return cli::kExitUsage;
  } else if (!std::getline(std::cin, password)) {
    printer.printError(Error{ErrorCode::InvalidArgument,
                             "no password: set PARLEY_PASSWORD or write it as the first line "
                             "of stdin"});
    return cli::kExitUsage;
  }
  if (!password.empty() && password.back() == '\r') {
    password.pop_back();
  }

  auto tls = parley::net::makeClientTlsContext(options.ca);
  if (!tls) {
    printer.printError(
        Error{tls.error().code, "cannot use CA file '" + options.ca + "': " + tls.error().detail});
    return cli::kExitUsage;
  }

  parley::net::IoThreads io(1);
  auto executor = io.context().get_executor();

  // Interrupted while the desktop's chooser is open (--share-screen portal):
  // the question is withdrawn, so the client does not wait for the chooser.
  auto portal_withdraw = std::make_shared<std::atomic<bool>>(false);
  asio::signal_set signals(io.context(), SIGINT, SIGTERM);
  signals.async_wait([&state, portal_withdraw](const asio::error_code& ec, int) {
    if (!ec) {
      portal_withdraw->store(true);
      {
        std::lock_guard lock(state.mu);
        state.interrupted = true;
      }
      state.cv.notify_all();
    }
  });

  // TURN through a proxy (peer paths) signs in like the control connection:
  // the same user, Basic only (what libnice speaks).
  cli::MediaOptions media = options.media;
  media.proxy_user = options.network.proxy_user;
  media.portal_withdraw = portal_withdraw;
  if (!media.proxy_user.empty()) {
    media.proxy_password = cli::proxyPassword();
  }
  auto call = cli::CliCall::create(executor, media, parley::SystemClock::instance());
  if (!call) {
    printer.printError(call.error());
    std::lock_guard lock(state.mu);
    return state.interrupted ? cli::kExitOk : cli::kExitUsage;  // as interrupted before joining
  }
  (*call)->call().setPathObserver([&printer](parley::client::MediaPath path) {
    printer.printMediaPath(parley::client::mediaPathName(path));
  });

  parley::client::SessionConfig config;
  config.target = {options.server, options.tls_port, options.alt_port};
  config.media = (*call)->mediaState();
  config.user = options.user;
  config.password = password;
  config.room = options.room;
  config.client_name = std::string("parley-cli/") + parley::app::kVersion;

  auto race = cli::makeRaceSettings(options.network);
  if (!race) {
    printer.printError(race.error());
    return cli::kExitUsage;
  }
  // One factory per sign-in: it races every way out once, then keeps the
  // winning route for every reconnect of this session.
  auto connectors =
      std::make_shared<parley::net::RacingConnectorFactory>(executor, *tls, std::move(*race));
  auto session =
      std::make_unique<parley::client::ClientSession>(executor, config, connectors, printer);
  session->setMediaLink(&(*call)->call());
  session->start();
  // A dead path after a network change is left at once, not after three
  // missed keep-alives (docs/connecting.md, "When the network changes").
  auto watch = parley::net::NetworkWatch::start([&printer, &session](const std::string& what) {
    printer.printNetworkChanged(what);
    session->networkChanged(what);
  });
  if (!watch) {
    printer.onWarning(watch.error());
  }
  // The watch's thread uses the session: it ends first.
  auto endSession = [&] {
    if (watch) {
      watch->reset();
    }
    session.reset();
  };
  // --stats: a line a second while the session runs. A screen share is
  // watched as often: when its source ends (the desktop's own Stop button,
  // a closed window) the room is told, as the desktop client does.
  const bool sharing = config.media.sharing_screen;
  std::atomic<bool> stats_running{options.media.stats || sharing};
  std::atomic<bool> share_over{false};
  std::thread stats_thread;
  if (stats_running.load()) {
    stats_thread = std::thread([&] {
      auto next = std::chrono::steady_clock::now();
      while (stats_running.load()) {
        next += 1s;
        std::this_thread::sleep_until(next);
        if (!stats_running.load()) {
          break;
        }
        (*call)->call().stats([&printer, &options, &share_over, sharing,
                               shared_state](parley::client::CallStats stats) {
          if (options.media.stats) {
            printer.printStats(stats);
          }
          // The screen's sender comes last.
          if (sharing && !stats.senders.empty() && !stats.senders.back().error.empty() &&
              !share_over.exchange(true)) {
            printer.printShareEnded(stats.senders.back().error);
            // The run loop tells the room (it owns the session).
            {
              std::lock_guard lock(shared_state->mu);
              shared_state->share_ended = true;
            }
            shared_state->cv.notify_all();
          }
        });
      }
    });
  }
  auto stopStats = [&] {
    stats_running = false;
    if (stats_thread.joinable()) {
      stats_thread.join();
    }
  };

  // Waits until the predicate holds or `deadline`; returns the predicate.
  auto waitUntil = [&state](auto deadline, auto predicate) {
    std::unique_lock lock(state.mu);
    return state.cv.wait_until(lock, deadline, [&] { return predicate(state); });
  };
  const auto forever = std::chrono::steady_clock::time_point::max();

  // 1. Connected, signed in and in the room (or a fatal error, or Ctrl-C).
  waitUntil(forever, [](cli::CliState& s) { return s.joined || s.fatal || s.interrupted; });
  {
    std::lock_guard lock(state.mu);
    if (state.fatal) {
      const int code = cli::exitCodeFor(state.fatal->code);
      stopStats();
      endSession();
      return code == cli::kExitOk ? cli::kExitOther : code;
    }
    if (!state.joined) {  // interrupted before joining
      stopStats();
      endSession();
      return cli::kExitOk;
    }
  }
  const auto joined_at = std::chrono::steady_clock::now();

  // 2. Each --say, in order.
  for (const auto& text : options.say) {
    // The id is recorded under the lock the acknowledgement takes: sendChat
    // only posts to the session, and its I/O thread (raised to real-time
    // priority once media runs) may otherwise see the acknowledgement before
    // the id is recorded, which left the CLI waiting for an ack that had come.
    std::lock_guard lock(state.mu);
    state.awaiting_ack.insert(session->sendChat(text));
  }

  // 3. Run: --for N seconds, or until a signal (or stdin EOF when interactive).
  if (options.interactive) {
    std::thread([shared_state] {
      std::string line;
      while (std::getline(std::cin, line)) {
        {
          std::lock_guard lock(shared_state->mu);
          shared_state->input_lines.push_back(line);
        }
        shared_state->cv.notify_all();
      }
      {
        std::lock_guard lock(shared_state->mu);
        shared_state->input_closed = true;
      }
      shared_state->cv.notify_all();
    }).detach();  // may block in read forever; the process exit ends it
  }
  const auto run_until =
      options.for_seconds >= 0
          ? joined_at + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(options.for_seconds))
          : forever;
  for (;;) {
    std::vector<std::string> lines;
    bool share_ended = false;
    {
      std::unique_lock lock(state.mu);
      state.cv.wait_until(lock, run_until, [&] {
        return state.fatal || state.interrupted || !state.input_lines.empty() ||
               state.share_ended || (options.interactive && state.input_closed);
      });
      lines.assign(state.input_lines.begin(), state.input_lines.end());
      state.input_lines.clear();
      share_ended = std::exchange(state.share_ended, false);
    }
    if (share_ended) {
      auto without_share = config.media;
      without_share.sharing_screen = false;
      session->setMediaState(without_share);
    }
    for (auto& line : lines) {
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (!line.empty()) {
        session->sendChat(line);
      }
    }
    std::lock_guard lock(state.mu);
    if (state.fatal || state.interrupted || (options.interactive && state.input_closed) ||
        std::chrono::steady_clock::now() >= run_until) {
      break;
    }
  }

  // 4. "Sent" means stored: wait (bounded) for every --say to be acknowledged.
  int exit_code = cli::kExitOk;
  const auto ack_wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(options.ack_wait_seconds));
  waitUntil(std::chrono::steady_clock::now() + ack_wait,
            [](cli::CliState& s) { return s.awaiting_ack.empty() || s.fatal; });
  std::size_t unconfirmed = 0;
  int refused = 0;
  std::optional<Error> fatal;
  {
    std::lock_guard lock(state.mu);
    unconfirmed = state.awaiting_ack.size();
    refused = state.refused;
    fatal = state.fatal;
  }
  if (fatal) {
    exit_code = cli::exitCodeFor(fatal->code);
    if (exit_code == cli::kExitOk) {
      exit_code = cli::kExitOther;
    }
  } else {
    if (unconfirmed > 0) {
      std::ostringstream wait_text;
      wait_text << options.ack_wait_seconds;
      printer.printError(Error{ErrorCode::TimedOut,
                               std::to_string(unconfirmed) +
                                   " message(s) given with --say were not confirmed as stored by "
                                   "the server within " +
                                   wait_text.str() +
                                   " s (--ack-wait); they may not have been delivered"});
      exit_code = cli::kExitConnect;
    } else if (refused > 0) {
      exit_code = cli::kExitOther;
    }
    // 5. Leave the room, bounded.
    session->leave();
    waitUntil(std::chrono::steady_clock::now() + kLeaveWait,
              [](cli::CliState& s) { return s.left || s.fatal; });
  }
  stopStats();
  session->stop();
  endSession();
  if (auto finished = (*call)->finish(); !finished) {
    printer.printError(finished.error());
    exit_code = exit_code == cli::kExitOk ? cli::kExitOther : exit_code;
  }
  signals.cancel();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parley-cli: the headless Parley client"};
  app.set_version_flag("--version", std::string("parley-cli ") + parley::app::kVersion);
  app.require_subcommand(1);

  JoinOptions options;
  auto* join = app.add_subcommand("join", "sign in, join a room, chat, print events");
  join->add_option("--server", options.server, "server host name or address")->required();
  join->add_option("--tls-port", options.tls_port, "first TCP port to try")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  join->add_option("--alt-port", options.alt_port, "second TCP port to try")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  join->add_option("--ca", options.ca, "the deployment's CA certificate (PEM), pinned")->required();
  join->add_option("--user", options.user, "user name")->required();
  join->add_option("--room", options.room, "room to join")->required();
  join->add_option("--say", options.say, "chat message to send once joined (repeatable)");
  join->add_option("--for", options.for_seconds, "seconds to stay after joining, then leave")
      ->check(CLI::NonNegativeNumber);
  join->add_option("--ack-wait", options.ack_wait_seconds,
                   "seconds to wait, before leaving, for the server to confirm each --say as "
                   "stored; unconfirmed messages make the exit code 5")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  join->add_flag("--interactive", options.interactive,
                 "send each further stdin line as chat (password from PARLEY_PASSWORD)");
  join->add_flag("--json", options.json, "one JSON object a line for each event");
  cli::addNetworkOptions(*join, options.network);
  cli::addMediaOptions(*join, options.media);

  cli::ProbeOptions probe_options;
  auto* probe =
      app.add_subcommand("probe",
                         "race every way to the server once and print each attempt's stages (ms)");
  probe->add_option("--server", probe_options.server, "server host name or address")->required();
  probe->add_option("--ca", probe_options.ca, "the deployment's CA certificate (PEM), pinned")
      ->required();
  probe->add_option("--tls-port", probe_options.tls_port, "the server's TLS port")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  probe->add_option("--alt-port", probe_options.alt_port, "the server's alternative port")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  probe->add_flag("--json", probe_options.json, "one JSON object: winner and attempts");
  probe
      ->add_option("--ice-interfaces", probe_options.ice_interfaces,
                   "ICE candidates: gather only on these interfaces ('lo' allows loopback)")
      ->delimiter(',');
  probe->add_option("--stun", probe_options.stun,
                    "ICE candidates: also ask this STUN server (ADDRESS:PORT) for the public one");
  cli::addNetworkOptions(*probe, probe_options.network);

  cli::PasswordOptions password_options;
  CLI::App* password = nullptr;
  cli::addPasswordCommand(app, password_options, password);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? cli::kExitOk : cli::kExitUsage;
  }
#ifdef SIGPIPE  // POSIX: a write to a closed socket is an error, not a signal
  std::signal(SIGPIPE, SIG_IGN);
#endif
  try {
    if (join->parsed()) {
      return runJoin(options);
    }
    if (probe->parsed()) {
      return cli::runProbe(probe_options);
    }
    if (password->parsed()) {
      return cli::runPassword(password_options);
    }
  } catch (const std::exception& e) {
    std::cerr << "parley-cli: " << e.what() << '\n';
    return cli::kExitOther;
  }
  return cli::kExitUsage;
}
