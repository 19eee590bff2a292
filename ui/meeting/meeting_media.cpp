#include "ui/meeting/meeting_media.h"

#include "ui/meeting/reception_details.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>

#include "core/base/clock.h"
#include "media/engine/file_audio_devices.h"
#include "media/video/frame_convert.h"
#include "media/video/portal_screen_capture.h"
#include "ui/devices/camera_source.h"
#include "ui/devices/device_choice.h"
#include "ui/devices/device_watch.h"
#include "ui/devices/qt_audio_devices.h"
#include "ui/devices/sound_device_follower.h"

namespace parley::ui {

// Remote pictures between the decode thread and the GUI thread: the newest
// QImage per (user, screen), and which of them has a delivery queued, so a
// GUI that is behind gets one delivery with the newest picture instead of a
// queue of stale ones. The converter is the decode thread's only.
// It is also the only way the call's threads reach the media object: the
// call may outlive it (RetiredCall, stopped on a worker thread), so they
// post to `owner` only while it is set, and retire() clears it.
struct MeetingMedia::Handoff {
  media::FrameConverter converter;  // decode thread
  std::mutex mu;
  std::map<std::pair<QString, bool>, QImage> latest;  // guarded by mu
  std::set<std::pair<QString, bool>> queued;          // guarded by mu
  // The largest size each picture is shown at (absent or 0: full size).
  std::map<std::pair<std::string, bool>, media::PictureSize> areas;  // guarded by mu

  // Queues `f(owner)` to the GUI thread unless the media was retired. The
  // lock is held while posting, so retire() cannot pass in between; an
  // event queued before the owner is destroyed dies with it (Qt drops it).
  template <typename F>
  void post(F f) {
    std::lock_guard lock(owner_mu);
    if (owner != nullptr) {
      MeetingMedia* target = owner;
      QMetaObject::invokeMethod(
          target, [target, f = std::move(f)]() mutable { f(*target); }, Qt::QueuedConnection);
    }
  }
  std::mutex owner_mu;
  MeetingMedia* owner = nullptr;  // guarded by owner_mu
};

RetiredCall::RetiredCall() = default;

RetiredCall::~RetiredCall() {
  if (starting.valid()) {
    starting.wait();  // the start uses the call
  }
  if (call) {
    call->stop();  // joins the engine and the video threads: no sink runs after this
  }
  call.reset();
  input.reset();
  output.reset();
  audio_thread.reset();
}

bool samePeerOptions(const MediaDeviceOptions& a, const MediaDeviceOptions& b) {
  return a.ice_interfaces == b.ice_interfaces && a.ice_exclude == b.ice_exclude &&
         a.peer_to_peer == b.peer_to_peer && a.hide_local_addresses == b.hide_local_addresses;
}

OpenedDevices::OpenedDevices() = default;
OpenedDevices::~OpenedDevices() = default;
OpenedDevices::OpenedDevices(OpenedDevices&&) noexcept = default;
OpenedDevices& OpenedDevices::operator=(OpenedDevices&&) noexcept = default;

OpenedDevices MeetingMedia::openDevices(const MediaDeviceOptions& options) {
  OpenedDevices d;
  if (options.audio_input) {
    d.input = options.audio_input();
    d.microphone = tr("test input");
  }
  if (options.audio_output) {
    d.output = options.audio_output();
    d.speakers = tr("test output");
  }
  if ((!d.input || !d.output) && !options.no_sound_devices) {
    // Qt documents no thread for QMediaDevices' static lookups (they hand
    // out plain QAudioDevice values); the QAudioSource/QAudioSink themselves
    // are made on the device thread, which they then live on.
    d.audio_thread = std::make_unique<AudioDeviceThread>();
    QString why;
    if (!d.input) {
      if (auto mic = QtAudioInput::open(*d.audio_thread,
                                        chosenMicrophone(options.microphone_choice), &why)) {
        d.microphone = mic->description();
        d.microphone_id = mic->deviceId();
        d.input = std::move(mic);
      }
    }
    if (!d.output) {
      if (auto out =
              QtAudioOutput::open(*d.audio_thread, chosenSpeakers(options.speakers_choice), &why)) {
        d.speakers = out->description();
        d.speakers_id = out->deviceId();
        d.output = std::move(out);
      }
    }
  }
  if (!options.camera) {
    // A value (QCameraDevice is a plain shared description), used later on
    // the GUI thread to make the QCamera there, where Qt wants it.
    d.camera = chosenCamera(options.camera_choice);
  }
  return d;
}

MeetingMedia::MeetingMedia(asio::any_io_executor executor, MediaDeviceOptions options,
                           OpenedDevices devices, QObject* parent)
    : QObject(parent),
      options_(std::move(options)),
      microphone_(std::move(devices.microphone)),
      speakers_(std::move(devices.speakers)),
      audio_thread_(std::move(devices.audio_thread)),
      input_(std::move(devices.input)),
      output_(std::move(devices.output)),
      handoff_(std::make_shared<Handoff>()),
      camera_(devices.camera) {  // QCameraDevice: shared, copied
  handoff_->owner = this;        // no other thread has the handoff yet
  state_.audio_muted = true;
  state_.video_decoders = {"VP9", "VP8"};

  const bool real_devices = !options_.audio_input && !microphone_.isEmpty() && !speakers_.isEmpty();
  if (!options_.no_sound_devices && audio_thread_) {
    // Real devices: followed as they come and go (a microphone plugged in
    // later is taken up, so the switch is there even with none yet).
    follower_ = new SoundDeviceFollower(audio_thread_, this);
    connect(follower_, &SoundDeviceFollower::changed, this, &MeetingMedia::soundDevicesSwitched);
    if (!options_.audio_input) {
      input_ = follower_->followMicrophone(std::move(input_), devices.microphone_id, microphone_,
                                           options_.microphone_choice);
    }
    if (!options_.audio_output) {
      output_ = follower_->followSpeakers(std::move(output_), devices.speakers_id, speakers_,
                                          options_.speakers_choice);
    }
    // Devices opened ahead for an older choice, or changed since: now.
    follower_->setChoice(options_.microphone_choice, options_.speakers_choice);
  }
  if (!options_.camera) {
    auto* cameras = new DeviceWatch(false, true, this);
    connect(cameras, &DeviceWatch::videoInputsChanged, this, &MeetingMedia::followCamera);
  }
  if (!input_) {
    input_ = std::make_unique<media::SilentInput>();
  }
  if (!output_) {
    output_ = std::make_unique<media::NullOutput>();
  }
  // Unmuted when there is something to hear from us.
  state_.audio_muted = microphone_.isEmpty();

  client::CallConfig config;
  // A microphone next to speakers hears the meeting: cancel that echo.
  config.audio.echo_cancellation = real_devices;
  config.peer_enabled = options_.peer_to_peer;
  config.peer.interfaces.allow = options_.ice_interfaces;
  config.peer.interfaces.deny.insert(config.peer.interfaces.deny.end(),
                                     options_.ice_exclude.begin(), options_.ice_exclude.end());
  config.peer.hide_local_addresses = options_.hide_local_addresses;
  call_ = std::make_unique<client::Call>(std::move(executor), config, *input_, *output_,
                                         SystemClock::instance());
  call_->setRemoteVideoSink(
      [handoff = handoff_](const std::string& user, bool screen, const media::VideoFrame& frame) {
        // Decode thread; the call may outlive this object (retire()), so only
        // the shared handoff is used here.
        media::PictureSize area;
        {
          std::lock_guard lock(handoff->mu);
          if (auto it = handoff->areas.find({user, screen}); it != handoff->areas.end()) {
            area = it->second;
          }
        }
        const auto size = media::fitWithin(frame.width(), frame.height(), area.width, area.height);
        auto rgba =
            handoff->converter.fromI420(frame, media::PixelFormat::Rgba, size.width, size.height);
        if (!rgba) {
          return;
        }
        auto* pixels = new media::PackedImage(std::move(*rgba));
        QImage image(
            pixels->pixels.data(), pixels->width, pixels->height, pixels->stride(),
            QImage::Format_RGBA8888, [](void* p) { delete static_cast<media::PackedImage*>(p); },
            pixels);
        const auto key = std::make_pair(QString::fromStdString(user), screen);
        {
          std::lock_guard lock(handoff->mu);
          handoff->latest[key] = std::move(image);
          if (!handoff->queued.insert(key).second) {
            return;  // a delivery is already on its way; it will carry this picture
          }
        }
        handoff->post([key](MeetingMedia& self) { self.deliverQueued(key.first, key.second); });
      });
  call_->setPathObserver([handoff = handoff_](client::MediaPath path) {
    handoff->post([name = QString::fromStdString(client::mediaPathName(path))](MeetingMedia& self) {
      if (name != self.path_) {
        self.path_ = name;
        Q_EMIT self.pathChanged(name);
      }
    });
  });
  level_timer_.setInterval(100);
  connect(&level_timer_, &QTimer::timeout, this, [this] {
    if (started_) {
      Q_EMIT inputLevel(call_->inputLevelDbov());
    }
  });
  stats_timer_.setInterval(1000);
  connect(&stats_timer_, &QTimer::timeout, this, [this] {
    if (!started_) {
      return;
    }
    call_->stats([handoff = handoff_](client::CallStats stats) {
      handoff->post([stats = std::move(stats)](MeetingMedia& self) { self.onStats(stats); });
    });
  });
}

MeetingMedia::~MeetingMedia() {
  retire().reset();  // stops the call here, on this thread
}

std::unique_ptr<RetiredCall> MeetingMedia::retire() {
  {
    std::lock_guard lock(handoff_->owner_mu);
    handoff_->owner = nullptr;  // the call's threads post nothing here after this
  }
  stats_timer_.stop();
  level_timer_.stop();
  if (camera_feed_ != nullptr) {
    camera_feed_->stop();  // a QCamera: stopped on its (the GUI) thread
  }
  ++share_generation_;  // a capture still opening is dropped
  withdrawPortalQuestion();
  started_ = false;
  if (follower_ != nullptr) {
    follower_->stop();  // the switches go with the call
  }
  auto retired = std::make_unique<RetiredCall>();
  retired->starting = std::move(starting_);
  retired->call = std::move(call_);
  retired->input = std::move(input_);
  retired->output = std::move(output_);
  retired->audio_thread = std::move(audio_thread_);
  return retired;
}

void MeetingMedia::start(std::function<void(const QString& why)> done) {
  // Nothing else touches the call until started() runs on the GUI thread.
  // The worker uses the call and the handoff only: a Cancel meanwhile
  // retires the media without waiting, and the RetiredCall waits for this.
  auto start = [call = call_.get(), handoff = handoff_, done = std::move(done)]() mutable {
    auto ok = call->start();
    const QString why = ok ? QString() : QString::fromStdString(ok.error().toString());
    handoff->post([why, done = std::move(done)](MeetingMedia& self) { self.started(why, done); });
  };
#ifdef Q_OS_WIN
  // As AppController::prepareMedia(): Qt Multimedia's Windows backend is
  // used from the GUI thread only.
  start();
#else
  starting_ = std::async(std::launch::async, std::move(start));
#endif
}

void MeetingMedia::started(const QString& why, const std::function<void(const QString&)>& done) {
  if (why.isEmpty()) {
    call_->setMuted(state_.audio_muted);
    started_ = true;
    stats_timer_.start();
    level_timer_.start();
  }
  done(why);
}

bool MeetingMedia::cameraAvailable() const {
  return static_cast<bool>(options_.camera) || !camera_.isNull();
}

QString MeetingMedia::cameraName() const {
  if (options_.camera) {
    return tr("test camera");
  }
  return camera_.description();
}

void MeetingMedia::setDeviceChoice(const QString& microphone, const QString& speakers,
                                   const QString& camera) {
  options_.microphone_choice = microphone;
  options_.speakers_choice = speakers;
  options_.camera_choice = camera;
  if (follower_ != nullptr) {
    follower_->setChoice(microphone, speakers);
  }
  followCamera();
}

void MeetingMedia::setPictureArea(const QString& user, bool screen, QSize device_pixels) {
  std::lock_guard lock(handoff_->mu);
  handoff_->areas[{user.toStdString(), screen}] =
      media::PictureSize{device_pixels.width(), device_pixels.height()};
}

void MeetingMedia::soundDevicesSwitched() {
  if (!options_.audio_input) {
    microphone_ = follower_->microphoneName();
  }
  if (!options_.audio_output) {
    speakers_ = follower_->speakersName();
  }
  if (microphone_.isEmpty()) {
    setMuted(true);
  }
  Q_EMIT devicesChanged();
}

void MeetingMedia::followCamera() {
  if (options_.camera) {
    return;
  }
  const QCameraDevice wanted = chosenCamera(options_.camera_choice);
  if (wanted == camera_) {
    return;
  }
  camera_ = wanted;
  const bool was_on = state_.camera_on;
  if (camera_feed_ != nullptr) {
    (void)setCameraOn(false);
    delete camera_feed_;  // made again for the new device when next turned on
    camera_feed_ = nullptr;
  }
  if (was_on && !camera_.isNull()) {
    if (const QString why = setCameraOn(true); !why.isEmpty()) {
      Q_EMIT cameraEnded(why);
    }
  }
  Q_EMIT devicesChanged();
}

void MeetingMedia::setMuted(bool muted) {
  if (microphone_.isEmpty()) {
    muted = true;  // nothing to unmute: say so rather than pretend
  }
  if (call_ && started_) {
    call_->setMuted(muted);
  }
  if (state_.audio_muted != muted) {
    state_.audio_muted = muted;
    Q_EMIT stateChanged(state_);
  }
}

QString MeetingMedia::setCameraOn(bool on) {
  if (!started_) {
    return tr("media is not running");
  }
  if (!on) {
    if (camera_feed_ != nullptr) {
      camera_feed_->stop();
    }
    call_->setCameraSource(nullptr);
    if (state_.camera_on) {
      state_.camera_on = false;
      Q_EMIT stateChanged(state_);
    }
    return {};
  }
  std::unique_ptr<media::VideoSource> source;
  QString why;
  if (options_.camera) {
    source = options_.camera();
    if (!source) {
      why = tr("the test camera did not start");
    }
  } else {
    if (camera_feed_ == nullptr) {
      camera_feed_ = new CameraFeed(camera_, this);
      connect(camera_feed_, &CameraFeed::failed, this, [this](const QString& reason) {
        (void)setCameraOn(false);
        Q_EMIT cameraEnded(reason);
      });
    }
    source = camera_feed_->start(&why);
  }
  if (!source) {
    return why;
  }
  call_->setCameraSource(std::move(source));
  if (!state_.camera_on) {
    state_.camera_on = true;
    Q_EMIT stateChanged(state_);
  }
  return {};
}

void MeetingMedia::startSharing(const media::ShareableTarget& target, const QString& display,
                                std::function<void(const QString& why)> done) {
  if (!started_) {
    done(tr("media is not running"));
    return;
  }
  media::ScreenCaptureOptions capture;
  capture.display = display.toStdString();
  if (target.kind == media::ShareableTarget::Kind::Window) {
    capture.window_id = target.id;
  }
  // Opening x11grab is X round trips (more on a remote or busy X server):
  // a worker thread's, so the window never waits on the X server. The
  // capture is then used only by the call's screen sender thread.
  openSharing(
      [capture]() -> Result<std::unique_ptr<media::VideoSource>> {
        auto source = media::ScreenCapture::open(capture);
        if (!source) {
          return makeError(std::move(source).error());
        }
        return std::unique_ptr<media::VideoSource>(std::move(*source));
      },
      QString::fromStdString(target.name), std::move(done));
}

void MeetingMedia::startPortalSharing(std::function<void(const QString& why)> done) {
  if (!started_) {
    done(tr("media is not running"));
    return;
  }
  withdrawPortalQuestion();
  media::PortalCaptureOptions options;
  options.restore_token = portal_restore_token_;
  portal_withdraw_ = std::make_shared<std::atomic<bool>>(false);
  options.withdraw = portal_withdraw_;
  // The worker waits while the desktop's chooser is open (the person may
  // take a while); the window stays responsive meanwhile.
  openSharing(
      [self = QPointer<MeetingMedia>(this),
       options]() -> Result<std::unique_ptr<media::VideoSource>> {
        auto source = media::PortalScreenCapture::open(options);
        if (!source) {
          return makeError(std::move(source).error());
        }
        const std::string token = (*source)->restoreToken();
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [self, token] {
              if (self && !token.empty()) {
                self->portal_restore_token_ = token;
              }
            },
            Qt::QueuedConnection);
        return std::unique_ptr<media::VideoSource>(std::move(*source));
      },
      tr("your screen (chosen on the desktop)"), std::move(done));
}

void MeetingMedia::openSharing(std::function<Result<std::unique_ptr<media::VideoSource>>()> open,
                               const QString& name, std::function<void(const QString&)> done) {
  const std::uint64_t generation = ++share_generation_;
  QThreadPool::globalInstance()->start([self = QPointer<MeetingMedia>(this), open = std::move(open),
                                        name, generation, done = std::move(done)] {
    auto source = std::make_shared<Result<std::unique_ptr<media::VideoSource>>>(open());
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [self, source, name, generation, done] {
          // Stopped (or started again) meanwhile: the capture just closes.
          if (self && self->share_generation_ == generation) {
            self->sharingOpened(std::move(*source), name, done);
          }
        },
        Qt::QueuedConnection);
  });
}

void MeetingMedia::sharingOpened(Result<std::unique_ptr<media::VideoSource>> source,
                                 const QString& name,
                                 const std::function<void(const QString&)>& done) {
  if (!source) {
    done(QString::fromStdString(source.error().detail));
    return;
  }
  call_->setScreenSource(std::move(*source));
  sharing_name_ = name;
  if (!state_.sharing_screen) {
    state_.sharing_screen = true;
    Q_EMIT stateChanged(state_);
  }
  done({});
}

void MeetingMedia::withdrawPortalQuestion() {
  if (portal_withdraw_) {
    portal_withdraw_->store(true);
    portal_withdraw_.reset();
  }
}

void MeetingMedia::stopSharing() {
  ++share_generation_;  // a capture still opening is not used
  withdrawPortalQuestion();
  if (call_ && started_) {
    call_->setScreenSource(nullptr);
  }
  sharing_name_.clear();
  if (state_.sharing_screen) {
    state_.sharing_screen = false;
    Q_EMIT stateChanged(state_);
  }
}

void MeetingMedia::onStats(const client::CallStats& stats) {
  const QString path = QString::fromStdString(stats.path);
  if (path != path_) {
    path_ = path;
    Q_EMIT pathChanged(path);
  }
  Q_EMIT receptionChanged(receptionDetails(stats));
  // Speech is louder than -45 dBov; the loudest such voice is the speaker.
  constexpr int kSpeechDbov = 45;
  QString speaker;
  int loudest = kSpeechDbov + 1;
  for (const auto& s : stats.streams) {
    if (s.kind == "audio" && !s.user.empty() && s.loudest_dbov < loudest) {
      loudest = s.loudest_dbov;
      speaker = QString::fromStdString(s.user);
    }
  }
  Q_EMIT activeSpeaker(speaker);
  // The screen's sender comes last; one that ended (window closed) stops the share.
  if (state_.sharing_screen && !stats.senders.empty() && !stats.senders.back().error.empty()) {
    const QString reason = QString::fromStdString(stats.senders.back().error);
    stopSharing();
    Q_EMIT sharingEnded(reason);
  }
}

void MeetingMedia::deliverQueued(const QString& user, bool screen) {
  QImage image;
  {
    std::lock_guard lock(handoff_->mu);
    const auto key = std::make_pair(user, screen);
    handoff_->queued.erase(key);
    auto it = handoff_->latest.find(key);
    if (it == handoff_->latest.end()) {
      return;
    }
    image = std::move(it->second);
    handoff_->latest.erase(it);
  }
  Q_EMIT remoteVideo(user, screen, image);
}

}  // namespace parley::ui
