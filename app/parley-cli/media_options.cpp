#include "app/parley-cli/media_options.h"

#include <sstream>

namespace parley::cli {

void addMediaOptions(CLI::App& command, MediaOptions& options) {
  command.add_option("--send-audio", options.send_audio, "WAV file to speak into the room")
      ->check(CLI::ExistingFile);
  command.add_option("--record-audio", options.record_audio,
                     "WAV file to record what the others say (48 kHz mono)");
  command.add_flag("--stats", options.stats, "print media statistics every second");
  command.add_option("--media-transport", options.transport,
                     "auto: UDP when it gets through, else inside the TLS channel; tcp: never UDP")
      ->check(CLI::IsMember({"auto", "tcp"}));
  command.add_option("--video-decoders", options.video_decoders,
                     "video codecs to announce as decodable, best first (e.g. VP9,VP8 or VP8)");
  command.add_flag("--no-dscp", options.no_dscp, "do not mark media packets with DSCP");
}

Result<std::unique_ptr<CliCall>> CliCall::create(asio::any_io_executor executor,
                                                 const MediaOptions& options,
                                                 const Clock& clock) {
  std::unique_ptr<CliCall> cli_call(new CliCall());
  if (!options.send_audio.empty()) {
    auto input = media::WavFileInput::open(options.send_audio);
    if (!input) {
      return makeError(input.error().code, "--send-audio " + options.send_audio + ": " +
                                               input.error().detail);
    }
    cli_call->input_ = std::move(*input);
    cli_call->media_state_.audio_muted = false;
  } else {
    cli_call->input_ = std::make_unique<media::SilentInput>();
  }
  if (!options.record_audio.empty()) {
    auto output = media::WavFileOutput::create(options.record_audio);
    if (!output) {
      return makeError(output.error().code, "--record-audio " + options.record_audio + ": " +
                                                output.error().detail);
    }
    cli_call->recording_ = output->get();
    cli_call->output_ = std::move(*output);
  } else {
    cli_call->output_ = std::make_unique<media::NullOutput>();
  }
  std::stringstream decoders(options.video_decoders);
  for (std::string codec; std::getline(decoders, codec, ',');) {
    if (codec != "VP8" && codec != "VP9") {
      return makeError(ErrorCode::InvalidArgument,
                       "--video-decoders: unknown codec '" + codec + "' (VP9, VP8)");
    }
    cli_call->media_state_.video_decoders.push_back(codec);
  }

  client::CallConfig config;
  config.transport.allow_udp = options.transport != "tcp";
  config.transport.dscp.enabled = !options.no_dscp;
  // Files, not a room with speakers: no echo to cancel.
  config.audio.echo_cancellation = false;
  cli_call->call_ = std::make_unique<client::Call>(std::move(executor), config,
                                                   *cli_call->input_, *cli_call->output_, clock);
  if (auto ok = cli_call->call_->start(); !ok) {
    return makeError(std::move(ok).error());
  }
  return cli_call;
}

CliCall::~CliCall() { (void)finish(); }

Result<void> CliCall::finish() {
  if (finished_) {
    return {};
  }
  finished_ = true;
  call_->stop();
  if (recording_ != nullptr) {
    return recording_->close();
  }
  return {};
}

}  // namespace parley::cli
