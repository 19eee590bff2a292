#pragma once
// MeetingMedia: the media side of one sign-in in the desktop client. It owns
// the sound devices (Qt Multimedia, or "no microphone"/null output when
// there are none), the camera feed, the screen share and the client::Call
// that is the session's MediaLink. AppController creates it for each
// sign-in, starts it before the session and destroys it after the session
// has stopped. Decoded remote video arrives on the call's decode thread, is
// converted to a QImage there and handed to the GUI thread queued, keeping
// only the newest picture per tile when the GUI is behind.
//
//   QtAudioInput/Output --> Call (strand, engine, video threads) --> remote sink
//   CameraFeed / ScreenCapture --setCameraSource/setScreenSource-->   |
//                                                                      v
//                                           [newest QImage per tile] -> remoteVideo()
//
// Threads: GUI thread (the call's threads are its own), except
// openDevices() and the call's start, which block for tens of milliseconds
// (Qt Multimedia's device lookups, the sound server, the audio engine's
// set-up) and so run on a worker thread: the window never waits on them.
// Ownership: owned by AppController. retire() lets the call go as a
// RetiredCall, which the owner destroys on a worker thread (stopping joins
// the call's and the devices' threads: up to a second on a busy machine);
// after it, nothing the call's threads do reaches this object. Destroying
// the media without retire() stops the call in place.

#include <QByteArray>
#include <QCameraDevice>
#include <QImage>
#include <QObject>
#include <QSize>
#include <QString>
#include <QTimer>
#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <asio/any_io_executor.hpp>

#include "core/client/call/call.h"
#include "core/client/session_observer.h"
#include "media/engine/audio_device.h"
#include "media/video/screen_capture.h"
#include "media/video/video_source.h"

namespace parley::ui {

class AudioDeviceThread;
class CameraFeed;
class SoundDeviceFollower;

// Devices that replace the system's (tests, the demo). Any left empty is
// the real device.
struct MediaDeviceOptions {
  std::function<std::unique_ptr<media::AudioInput>()> audio_input;
  std::function<std::unique_ptr<media::AudioOutput>()> audio_output;
  std::function<std::unique_ptr<media::VideoSource>()> camera;
  // Skip Qt Multimedia's sound devices (no microphone, null output).
  bool no_sound_devices = false;
  // Peer paths: the interfaces host candidates come from (empty: every one
  // but loopback, link-local and container bridges; tests name "lo"),
  // interfaces never used, whether to try at all, and whether to offer
  // only public and relayed addresses (the user's settings).
  std::vector<std::string> ice_interfaces;
  std::vector<std::string> ice_exclude;
  bool peer_to_peer = true;
  bool hide_local_addresses = false;
  // The devices the user chose (ids, ui/devices/device_choice.h; empty: the
  // system's default). The real ones are followed while the call runs.
  QString microphone_choice;
  QString speakers_choice;
  QString camera_choice;
};

// The sound devices and the camera of one sign-in, found and opened by
// MeetingMedia::openDevices() on a worker thread, handed to the GUI thread.
struct OpenedDevices {
  OpenedDevices();
  ~OpenedDevices();
  OpenedDevices(OpenedDevices&&) noexcept;
  OpenedDevices& operator=(OpenedDevices&&) noexcept;

  // Declared first: destroyed last (the Qt sound devices live on it).
  std::shared_ptr<AudioDeviceThread> audio_thread;
  std::unique_ptr<media::AudioInput> input;
  std::unique_ptr<media::AudioOutput> output;
  QString microphone;        // empty: none
  QString speakers;          // empty: none
  QByteArray microphone_id;  // the Qt devices' ids (empty: test devices or none)
  QByteArray speakers_id;
  QCameraDevice camera;
};

// The call of a retired MeetingMedia with the devices it uses. Destroying it
// waits for a start still running, stops the call (joins the engine's, the
// video and the network strand's work), then closes the devices (their
// thread). Blocking: any thread but the GUI thread and the call's network
// thread; whatever the call's threads report meanwhile is dropped.
struct RetiredCall {
  RetiredCall();
  ~RetiredCall();
  RetiredCall(const RetiredCall&) = delete;
  RetiredCall& operator=(const RetiredCall&) = delete;

  // In destruction order, last first: the devices outlive the call.
  std::shared_ptr<AudioDeviceThread> audio_thread;
  std::unique_ptr<media::AudioInput> input;
  std::unique_ptr<media::AudioOutput> output;
  std::unique_ptr<client::Call> call;
  std::future<void> starting;
};

// Whether two sets of options make the same peer-path configuration.
bool samePeerOptions(const MediaDeviceOptions& a, const MediaDeviceOptions& b);

class MeetingMedia final : public QObject {
  Q_OBJECT
 public:
  // Finds and opens the devices `options` ask for: Qt Multimedia's lookups
  // (the camera list alone is about 20 ms on first use), the sound server.
  // Blocking; any thread but the GUI thread's business is not to wait on it.
  static OpenedDevices openDevices(const MediaDeviceOptions& options);

  MeetingMedia(asio::any_io_executor executor, MediaDeviceOptions options, OpenedDevices devices,
               QObject* parent = nullptr);
  ~MeetingMedia() override;

  // Lets the call go (GUI thread): the camera and the timers stop here, and
  // nothing the call's threads report reaches this object any more. The
  // caller destroys what is returned, off the GUI thread; this object then
  // has no media (call() is null) and is cheap to destroy.
  [[nodiscard]] std::unique_ptr<RetiredCall> retire();

  // Starts the call on a worker thread (the audio engine's set-up takes
  // tens of milliseconds) and then calls `done` on the GUI thread with why
  // it failed (empty: started; on failure the session goes on without
  // media). Not called when this object goes first.
  void start(std::function<void(const QString& why)> done);
  [[nodiscard]] client::Call* call() const { return started_ ? call_.get() : nullptr; }
  // What the session announces (mute, camera, sharing, decoders).
  [[nodiscard]] const client::MediaStateInfo& state() const { return state_; }
  [[nodiscard]] const MediaDeviceOptions& options() const { return options_; }

  // Empty when there is none.
  [[nodiscard]] QString microphoneName() const { return microphone_; }
  [[nodiscard]] QString speakerName() const { return speakers_; }
  [[nodiscard]] bool cameraAvailable() const;
  [[nodiscard]] QString cameraName() const;

  // The user chose other devices (settings saved mid-meeting): the real
  // sound devices and the camera switch without leaving.
  void setDeviceChoice(const QString& microphone, const QString& speakers, const QString& camera);

  // `user`'s camera or screen is shown in at most `device_pixels` (empty:
  // any size): larger pictures are converted down to it on the decode
  // thread, in the same pass as I420 to RGB.
  void setPictureArea(const QString& user, bool screen, QSize device_pixels);

  void setMuted(bool muted);
  // Starts/stops the camera; returns why it could not start (empty: ok).
  QString setCameraOn(bool on);
  // Shares `target` of X display `display` (empty: $DISPLAY). Opening the
  // capture (X round trips, x11grab's set-up) runs on a worker thread; then
  // `done` runs on the GUI thread with why not (empty: sharing). Not called
  // when this object goes first.
  void startSharing(const media::ShareableTarget& target, const QString& display,
                    std::function<void(const QString& why)> done);
  // On a Wayland desktop: asks the desktop portal, whose own chooser picks
  // the screen or window (a worker thread waits for the person's answer),
  // then `done` as above. A second share in this meeting passes the
  // portal's restore token, so the desktop may not ask again.
  void startPortalSharing(std::function<void(const QString& why)> done);
  void stopSharing();
  [[nodiscard]] QString sharingName() const { return sharing_name_; }
  [[nodiscard]] QString path() const { return path_; }

 Q_SIGNALS:
  // The state to announce changed (AppController tells the session).
  void stateChanged(const parley::client::MediaStateInfo& state);
  // The newest decoded picture of `user`'s camera or shared screen.
  void remoteVideo(const QString& user, bool screen, const QImage& image);
  // The media path to the server changed ("udp", "tcp", "probing", "off").
  void pathChanged(const QString& path);
  // The microphone's level, ten times a second while in the call, in -dBov
  // (0 loudest, 127 silence), muted or not.
  void inputLevel(int dbov);
  // Once a second: whose voice was loudest (RFC 6464 levels, speech only),
  // or empty when nobody spoke.
  void activeSpeaker(const QString& user);
  // Once a second while media runs: what we receive, per sender
  // (receptionDetails).
  void receptionChanged(const QHash<QString, QString>& by_user);
  // The share ended by itself (window closed, display gone): why.
  void sharingEnded(const QString& reason);
  void cameraEnded(const QString& reason);
  // The microphone, speakers or camera in use changed (plugged in or out,
  // chosen): the names to show.
  void devicesChanged();

 private:
  struct Handoff;
  void started(const QString& why, const std::function<void(const QString&)>& done);
  // Runs `open` on a worker thread, then sharingOpened on the GUI thread
  // unless a stop or another start came meanwhile.
  void openSharing(std::function<Result<std::unique_ptr<media::VideoSource>>()> open,
                   const QString& name, std::function<void(const QString&)> done);
  void sharingOpened(Result<std::unique_ptr<media::VideoSource>> source, const QString& name,
                     const std::function<void(const QString&)>& done);
  void onStats(const client::CallStats& stats);
  void deliverQueued(const QString& user, bool screen);
  void soundDevicesSwitched();
  void followCamera();
  void withdrawPortalQuestion();

  MediaDeviceOptions options_;
  client::MediaStateInfo state_;
  QString microphone_;
  QString speakers_;
  QString sharing_name_;
  std::string portal_restore_token_;  // from the desktop portal, for this meeting
  // Set to withdraw the desktop chooser's question still open (stop, leave,
  // quit): the worker waiting on it is then free at once, not after the
  // chooser's 5 minutes (which would also hold the application's exit).
  std::shared_ptr<std::atomic<bool>> portal_withdraw_;
  QString path_;
  bool started_ = false;
  // Bumped by each start and stop of sharing: a capture that finishes
  // opening after a newer request is dropped.
  std::uint64_t share_generation_ = 0;
  // Declared before the call: destroyed after it (the call uses them).
  std::shared_ptr<AudioDeviceThread> audio_thread_;
  SoundDeviceFollower* follower_ = nullptr;  // child; null with test devices
  std::unique_ptr<media::AudioInput> input_;
  std::unique_ptr<media::AudioOutput> output_;
  std::shared_ptr<Handoff> handoff_;
  std::unique_ptr<client::Call> call_;
  // The call's start on its worker thread; waited for before the call stops
  // (by the RetiredCall it goes to).
  std::future<void> starting_;
  CameraFeed* camera_feed_ = nullptr;  // child QObject
  // Looked up once, by openDevices() off the GUI thread: Qt enumerates the
  // video devices on its first question (about 20 ms), which belongs to
  // preparing, not to the window.
  QCameraDevice camera_;
  QTimer stats_timer_;
  QTimer level_timer_;
};

}  // namespace parley::ui
