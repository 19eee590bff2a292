// The Qt sound devices' format conversion (ui/audio_convert): a device that
// wants another rate, channel count or sample format still gives the engine
// 20 ms frames of 48 kHz mono int16 and plays them back, with the tone kept.

#include <QtTest>
#include <cmath>
#include <vector>

#include "ui/devices/audio_convert.h"

using namespace parley::ui;
namespace media = parley::media;

namespace {

QAudioFormat format(int rate, int channels, QAudioFormat::SampleFormat sample) {
  QAudioFormat f;
  f.setSampleRate(rate);
  f.setChannelCount(channels);
  f.setSampleFormat(sample);
  return f;
}

// Interleaved device bytes of a `hz` tone, `seconds` long.
QByteArray tone(const QAudioFormat& f, double hz, double seconds) {
  const int frames = static_cast<int>(f.sampleRate() * seconds);
  QByteArray out(frames * f.bytesPerFrame(), 0);
  for (int i = 0; i < frames; ++i) {
    const float v = 0.5F * static_cast<float>(std::sin(2 * M_PI * hz * i / f.sampleRate()));
    for (int c = 0; c < f.channelCount(); ++c) {
      writeSample(out.data() + i * f.bytesPerFrame() + c * f.bytesPerSample(), f.sampleFormat(), v);
    }
  }
  return out;
}

// Zero crossings per second of the engine samples: the tone's frequency x 2.
double crossingsPerSecond(const std::vector<std::int16_t>& s) {
  int n = 0;
  for (std::size_t i = 1; i < s.size(); ++i) {
    n += (s[i - 1] < 0) != (s[i] < 0) ? 1 : 0;
  }
  return n / (static_cast<double>(s.size()) / media::kAudioSampleRateHz);
}

}  // namespace

class AudioConvertTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void captureConvertsToEngineFrames_data();
  void captureConvertsToEngineFrames();
  void playbackFillsDeviceFormat();
};

void AudioConvertTest::captureConvertsToEngineFrames_data() {
  QTest::addColumn<int>("rate");
  QTest::addColumn<int>("channels");
  QTest::addColumn<int>("sample");
  QTest::newRow("48k mono int16 (as is)") << 48000 << 1 << int(QAudioFormat::Int16);
  QTest::newRow("44.1k stereo float") << 44100 << 2 << int(QAudioFormat::Float);
  QTest::newRow("16k mono int32") << 16000 << 1 << int(QAudioFormat::Int32);
  QTest::newRow("96k 6ch uint8") << 96000 << 6 << int(QAudioFormat::UInt8);
}

void AudioConvertTest::captureConvertsToEngineFrames() {
  QFETCH(int, rate);
  QFETCH(int, channels);
  QFETCH(int, sample);
  const QAudioFormat f = format(rate, channels, static_cast<QAudioFormat::SampleFormat>(sample));
  CaptureConverter converter(f);
  const QByteArray bytes = tone(f, 500.0, 1.0);
  std::vector<std::int16_t> out;
  int frames = 0;
  // Odd-sized chunks, as devices deliver them (partial device frames too).
  for (qsizetype at = 0; at < bytes.size(); at += 997) {
    const auto n = std::min<qsizetype>(997, bytes.size() - at);
    converter.push(bytes.constData() + at, static_cast<std::size_t>(n),
                   [&](const media::AudioFrame& frame) {
                     ++frames;
                     out.insert(out.end(), frame.begin(), frame.end());
                   });
  }
  // One second of device audio is 50 engine frames (give or take the last).
  QVERIFY2(frames >= 49 && frames <= 50, qPrintable(QString::number(frames)));
  const double crossings = crossingsPerSecond(out);
  QVERIFY2(std::abs(crossings - 1000.0) < 20.0, qPrintable(QString::number(crossings)));
  const auto peak = *std::max_element(out.begin(), out.end());
  QVERIFY2(peak > 14000 && peak < 18000, qPrintable(QString::number(peak)));
}

void AudioConvertTest::playbackFillsDeviceFormat() {
  const QAudioFormat f = format(44100, 2, QAudioFormat::Float);
  PlaybackConverter converter(f);
  std::size_t t = 0;
  auto next = [&]() -> std::int16_t {
    return static_cast<std::int16_t>(
        16000 * std::sin(2 * M_PI * 500.0 * static_cast<double>(t++) / 48000.0));
  };
  QByteArray out(f.bytesForDuration(1000000), 0);
  const std::size_t written =
      converter.fill(out.data(), static_cast<std::size_t>(out.size()) - 3, next);  // not whole
  QCOMPARE(written % static_cast<std::size_t>(f.bytesPerFrame()), std::size_t{0});
  // 1 s at 44.1 kHz took about 1 s of engine samples.
  QVERIFY2(t >= 47900 && t <= 48100, qPrintable(QString::number(t)));
  // Both channels carry the tone.
  std::vector<std::int16_t> left;
  for (std::size_t i = 0; i + 8 <= written; i += 8) {
    left.push_back(toInt16(readSample(out.constData() + i, QAudioFormat::Float)));
    QCOMPARE(readSample(out.constData() + i + 4, QAudioFormat::Float),
             readSample(out.constData() + i, QAudioFormat::Float));
  }
  const double crossings = crossingsPerSecond(left) * 44100.0 / 48000.0;  // left is at 44.1 kHz
  QVERIFY2(std::abs(crossings - 1000.0) < 20.0, qPrintable(QString::number(crossings)));
}

QTEST_GUILESS_MAIN(AudioConvertTest)
#include "audio_convert_test.moc"
