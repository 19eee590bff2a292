#include "ui/devices/audio_convert.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace parley::ui {

float readSample(const char* p, QAudioFormat::SampleFormat format) {
  switch (format) {
    case QAudioFormat::UInt8:
      return (static_cast<float>(static_cast<std::uint8_t>(*p)) - 128.0F) / 128.0F;
    case QAudioFormat::Int16: {
      std::int16_t v = 0;
      std::memcpy(&v, p, sizeof v);
      return static_cast<float>(v) / 32768.0F;
    }
    case QAudioFormat::Int32: {
      std::int32_t v = 0;
      std::memcpy(&v, p, sizeof v);
      return static_cast<float>(static_cast<double>(v) / 2147483648.0);
    }
    case QAudioFormat::Float: {
      float v = 0;
      std::memcpy(&v, p, sizeof v);
      return std::isfinite(v) ? std::clamp(v, -1.0F, 1.0F) : 0.0F;
    }
    default:
      return 0.0F;
  }
}

void writeSample(char* p, QAudioFormat::SampleFormat format, float value) {
  value = std::clamp(value, -1.0F, 1.0F);
  switch (format) {
    case QAudioFormat::UInt8:
      *p = static_cast<char>(static_cast<std::uint8_t>(std::lround(value * 127.0F + 128.0F)));
      break;
    case QAudioFormat::Int16: {
      const std::int16_t v = toInt16(value);
      std::memcpy(p, &v, sizeof v);
      break;
    }
    case QAudioFormat::Int32: {
      const auto v =
          static_cast<std::int32_t>(std::lround(static_cast<double>(value) * 2147483647.0));
      std::memcpy(p, &v, sizeof v);
      break;
    }
    case QAudioFormat::Float:
      std::memcpy(p, &value, sizeof value);
      break;
    default:
      break;
  }
}

std::int16_t toInt16(float value) {
  return static_cast<std::int16_t>(std::lround(std::clamp(value, -1.0F, 1.0F) * 32767.0F));
}

CaptureConverter::CaptureConverter(const QAudioFormat& device)
    : format_(device),
      bytes_per_frame_(std::clamp(device.bytesPerFrame(), 1, 64)),
      bytes_per_sample_(std::max(device.bytesPerSample(), 1)),
      channels_(std::max(device.channelCount(), 1)),
      resampler_(std::max(device.sampleRate(), 1), media::kAudioSampleRateHz) {}

PlaybackConverter::PlaybackConverter(const QAudioFormat& device)
    : format_(device),
      bytes_per_frame_(std::max(device.bytesPerFrame(), 1)),
      bytes_per_sample_(std::max(device.bytesPerSample(), 1)),
      channels_(std::max(device.channelCount(), 1)),
      resampler_(media::kAudioSampleRateHz, std::max(device.sampleRate(), 1)) {}

}  // namespace parley::ui
