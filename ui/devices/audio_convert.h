#pragma once
// Conversion between a sound device's format (whatever QAudioFormat it
// wants: 8/16/32-bit or float samples, any channel count, any rate) and the
// engine's one format (48 kHz mono int16, media/audio/audio_format.h):
// down-mix, linear resampling, sample conversion. CaptureConverter turns
// device bytes into 20 ms engine frames; PlaybackConverter turns engine
// frames into device bytes. Plain objects, no Qt event loop; allocation-free
// after construction, so the audio device thread can use them.
//
// Threads: each converter belongs to the one thread that feeds it.

#include <QAudioFormat>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>

#include "media/audio/audio_format.h"

namespace parley::ui {

// Linear interpolation from `in_rate` to `out_rate`, sample by sample.
class LinearResampler {
 public:
  LinearResampler(int in_rate, int out_rate)
      : step_(static_cast<double>(in_rate) / out_rate), passthrough_(in_rate == out_rate) {}

  // Feeds one input sample; calls emit(float) for each output sample due.
  template <typename Emit>
  void push(float x, Emit&& emit) {
    if (passthrough_) {
      emit(x);
      return;
    }
    while (pos_ < 1.0) {
      emit(prev_ + (x - prev_) * static_cast<float>(pos_));
      pos_ += step_;
    }
    pos_ -= 1.0;
    prev_ = x;
  }

 private:
  double step_;
  bool passthrough_;
  double pos_ = 0;
  float prev_ = 0;
};

// One device sample as -1..1 (unknown formats read as silence).
float readSample(const char* p, QAudioFormat::SampleFormat format);
// Writes -1..1 as one device sample.
void writeSample(char* p, QAudioFormat::SampleFormat format, float value);
std::int16_t toInt16(float value);

// Device capture bytes -> 20 ms engine frames.
class CaptureConverter {
 public:
  explicit CaptureConverter(const QAudioFormat& device);
  // Converts whole device frames from `data` (a trailing partial device
  // frame is kept for the next call); `frame_ready` runs for each complete
  // 20 ms engine frame.
  // Templates, not std::function: the audio path must not allocate.
  template <typename FrameReady>
  void push(const char* data, std::size_t bytes, FrameReady&& frame_ready);

 private:
  QAudioFormat format_;
  int bytes_per_frame_;
  int bytes_per_sample_;
  int channels_;
  LinearResampler resampler_;
  media::AudioFrame frame_{};
  std::size_t filled_ = 0;
  char partial_[64] = {};  // one device frame (up to 8 channels of 8 bytes)
  int partial_size_ = 0;
};

// Engine frames -> device playback bytes.
class PlaybackConverter {
 public:
  explicit PlaybackConverter(const QAudioFormat& device);
  // Fills `out` with up to `bytes` of device audio (whole device frames),
  // asking `next_sample` for each engine sample it needs. Returns the bytes
  // written.
  template <typename NextSample>
  std::size_t fill(char* out, std::size_t bytes, NextSample&& next_sample);

 private:
  QAudioFormat format_;
  int bytes_per_frame_;
  int bytes_per_sample_;
  int channels_;
  LinearResampler resampler_;
  // Resampled samples waiting to be written (one engine sample may yield a few).
  float pending_[16] = {};
  int pending_count_ = 0;
  int pending_pos_ = 0;
};

template <typename FrameReady>
void CaptureConverter::push(const char* data, std::size_t bytes, FrameReady&& frame_ready) {
  auto take_frame = [&](const char* f) {
    // Down-mix: the mean of the channels.
    float sum = 0;
    for (int c = 0; c < channels_ && (c + 1) * bytes_per_sample_ <= bytes_per_frame_; ++c) {
      sum += readSample(f + c * bytes_per_sample_, format_.sampleFormat());
    }
    resampler_.push(sum / static_cast<float>(channels_), [&](float out) {
      frame_[filled_++] = toInt16(out);
      if (filled_ == frame_.size()) {
        filled_ = 0;
        frame_ready(frame_);
      }
    });
  };
  std::size_t at = 0;
  if (partial_size_ > 0) {
    const auto need = static_cast<std::size_t>(bytes_per_frame_ - partial_size_);
    const std::size_t n = std::min(need, bytes);
    std::memcpy(partial_ + partial_size_, data, n);
    partial_size_ += static_cast<int>(n);
    at = n;
    if (partial_size_ < bytes_per_frame_) {
      return;
    }
    take_frame(partial_);
    partial_size_ = 0;
  }
  const auto step = static_cast<std::size_t>(bytes_per_frame_);
  for (; at + step <= bytes; at += step) {
    take_frame(data + at);
  }
  if (at < bytes) {
    partial_size_ = static_cast<int>(bytes - at);
    std::memcpy(partial_, data + at, bytes - at);
  }
}

template <typename NextSample>
std::size_t PlaybackConverter::fill(char* out, std::size_t bytes, NextSample&& next_sample) {
  const auto step = static_cast<std::size_t>(bytes_per_frame_);
  std::size_t written = 0;
  while (written + step <= bytes) {
    // Resampling up can give several device samples per engine sample,
    // down can give none: ask for engine samples until one is ready.
    while (pending_pos_ == pending_count_) {
      pending_pos_ = 0;
      pending_count_ = 0;
      const float x = static_cast<float>(next_sample()) / 32768.0F;
      resampler_.push(x, [this](float y) {
        if (pending_count_ < static_cast<int>(std::size(pending_))) {
          pending_[pending_count_++] = y;
        }
      });
    }
    const float value = pending_[pending_pos_++];
    for (int c = 0; c < channels_; ++c) {
      writeSample(out + written + static_cast<std::size_t>(c * bytes_per_sample_),
                  format_.sampleFormat(), value);
    }
    written += step;
  }
  return written;
}

}  // namespace parley::ui
