#pragma once
// DevicesPage: the settings dialog's "Sound and camera" tab. A picker each
// for microphone, speakers and camera ("System default" first, then what the
// desktop has now, kept current as devices come and go), a live input meter
// for the chosen microphone, "Play a test sound" through the chosen speakers
// and a preview of the chosen camera. The checks run only while the tab is
// shown, so the dialog does not hold the devices otherwise.
//
// Threads: GUI thread.

#include <QString>
#include <QWidget>
#include <functional>
#include <memory>

#include "media/video/video_source.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace parley::ui {

class CameraPreview;
class DeviceWatch;
class MicrophoneCheck;
class TestSound;

struct DeviceChoice {
  QString microphone;  // device ids; empty: the system's default
  QString speakers;
  QString camera;
};

class DevicesPage final : public QWidget {
  Q_OBJECT
 public:
  explicit DevicesPage(QWidget* parent = nullptr);
  ~DevicesPage() override;

  void setChoice(const DeviceChoice& choice);
  [[nodiscard]] DeviceChoice choice() const;
  // A camera that replaces the real one in the preview (tests, the demo),
  // as the meeting's MediaDeviceOptions::camera does.
  void setTestCamera(std::function<std::unique_ptr<media::VideoSource>()> camera);
  // Lets the microphone, speakers and camera go (also when hidden).
  void stopChecks();

 protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

 private:
  void refreshLists();
  void startChecks();
  void startMicrophoneCheck();
  void startCameraPreview();
  void playTestSound();

  DeviceWatch* watch_ = nullptr;
  QComboBox* microphone_ = nullptr;
  QComboBox* speakers_ = nullptr;
  QComboBox* camera_ = nullptr;
  QProgressBar* meter_ = nullptr;
  QLabel* microphone_status_ = nullptr;
  QPushButton* test_sound_ = nullptr;
  QLabel* speakers_status_ = nullptr;
  CameraPreview* preview_ = nullptr;
  MicrophoneCheck* check_ = nullptr;
  TestSound* sound_ = nullptr;
  std::function<std::unique_ptr<media::VideoSource>()> test_camera_;
  class CameraFeed* feed_ = nullptr;
  bool checking_ = false;
};

// The meter's fill (0..100) for a level in -dBov: -60 dBov and quieter is
// empty, 0 dBov full.
int meterPercent(int dbov);

}  // namespace parley::ui
