#pragma once
// AppController: the desktop client's flow. Shows the sign-in window, turns
// a Sign in into a SessionBridge sign-in with the saved settings, feeds the
// race to the window, opens the meeting window when the room is joined,
// returns to the sign-in window on leave or fatal error, and opens the
// settings dialog from either window. It owns the stores, the bridge and
// the windows; app/parley's main() only builds it.
//
// Threads: GUI thread.

#include <QObject>
#include <QPointer>
#include <future>
#include <map>
#include <memory>
#include <optional>

#include "core/client/session_observer.h"
#include "ui/meeting/meeting_media.h"
#include "ui/settings/connection_settings.h"

namespace parley::ui {

class CredentialPrompter;
class MeetingWindow;
class ResumeTokenKeeper;
class ShareDialog;
struct SignInRequest;
class SecretStore;
class SessionBridge;
class SettingsDialog;
class SettingsStore;
class SignInWindow;

class AppController final : public QObject {
  Q_OBJECT
 public:
  struct Options {
    Options() = default;
    Options(QString settings, SecretStore* store)
        : settings_file(std::move(settings)), secrets(store) {}
    QString settings_file;  // empty: the user's QSettings (organization "Parley")
    // Null: the OS keychain. Tests pass a MemorySecretStore (not owned).
    SecretStore* secrets = nullptr;
    // Sound devices and camera (empty: the system's; tests inject files).
    MediaDeviceOptions media;
    // The X display whose screens and windows can be shared (empty: $DISPLAY).
    QString share_display;
  };

  explicit AppController(Options options, QObject* parent = nullptr);
  ~AppController() override;

  // Shows the sign-in window (with the saved settings, and any warning about
  // a settings file that could not be read).
  void show();
  // Fills the sign-in window over the saved settings (command line, demo).
  void prefill(const ConnectionSettings& overrides, const QString& password);
  // As if the user pressed Sign in.
  void signIn();

  [[nodiscard]] SignInWindow* signInWindow() const { return sign_in_; }
  // The meeting window; it exists hidden (built ahead) while not in a room.
  [[nodiscard]] MeetingWindow* meetingWindow() const;
  [[nodiscard]] bool inMeeting() const;
  [[nodiscard]] SettingsDialog* settingsDialog() const;
  [[nodiscard]] SessionBridge* bridge() const { return bridge_; }
  [[nodiscard]] CredentialPrompter* prompter() const { return prompter_; }
  [[nodiscard]] const ConnectionSettings& settings() const { return settings_; }

  SettingsDialog* openSettings(int tab);
  // Opens the share chooser over the meeting window (Share screen…).
  // Parley's list of the X display's screens and windows; on a Wayland
  // desktop the desktop portal's chooser instead (then nullptr).
  ShareDialog* openShareChooser();
  [[nodiscard]] ShareDialog* shareDialog() const;
  // The media of the current sign-in (null between sign-ins).
  [[nodiscard]] MeetingMedia* media() const { return media_.get(); }
  // Calls of earlier sign-ins still stopping on worker threads.
  [[nodiscard]] int callsStopping() const { return static_cast<int>(stopping_.size()); }

 Q_SIGNALS:
  // The meeting window is shown (benchmarks and tests time this).
  void meetingShown();
  void signInFailed(const QString& message);
  // The last call of an earlier sign-in has stopped (callsStopping() is 0).
  void callsStopped();

 private:
  void onJoined(const QString& room, const std::vector<client::ParticipantInfo>& people);
  // After the join: the meeting window, painted ahead in parts, shown and
  // the sign-in window hidden.
  void showMeetingWindow();
  void onFailed(const Error& error);
  void backToSignIn(const QString& message);
  void loadSecrets();
  void savePending();
  // The bridge part of signIn(), once the saved resume token is read.
  void startSession(const SignInRequest& request);
  // Saves (or with an empty token forgets) the token of the current sign-in.
  void keepResumeToken(const QByteArray& token);
  void ensureMeetingWindow();
  // The next meeting's window, built hidden and painted ahead in parts
  // while the sign-in window is idle.
  void prepareMeetingWindow();
  // Creates the call of the pending sign-in from the prepared devices (or
  // has them prepared first) and starts it off the GUI thread; the sign-in
  // itself goes on in mediaStarted().
  void startMedia();
  void mediaStarted(const QString& why);
  // The media's signals to the session and the meeting window.
  void connectMedia();
  // Stops the session first, then its call (the call outlives the session),
  // and drops a sign-in still waiting for its media. Returns at once: the
  // call stops on a worker thread (retireCall()).
  void stopMedia();
  // A share was asked for: shows it, or why it did not start.
  void sharingStarted(const QString& why);
  // Stops `call` on a worker thread (joining the call's and the devices'
  // threads takes up to a second on a busy machine); callStopped() follows
  // on the GUI thread. The destructor waits for every one still running.
  void retireCall(std::unique_ptr<RetiredCall> call);
  void callStopped(quint64 id);
  // Finds and opens the sound devices and the camera for the next sign-in
  // on a worker thread (Qt Multimedia's lookups and the sound server take
  // tens of milliseconds); devicesOpened() takes them on the GUI thread.
  void prepareMedia();
  void devicesOpened(OpenedDevices devices);
  // The media options with the user's peer-to-peer settings applied.
  [[nodiscard]] MediaDeviceOptions mediaOptions() const;

  std::unique_ptr<SettingsStore> store_;
  std::unique_ptr<SecretStore> owned_secrets_;
  SecretStore* secrets_ = nullptr;
  ResumeTokenKeeper* resume_tokens_ = nullptr;
  // Whose tokens the running session reports: fixed at its sign-in, since
  // the settings may change while it runs. Empty server: keep none.
  QString token_server_;
  QString token_user_;
  quint64 sign_in_attempt_ = 0;  // drops a token read of a cancelled sign-in
  ConnectionSettings settings_;
  QStringList load_warnings_;
  QString proxy_password_;
  SessionBridge* bridge_ = nullptr;
  CredentialPrompter* prompter_ = nullptr;
  SignInWindow* sign_in_ = nullptr;  // owned here (top-level, no parent)
  QPointer<MeetingWindow> meeting_;
  QPointer<SettingsDialog> settings_dialog_;
  QPointer<ShareDialog> share_dialog_;
  MediaDeviceOptions media_options_;
  QString share_display_;
  QString settings_file_;     // empty: the user's QSettings
  std::future<void> saving_;  // the settings' write after a sign-in
  std::unique_ptr<MeetingMedia> media_;
  std::optional<OpenedDevices> prepared_devices_;  // for the next sign-in
  std::future<void> preparing_;                    // the worker opening them
  std::future<void> loading_plugins_;  // Qt's image plugins, before the first meeting window
  // Workers stopping the calls of earlier sign-ins, by number. New devices
  // are opened only once they are done (a device may be exclusive).
  std::map<quint64, std::future<void>> stopping_;
  quint64 next_stop_id_ = 0;
  // A Sign in waiting for its call to start (or its devices to open).
  std::unique_ptr<SignInRequest> pending_request_;
  bool pending_remember_ = false;  // "remember me" when pending_request_ was made
  QString media_error_;
  client::ConnectionInfo connection_;
  quint64 self_id_ = 0;
  bool signing_in_ = false;
  bool save_pending_ = false;
};

}  // namespace parley::ui
