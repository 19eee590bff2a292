// The desktop client's sound and camera devices against a real sound server
// (a PulseAudio daemon of the test's own, tests/ui/pulse_server.h) and a
// real local parleyd:
//  - the settings dialog's pickers list the sound server's devices, keep
//    up as one is plugged in, and save the choice;
//  - its meter moves for a tone played into the microphone and falls back
//    for silence; "Play a test sound" plays through the chosen speakers
//    (a stream on that sink, seen by pactl); the camera preview shows the
//    (synthetic) camera;
//  - in a meeting, a headset plugged in and made the default takes the
//    call's sound at once and gives it back when pulled out, and a
//    microphone chosen in the settings mid-meeting is used without leaving.
// A screenshot of the settings tab when PARLEY_SCREENSHOT_DIR is set.

#include <QAction>
#include <QComboBox>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QTabWidget>
#include <QtTest>
#include <cmath>
#include <memory>

#include "media/video/synthetic_source.h"
#include "tests/support/server_fixture.h"
#include "tests/ui/gui_test_support.h"
#include "tests/ui/pulse_server.h"
#include "ui/application/app_controller.h"
#include "ui/devices/camera_preview.h"
#include "ui/meeting/meeting_media.h"
#include "ui/meeting/meeting_window.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_dialog.h"
#include "ui/settings/settings_store.h"

using parley::test::child;
using namespace parley::ui;
namespace media = parley::media;

namespace {

constexpr int kWaitMs = parley::test::kProcessWaitMs;

// Speakers and a microphone, as a laptop has: the microphone hears what is
// played into the "room" sink (its monitor, remapped into a source that
// looks like a microphone).
const QStringList kLaptop{
    QStringLiteral("load-module module-null-sink sink_name=speakers "
                   "sink_properties=device.description=Speakers"),
    QStringLiteral("load-module module-null-sink sink_name=room "
                   "sink_properties=device.description=Room"),
    QStringLiteral("load-module module-remap-source source_name=microphone master=room.monitor "
                   "source_properties=device.description=Microphone"),
    // A second microphone (a webcam's), hearing the speakers.
    QStringLiteral("load-module module-remap-source source_name=webcam master=speakers.monitor "
                   "source_properties=device.description=Webcam"),
    QStringLiteral("set-default-sink speakers"),
    QStringLiteral("set-default-source microphone"),
};

// The index of the combo entry whose text is `text` (-1: none).
int entry(const QComboBox* combo, const QString& text) { return combo->findText(text); }

// Whether some stream of `streams` (sink-inputs, source-outputs) runs on
// the device named `name` of `devices` (sinks, sources), per pactl.
bool streamOn(const parley::test::PulseServer& pulse, const QString& streams,
              const QString& devices, const QString& name) {
  const int index = pulse.indexOf(devices, name);
  const QString key =
      devices == QLatin1String("sinks") ? QStringLiteral("sink") : QStringLiteral("source");
  for (const auto& v : pulse.list(streams)) {
    if (index >= 0 && v.toObject().value(key).toInt() == index) {
      return true;
    }
  }
  return false;
}

bool playsOn(const parley::test::PulseServer& pulse, const QString& sink) {
  return streamOn(pulse, QStringLiteral("sink-inputs"), QStringLiteral("sinks"), sink);
}

bool recordsFrom(const parley::test::PulseServer& pulse, const QString& source) {
  return streamOn(pulse, QStringLiteral("source-outputs"), QStringLiteral("sources"), source);
}

// Plays a 440 Hz tone into the "room" sink, which the microphone hears,
// until the process is ended (pacat reads raw samples from its stdin).
class RoomTone {
 public:
  explicit RoomTone(const parley::test::PulseServer& pulse) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PULSE_SERVER"), pulse.server());
    pacat_.setProcessEnvironment(env);
    pacat_.start(QStringLiteral("pacat"),
                 {QStringLiteral("--playback"), QStringLiteral("--device=room"),
                  QStringLiteral("--raw"), QStringLiteral("--format=s16le"),
                  QStringLiteral("--rate=48000"), QStringLiteral("--channels=1")});
    // Ten seconds of tone: longer than any check that listens for it.
    QByteArray pcm(48000 * 10 * 2, '\0');
    auto* samples = reinterpret_cast<std::int16_t*>(pcm.data());
    for (int i = 0; i < 48000 * 10; ++i) {
      samples[i] = static_cast<std::int16_t>(12000 * std::sin(2 * M_PI * 440.0 * i / 48000.0));
    }
    if (pacat_.waitForStarted(10000)) {
      pacat_.write(pcm);
    }
  }
  ~RoomTone() {
    pacat_.kill();  // by the PID QProcess started
    pacat_.waitForFinished(5000);
  }
  RoomTone(const RoomTone&) = delete;
  RoomTone& operator=(const RoomTone&) = delete;

 private:
  QProcess pacat_;
};

std::unique_ptr<media::VideoSource> syntheticCamera() {
  auto source = media::SyntheticSource::create(640, 360, 30);
  return source ? std::move(*source) : nullptr;
}

}  // namespace

class DevicesGuiTest : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase();
  void cleanupTestCase();
  void pickersListTheDevicesAndSaveTheChoice();
  void meterHearsTheMicrophone();
  void testSoundPlaysThroughTheChosenSpeakers();
  void previewShowsTheCamera();
  void meetingFollowsAHeadsetAndTheChoice();

 private:
  // The settings dialog on its Sound and camera tab.
  std::unique_ptr<SettingsDialog> devicesTab(SettingsStore& store, MemorySecretStore& secrets);

  parley::test::PulseServer pulse_;
  std::unique_ptr<parley::test::ServerFixture> server_;
};

void DevicesGuiTest::initTestCase() {
  // Before anything asks Qt Multimedia for a device: it then talks to this
  // daemon only.
  const QString why = pulse_.start(kLaptop);
  QVERIFY2(why.isEmpty(), qPrintable(why));
  server_ = std::make_unique<parley::test::ServerFixture>();
  server_->start();
}

void DevicesGuiTest::cleanupTestCase() { server_.reset(); }

std::unique_ptr<SettingsDialog> DevicesGuiTest::devicesTab(SettingsStore& store,
                                                           MemorySecretStore& secrets) {
  auto dialog = std::make_unique<SettingsDialog>(store, secrets, nullptr);
  dialog->showTab(SettingsDialog::DevicesTab);
  dialog->show();
  return dialog;
}

void DevicesGuiTest::pickersListTheDevicesAndSaveTheChoice() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  auto dialog = devicesTab(store, secrets);
  auto* microphones = child<QComboBox>(dialog.get(), "microphonePicker");
  auto* speakers = child<QComboBox>(dialog.get(), "speakersPicker");
  QVERIFY(microphones && speakers);
  QTRY_VERIFY_WITH_TIMEOUT(entry(microphones, QStringLiteral("Microphone")) >= 0, kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(entry(speakers, QStringLiteral("Speakers")) >= 0, kWaitMs);
  QCOMPARE(microphones->currentText(), QStringLiteral("System default (Microphone)"));
  QCOMPARE(speakers->currentText(), QStringLiteral("System default (Speakers)"));
  const QStringList unnamed = parley::test::unnamedControls(dialog.get());
  QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
  const QStringList untabbable = parley::test::untabbableControls(dialog.get());
  QVERIFY2(untabbable.isEmpty(), qPrintable(untabbable.join(QStringLiteral(", "))));

  // A headset plugged in while the dialog is open appears in the list.
  const QString module =
      pulse_
          .pactl({QStringLiteral("load-module"), QStringLiteral("module-null-sink"),
                  QStringLiteral("sink_name=headset"),
                  QStringLiteral("sink_properties=device.description=Headset")})
          .trimmed();
  QVERIFY(!module.isEmpty());
  QTRY_VERIFY_WITH_TIMEOUT(entry(speakers, QStringLiteral("Headset")) >= 0, kWaitMs);
  speakers->setCurrentIndex(entry(speakers, QStringLiteral("Headset")));
  microphones->setCurrentIndex(entry(microphones, QStringLiteral("Microphone")));
  QVERIFY(dialog->save());

  const ConnectionSettings saved = store.load().settings;
  QCOMPARE(saved.speakers, QStringLiteral("headset"));
  QCOMPARE(saved.microphone, QStringLiteral("microphone"));
  QVERIFY(saved.camera.isEmpty());
  dialog.reset();

  // Unplugged: the saved choice is still shown as the choice (and kept),
  // marked as not connected.
  QVERIFY(!pulse_.pactl({QStringLiteral("unload-module"), module}).isEmpty());
  auto again = devicesTab(store, secrets);
  again->setSettings(saved);
  auto* speakers_again = child<QComboBox>(again.get(), "speakersPicker");
  QTRY_COMPARE_WITH_TIMEOUT(speakers_again->currentText(),
                            QStringLiteral("headset (not connected)"), kWaitMs);
  QCOMPARE(again->settings().speakers, QStringLiteral("headset"));
}

void DevicesGuiTest::meterHearsTheMicrophone() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  auto dialog = devicesTab(store, secrets);
  auto* meter = child<QProgressBar>(dialog.get(), "inputMeter");
  QVERIFY(meter);
  {
    const RoomTone tone(pulse_);
    QTRY_VERIFY_WITH_TIMEOUT(meter->value() > 50, kWaitMs);
  }
  // The tone ended: the meter falls back (a null sink's monitor is silence).
  QTRY_VERIFY_WITH_TIMEOUT(meter->value() == 0, kWaitMs);
  // Off the tab, the microphone is let go.
  dialog->showTab(SettingsDialog::ServerTab);
  QTRY_VERIFY_WITH_TIMEOUT(!recordsFrom(pulse_, QStringLiteral("microphone")), kWaitMs);
}

void DevicesGuiTest::testSoundPlaysThroughTheChosenSpeakers() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  auto dialog = devicesTab(store, secrets);
  auto* speakers = child<QComboBox>(dialog.get(), "speakersPicker");
  auto* play = child<QPushButton>(dialog.get(), "testSoundButton");
  auto* status = child<QLabel>(dialog.get(), "speakersStatus");
  QVERIFY(speakers && play && status);
  QTRY_VERIFY_WITH_TIMEOUT(entry(speakers, QStringLiteral("Room")) >= 0, kWaitMs);
  speakers->setCurrentIndex(entry(speakers, QStringLiteral("Room")));
  QVERIFY(!playsOn(pulse_, QStringLiteral("room")));
  QTest::mouseClick(play, Qt::LeftButton);
  QCOMPARE(status->text(), QStringLiteral("Playing…"));
  QTRY_VERIFY_WITH_TIMEOUT(playsOn(pulse_, QStringLiteral("room")), kWaitMs);
  QVERIFY(!playsOn(pulse_, QStringLiteral("speakers")));
  // About a second later it has played out and lets the device go.
  QTRY_VERIFY_WITH_TIMEOUT(status->text().isEmpty(), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(!playsOn(pulse_, QStringLiteral("room")), kWaitMs);
}

void DevicesGuiTest::previewShowsTheCamera() {
  parley::test::TempSettings tmp;
  SettingsStore store(tmp.file());
  MemorySecretStore secrets;
  auto dialog = std::make_unique<SettingsDialog>(store, secrets, nullptr);
  dialog->setTestCamera(syntheticCamera);
  dialog->showTab(SettingsDialog::DevicesTab);
  dialog->show();
  auto* preview = child<CameraPreview>(dialog.get(), "cameraPreview");
  QVERIFY(preview);
  QTRY_VERIFY_WITH_TIMEOUT(preview->framesShown() >= 3, kWaitMs);
  QVERIFY(!preview->pixmap().isNull());
  {
    // The whole tab at work, for docs/screenshots: someone speaking, the
    // picture showing.
    const RoomTone tone(pulse_);
    auto* meter = child<QProgressBar>(dialog.get(), "inputMeter");
    QTRY_VERIFY_WITH_TIMEOUT(meter->value() > 50, kWaitMs);
    parley::test::screenshot(dialog.get(), QStringLiteral("settings-sound-and-camera"));
  }
  dialog->showTab(SettingsDialog::ServerTab);
  QTRY_VERIFY_WITH_TIMEOUT(preview->pixmap().isNull(), kWaitMs);
}

void DevicesGuiTest::meetingFollowsAHeadsetAndTheChoice() {
  parley::test::TempSettings tmp;
  MemorySecretStore secrets;
  AppController app(AppController::Options(tmp.file(), &secrets));  // the real devices
  app.prefill(parley::test::loopbackSettings(*server_, QStringLiteral("alice"),
                                             QStringLiteral("devices")),
              QStringLiteral("alice-pw"));
  app.show();
  app.signIn();
  QTRY_VERIFY_WITH_TIMEOUT(app.meetingWindow() != nullptr && app.meetingWindow()->isVisible(),
                           kWaitMs);
  auto* mute = app.meetingWindow()->findChild<QAction*>(QStringLiteral("muteAction"));
  QVERIFY(mute);
  QTRY_VERIFY_WITH_TIMEOUT(mute->isEnabled(), kWaitMs);
  QVERIFY2(mute->toolTip().contains(QStringLiteral("Microphone")), qPrintable(mute->toolTip()));
  QCOMPARE(app.media()->speakerName(), QStringLiteral("Speakers"));
  QTRY_VERIFY_WITH_TIMEOUT(playsOn(pulse_, QStringLiteral("speakers")), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(recordsFrom(pulse_, QStringLiteral("microphone")), kWaitMs);

  // A headset is plugged in and the desktop makes it the default: the call
  // moves to it without leaving.
  const QString module =
      pulse_
          .pactl({QStringLiteral("load-module"), QStringLiteral("module-null-sink"),
                  QStringLiteral("sink_name=headset2"),
                  QStringLiteral("sink_properties=device.description=Headset")})
          .trimmed();
  QVERIFY(!module.isEmpty());
  QVERIFY(
      !pulse_.pactl({QStringLiteral("set-default-sink"), QStringLiteral("headset2")}).isEmpty());
  QTRY_COMPARE_WITH_TIMEOUT(app.media()->speakerName(), QStringLiteral("Headset"), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(playsOn(pulse_, QStringLiteral("headset2")), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(!playsOn(pulse_, QStringLiteral("speakers")), kWaitMs);
  QVERIFY(app.meetingWindow()->isVisible());

  // Pulled out: back to the speakers.
  QVERIFY(!pulse_.pactl({QStringLiteral("unload-module"), module}).isEmpty());
  QTRY_COMPARE_WITH_TIMEOUT(app.media()->speakerName(), QStringLiteral("Speakers"), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(playsOn(pulse_, QStringLiteral("speakers")), kWaitMs);

  // Another microphone chosen in the settings mid-meeting is used at once.
  SettingsDialog* settings = app.openSettings(SettingsDialog::DevicesTab);
  auto* microphones = child<QComboBox>(settings, "microphonePicker");
  QVERIFY(microphones);
  const QString other = QStringLiteral("Webcam");
  QTRY_VERIFY_WITH_TIMEOUT(entry(microphones, other) >= 0, kWaitMs);
  microphones->setCurrentIndex(entry(microphones, other));
  QVERIFY(settings->save());
  settings->close();
  QTRY_VERIFY_WITH_TIMEOUT(mute->toolTip().contains(other), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(recordsFrom(pulse_, QStringLiteral("webcam")), kWaitMs);
  QTRY_VERIFY_WITH_TIMEOUT(!recordsFrom(pulse_, QStringLiteral("microphone")), kWaitMs);
  QVERIFY(app.meetingWindow()->isVisible());
}

QTEST_MAIN(DevicesGuiTest)
#include "devices_gui_test.moc"
