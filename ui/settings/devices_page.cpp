#include "ui/settings/devices_page.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaDevices>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/devices/camera_preview.h"
#include "ui/devices/camera_source.h"
#include "ui/devices/device_choice.h"
#include "ui/devices/device_watch.h"
#include "ui/devices/microphone_check.h"
#include "ui/devices/test_sound.h"

namespace parley::ui {
namespace {

constexpr int kMeterFloorDbov = 60;

QComboBox* picker(QWidget* parent, const char* name, const QString& accessible) {
  auto* combo = new QComboBox(parent);
  combo->setObjectName(QString::fromLatin1(name));
  combo->setAccessibleName(accessible);
  combo->view()->setAccessibleName(accessible);
  combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  combo->setMinimumContentsLength(30);
  return combo;
}

// Fills `combo` with "System default (…)" and `devices`, keeping `keep` (the
// choice on screen) selected, listed as not connected when it is gone.
template <typename Device>
void fill(QComboBox* combo, const QList<Device>& devices, const Device& fallback,
          const QString& keep) {
  const QSignalBlocker quiet(combo);
  combo->clear();
  combo->addItem(fallback.isNull()
                     ? DevicesPage::tr("System default (none found)")
                     : DevicesPage::tr("System default (%1)").arg(fallback.description()),
                 QString());
  for (const auto& device : devices) {
    combo->addItem(device.description(), choiceOf(device));
  }
  int index = combo->findData(keep);
  if (index < 0) {
    combo->addItem(DevicesPage::tr("%1 (not connected)").arg(keep), keep);
    index = combo->count() - 1;
  }
  combo->setCurrentIndex(index);
}

}  // namespace

int meterPercent(int dbov) {
  return std::clamp((kMeterFloorDbov - dbov) * 100 / kMeterFloorDbov, 0, 100);
}

DevicesPage::DevicesPage(QWidget* parent) : QWidget(parent) {
  watch_ = new DeviceWatch(true, true, this);
  check_ = new MicrophoneCheck(this);
  sound_ = new TestSound(this);

  microphone_ = picker(this, "microphonePicker", tr("Microphone"));
  speakers_ = picker(this, "speakersPicker", tr("Speakers"));
  camera_ = picker(this, "cameraPicker", tr("Camera"));

  meter_ = new QProgressBar(this);
  meter_->setObjectName(QStringLiteral("inputMeter"));
  meter_->setAccessibleName(tr("Microphone level"));
  meter_->setRange(0, 100);
  meter_->setTextVisible(false);
  meter_->setMaximumHeight(12);
  microphone_status_ = new QLabel(this);
  microphone_status_->setObjectName(QStringLiteral("microphoneStatus"));
  microphone_status_->setWordWrap(true);
  microphone_status_->hide();

  test_sound_ = new QPushButton(tr("&Play a test sound"), this);
  test_sound_->setObjectName(QStringLiteral("testSoundButton"));
  speakers_status_ = new QLabel(this);
  speakers_status_->setObjectName(QStringLiteral("speakersStatus"));

  preview_ = new CameraPreview(this);
  preview_->setObjectName(QStringLiteral("cameraPreview"));
  preview_->setAccessibleName(tr("Camera preview"));

  auto* form = new QFormLayout;
  form->addRow(tr("&Microphone:"), microphone_);
  auto* level_row = new QHBoxLayout;
  level_row->addWidget(meter_, 1);
  level_row->addWidget(microphone_status_);
  form->addRow(tr("Level:"), level_row);
  auto* sound_row = new QHBoxLayout;
  sound_row->addWidget(test_sound_);
  sound_row->addWidget(speakers_status_, 1);
  form->addRow(tr("&Speakers:"), speakers_);
  form->addRow(QString(), sound_row);
  form->addRow(tr("&Camera:"), camera_);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(preview_, 1);
  auto* note = new QLabel(tr("Changes apply when saved, also in a meeting. With \"System "
                             "default\", a headset plugged in during a meeting is used at once, "
                             "and when it is pulled out the default takes over again."),
                          this);
  note->setWordWrap(true);
  layout->addWidget(note);

  connect(microphone_, &QComboBox::currentIndexChanged, this, [this] {
    if (checking_) {
      startMicrophoneCheck();
    }
  });
  connect(camera_, &QComboBox::currentIndexChanged, this, [this] {
    if (checking_) {
      startCameraPreview();
    }
  });
  connect(speakers_, &QComboBox::currentIndexChanged, this, [this] { sound_->stop(); });
  connect(test_sound_, &QPushButton::clicked, this, &DevicesPage::playTestSound);
  connect(sound_, &TestSound::finished, this, [this] { speakers_status_->clear(); });
  connect(check_, &MicrophoneCheck::level, this,
          [this](int dbov) { meter_->setValue(meterPercent(dbov)); });
  connect(watch_, &DeviceWatch::audioInputsChanged, this, &DevicesPage::refreshLists);
  connect(watch_, &DeviceWatch::audioOutputsChanged, this, &DevicesPage::refreshLists);
  connect(watch_, &DeviceWatch::videoInputsChanged, this, &DevicesPage::refreshLists);
  refreshLists();
}

DevicesPage::~DevicesPage() { stopChecks(); }

void DevicesPage::setChoice(const DeviceChoice& choice) {
  // What is checked now, by name ("System default (Headset)" names the
  // device behind the default too): a check restarts only when that changed.
  const QString microphone_before = microphone_->currentText();
  const QString camera_before = camera_->currentText();
  fill(microphone_, QMediaDevices::audioInputs(), QMediaDevices::defaultAudioInput(),
       choice.microphone);
  fill(speakers_, QMediaDevices::audioOutputs(), QMediaDevices::defaultAudioOutput(),
       choice.speakers);
  if (test_camera_) {
    const QSignalBlocker quiet(camera_);
    camera_->clear();
    camera_->addItem(tr("Test camera"), QString());
  } else {
    fill(camera_, QMediaDevices::videoInputs(), QMediaDevices::defaultVideoInput(), choice.camera);
  }
  if (checking_ && microphone_->currentText() != microphone_before) {
    startMicrophoneCheck();
  }
  if (checking_ && camera_->currentText() != camera_before) {
    startCameraPreview();
  }
}

DeviceChoice DevicesPage::choice() const {
  return DeviceChoice{microphone_->currentData().toString(), speakers_->currentData().toString(),
                      camera_->currentData().toString()};
}

void DevicesPage::setTestCamera(std::function<std::unique_ptr<media::VideoSource>()> camera) {
  test_camera_ = std::move(camera);
  setChoice(choice());
}

void DevicesPage::refreshLists() { setChoice(choice()); }

void DevicesPage::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  startChecks();
}

void DevicesPage::hideEvent(QHideEvent* event) {
  stopChecks();
  QWidget::hideEvent(event);
}

void DevicesPage::startChecks() {
  checking_ = true;
  startMicrophoneCheck();
  startCameraPreview();
}

void DevicesPage::stopChecks() {
  checking_ = false;
  check_->stop();
  sound_->stop();
  preview_->stop();
  if (feed_ != nullptr) {
    feed_->stop();
  }
  meter_->setValue(0);
}

void DevicesPage::startMicrophoneCheck() {
  meter_->setValue(0);
  const QString why = check_->start(chosenMicrophone(choice().microphone));
  microphone_status_->setText(why);
  microphone_status_->setVisible(!why.isEmpty());
}

void DevicesPage::startCameraPreview() {
  if (test_camera_) {
    preview_->start(test_camera_(), tr("The test camera did not start."));
    return;
  }
  delete feed_;
  feed_ = nullptr;
  const QCameraDevice device = chosenCamera(choice().camera);
  if (device.isNull()) {
    preview_->stop(tr("No camera found."));
    return;
  }
  feed_ = new CameraFeed(device, this);
  connect(feed_, &CameraFeed::failed, this, [this](const QString& reason) {
    preview_->stop(tr("The camera stopped: %1").arg(reason));
  });
  QString why;
  auto source = feed_->start(&why);
  preview_->start(std::move(source), tr("The camera could not start: %1").arg(why));
}

void DevicesPage::playTestSound() {
  const QString why = sound_->play(chosenSpeakers(choice().speakers));
  speakers_status_->setText(why.isEmpty() ? tr("Playing…") : why);
}

}  // namespace parley::ui
