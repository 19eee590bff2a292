#include "ui/application/app_controller.h"

#include <QAudioDevice>
#include <QMediaDevices>

#include <QCoreApplication>
#include <QMetaObject>
#include <QThreadPool>
#include <QTimer>

#include "media/video/portal_screen_capture.h"
#include "media/video/screen_capture.h"
#include "ui/application/session_bridge.h"
#include "ui/application/warm_up.h"
#include "ui/meeting/chat_view.h"
#include "ui/meeting/meeting_window.h"
#include "ui/meeting/participant_model.h"
#include "ui/meeting/room_controls.h"
#include "ui/meeting/share_dialog.h"
#include "ui/secrets/resume_token_keeper.h"
#include "ui/secrets/secret_store.h"
#include "ui/settings/settings_dialog.h"
#include "ui/settings/settings_store.h"
#include "ui/sign_in/attempt_text.h"
#include "ui/sign_in/race_table_model.h"
#include "ui/sign_in/sign_in_window.h"
#include "ui/sign_in/ui_credential_provider.h"

namespace parley::ui {
namespace {

// After a meeting, the next meeting's window is built this long after the
// sign-in window shows again (a quick sign-in builds it at once instead).
constexpr int kRebuildDelayMs = 300;

}  // namespace

AppController::AppController(Options options, QObject* parent)
    : QObject(parent),
      media_options_(std::move(options.media)),
      share_display_(options.share_display),
      settings_file_(options.settings_file) {
  // Qt Multimedia makes its backend (device lists, their change watchers)
  // on the thread that first asks for devices; the lookups themselves run on
  // a worker (prepareMedia()), so the first ask is here, on the GUI thread,
  // before any window shows.
  (void)QMediaDevices::audioInputs();
  store_ = options.settings_file.isEmpty() ? std::make_unique<SettingsStore>()
                                           : std::make_unique<SettingsStore>(options.settings_file);
  if (options.secrets != nullptr) {
    secrets_ = options.secrets;
  } else {
    owned_secrets_ = std::make_unique<KeychainStore>();
    secrets_ = owned_secrets_.get();
  }
  resume_tokens_ = new ResumeTokenKeeper(*secrets_, this);
  LoadedSettings loaded = store_->load();
  settings_ = loaded.settings;
  load_warnings_ = loaded.warnings;

  bridge_ = new SessionBridge(this);
  prompter_ = new CredentialPrompter(this);
  sign_in_ = new SignInWindow;
  sign_in_->setSettings(settings_);
  prompter_->setParentWindow(sign_in_);

  connect(sign_in_, &SignInWindow::signInRequested, this, &AppController::signIn);
  connect(sign_in_, &SignInWindow::cancelRequested, this, [this] {
    if (!signing_in_) {
      return;  // signed in already (a late click): the room's session stays
    }
    ++sign_in_attempt_;
    stopMedia();
    savePending();
    signing_in_ = false;
    sign_in_->setBusy(false);
    sign_in_->showNote(tr("Sign-in cancelled."));
  });
  connect(sign_in_, &SignInWindow::settingsRequested, this, [this](int tab) { openSettings(tab); });
  connect(sign_in_, &SignInWindow::proxyCredentialsRequested, this,
          [this](const QString&) { openSettings(SettingsDialog::AuthTab); });

  connect(bridge_, &SessionBridge::attempt, this, [this](const net::AttemptEvent& e) {
    if (signing_in_) {
      sign_in_->race()->apply(e);
    }
  });
  connect(bridge_, &SessionBridge::connected, this,
          [this](const client::ConnectionInfo& info) { connection_ = info; });
  connect(bridge_, &SessionBridge::signedIn, this, [this](quint64 id) { self_id_ = id; });
  connect(bridge_, &SessionBridge::resumeToken, this, &AppController::keepResumeToken);
  connect(bridge_, &SessionBridge::joined, this, &AppController::onJoined);
  connect(bridge_, &SessionBridge::roomState, this, [this](const client::RoomStateInfo& state) {
    if (meeting_) {
      meeting_->setRoomState(state);
    }
  });
  connect(bridge_, &SessionBridge::participantJoined, this,
          [this](const client::ParticipantInfo& p) {
            if (meeting_) {
              meeting_->participantJoined(p);
            }
          });
  connect(bridge_, &SessionBridge::participantLeft, this,
          [this](const client::ParticipantInfo& p, const QString& reason) {
            if (meeting_) {
              meeting_->participantLeft(p, reason);
            }
          });
  connect(bridge_, &SessionBridge::participantMedia, this,
          [this](quint64 id, const client::MediaStateInfo& media) {
            if (meeting_ && id != self_id_) {
              meeting_->participantMedia(id, media);
            }
          });
  connect(bridge_, &SessionBridge::participantPath, this, [this](quint64 id, const QString& path) {
    if (meeting_) {
      meeting_->participantPath(id, path);
    }
  });
  connect(bridge_, &SessionBridge::chat, this, [this](const client::ChatInfo& c) {
    if (meeting_) {
      meeting_->chatArrived(c);
    }
  });
  connect(bridge_, &SessionBridge::chatAcknowledged, this, [this](quint64 id, quint64 seq) {
    if (meeting_) {
      meeting_->chat()->acknowledge(id, seq);
    }
  });
  connect(bridge_, &SessionBridge::chatRefused, this, [this](quint64 id, const QString& why) {
    if (meeting_) {
      meeting_->chat()->refuse(id, why);
    }
  });
  connect(bridge_, &SessionBridge::disconnected, this,
          [this](const QString& reason, bool will_retry, int retry_in_ms) {
            if (inMeeting() && will_retry) {
              meeting_->reconnecting(reason, retry_in_ms);
            } else if (signing_in_ && will_retry) {
              sign_in_->showNote(tr("The connection dropped (%1); trying again…").arg(reason));
            }
          });
  connect(bridge_, &SessionBridge::left, this, [this] { backToSignIn(tr("You left the room.")); });
  connect(bridge_, &SessionBridge::failed, this, &AppController::onFailed);
  connect(bridge_, &SessionBridge::warning, this, [this](const QString& text) {
    if (meeting_) {
      meeting_->chat()->addNotice(text);
    }
  });
  loadSecrets();
}

AppController::~AppController() {
  if (loading_plugins_.valid()) {
    loading_plugins_.wait();  // its queued call goes with this object
  }
  if (preparing_.valid()) {
    preparing_.wait();  // its queued report (and the devices in it) go with this object
  }
  savePending();
  if (saving_.valid()) {
    saving_.wait();  // the next AppController reads what this one wrote
  }
  stopMedia();
  for (auto& [id, stopping] : stopping_) {
    // The calls use the bridge's network thread, which goes with this
    // object: quitting while a leave is under way waits for its call here.
    stopping.wait();
  }
  stopping_.clear();
  prepared_devices_.reset();
  delete meeting_;
  delete settings_dialog_;
  delete sign_in_;
}

MeetingWindow* AppController::meetingWindow() const { return meeting_.data(); }
bool AppController::inMeeting() const { return meeting_ && meeting_->isVisible(); }
SettingsDialog* AppController::settingsDialog() const { return settings_dialog_.data(); }

void AppController::loadSecrets() {
  QPointer<AppController> self(this);
  secrets_->read(proxySecretKey(), [self](const SecretResult& r) {
    if (self && r.ok) {
      self->proxy_password_ = r.value;
      self->prompter_->setSaved(self->settings_.proxy_user, r.value, self->settings_.proxy_domain);
    }
  });
  if (settings_.remember_password && !settings_.user.isEmpty()) {
    secrets_->read(signInSecretKey(settings_.server, settings_.user),
                   [self](const SecretResult& r) {
                     if (!self) {
                       return;
                     }
                     if (r.ok && self->sign_in_->password().isEmpty()) {
                       self->sign_in_->setPassword(r.value);
                     } else if (!r.ok) {
                       self->sign_in_->showNote(r.error);
                     }
                   });
  }
}

void AppController::show() {
  if (!load_warnings_.isEmpty()) {
    sign_in_->showNote(tr("Some saved settings were not understood and were reset to their "
                          "defaults:\n%1")
                           .arg(load_warnings_.join(QLatin1Char('\n'))));
  }
  sign_in_->show();
  sign_in_->raise();
  sign_in_->activateWindow();
  // Build the (hidden) meeting window while the user types, better than
  // between Sign in and the room. Its menu bar reads Fusion's icons from
  // files, which loads Qt's image plugins: a worker loads them first (on the
  // GUI thread that was 8 ms or more, while the media worker loads
  // GStreamer's), and the window is built when it is done.
  if (!loading_plugins_.valid()) {
    loading_plugins_ = std::async(std::launch::async, [this] {
      loadImagePlugins();
      QMetaObject::invokeMethod(this, &AppController::prepareMeetingWindow, Qt::QueuedConnection);
    });
  }
  // The sound devices and the camera are found and opened meanwhile, on a
  // worker thread: that asks Qt Multimedia and the sound server (tens of
  // milliseconds, more when none answers).
  prepareMedia();
}

void AppController::prepareMedia() {
  if (prepared_devices_ || preparing_.valid() || !stopping_.empty()) {
    return;  // callStopped() comes back here once the last call has stopped
  }
  // The devices depend on the program's options only; the user's
  // peer-to-peer settings go to the call, made at Sign in.
  auto open = [this, options = media_options_] {
    auto devices = std::make_shared<OpenedDevices>(MeetingMedia::openDevices(options));
    QMetaObject::invokeMethod(
        this, [this, devices] { devicesOpened(std::move(*devices)); }, Qt::QueuedConnection);
  };
#ifdef Q_OS_WIN
  // Qt Multimedia's Windows backend keeps COM objects of the GUI thread's
  // apartment: a lookup from another thread crashed parley.exe (under
  // Wine). There the lookup stays on the GUI thread, as before.
  open();
#else
  preparing_ = std::async(std::launch::async, open);
#endif
}

void AppController::devicesOpened(OpenedDevices devices) {
  if (preparing_.valid()) {
    preparing_.wait();  // returns at once: the worker posted this as its last act
    preparing_ = {};
  }
  prepared_devices_ = std::move(devices);
  if (pending_request_ && !media_) {
    startMedia();  // a Sign in came before the devices
  }
}

MediaDeviceOptions AppController::mediaOptions() const {
  MediaDeviceOptions options = media_options_;
  options.peer_to_peer = settings_.peer_to_peer;
  options.hide_local_addresses = settings_.hide_local_addresses;
  // The user's list wins over the one the program was started with.
  if (auto allow = interfaceList(settings_.ice_interfaces); !allow.empty()) {
    options.ice_interfaces = std::move(allow);
  }
  options.ice_exclude = interfaceList(settings_.ice_exclude);
  options.microphone_choice = settings_.microphone;
  options.speakers_choice = settings_.speakers;
  options.camera_choice = settings_.camera;
  return options;
}

void AppController::prefill(const ConnectionSettings& overrides, const QString& password) {
  settings_ = overrides;
  sign_in_->setSettings(settings_);
  if (!password.isEmpty()) {
    sign_in_->setPassword(password);
  }
}

void AppController::signIn() {
  if (signing_in_) {
    return;
  }
  if (!sign_in_->validateFields().isEmpty()) {
    sign_in_->showNote(sign_in_->validateFields().join(QLatin1Char(' ')));
    return;
  }
  settings_ = sign_in_->settings(settings_);
  if (settings_.ca_file.isEmpty()) {
    sign_in_->showFailure(
        FailureAdvice{tr("Choose your deployment's CA certificate file in Settings first."),
                      FailureAdvice::Action::Settings,
                      {}});
    return;
  }
  const QStringList problems = validateSettings(settings_);
  if (!problems.isEmpty()) {
    sign_in_->showNote(problems.join(QLatin1Char('\n')));
    return;
  }
  // Written once the sign-in is over (QSettings syncs to disk: milliseconds
  // the GUI thread should not spend while the race is on screen).
  save_pending_ = true;
  const QString password = sign_in_->password();
  QPointer<AppController> self(this);
  const QString key = signInSecretKey(settings_.server, settings_.user);
  auto report = [self](const SecretResult& r) {
    if (self && !r.ok && self->inMeeting()) {
      self->meeting_->chat()->addNotice(r.error);
    } else if (self && !r.ok) {
      self->sign_in_->showNote(r.error);
    }
  };
  if (settings_.remember_password) {
    secrets_->write(key, password, report);
  } else {
    secrets_->remove(key, [](const SecretResult&) {});
  }

  SignInRequest request;
  request.server = settings_.server;
  request.tls_port = settings_.tls_port;
  request.alt_port = settings_.alt_port;
  request.ca_file = settings_.ca_file;
  request.user = settings_.user;
  request.password = password;
  request.room = settings_.room;
  request.race = toRaceSettings(settings_, proxy_password_);
  prompter_->setParentWindow(sign_in_);
  request.race.credentials = std::make_shared<UiCredentialProvider>(prompter_);
  stopMedia();
  sign_in_->setBusy(true);
  signing_in_ = true;
  pending_request_ = std::make_unique<SignInRequest>(std::move(request));
  // The Settings window may change settings_ while the media starts; the
  // token goes with this request's account and choice.
  pending_remember_ = settings_.remember_password;
  startMedia();
}

void AppController::startMedia() {
  if (!prepared_devices_) {
    prepareMedia();  // devicesOpened() comes back here
    return;
  }
  media_ = std::make_unique<MeetingMedia>(bridge_->executor(), mediaOptions(),
                                          std::move(*prepared_devices_));
  prepared_devices_.reset();
  // Not called when stopMedia() destroys the media first (a cancel).
  media_->start([this](const QString& why) { mediaStarted(why); });
}

void AppController::mediaStarted(const QString& why) {
  if (!pending_request_) {
    return;
  }
  SignInRequest request = std::move(*pending_request_);
  pending_request_.reset();
  media_error_ = why;
  if (why.isEmpty()) {
    connectMedia();
    request.media_link = media_->call();
    request.media = media_->state();
  }  // else chat still works; the window says why there is no media
  QPointer<AppController> self(this);
  const quint64 attempt = ++sign_in_attempt_;
  if (!pending_remember_) {
    // Not remembered: no token outlives this run (the session still keeps
    // one in memory for its reconnects), and an earlier one is forgotten.
    token_server_.clear();
    token_user_.clear();
    resume_tokens_->forget(request.server, request.user);
    startSession(request);
    return;
  }
  // Remembered: the token saved at the last sign-in saves the server an
  // Argon2 run; the password in the request stays the fallback.
  token_server_ = request.server;
  token_user_ = request.user;
  resume_tokens_->load(request.server, request.user,
                       [self, attempt, request](const SavedResume& saved) mutable {
                         if (!self || !self->signing_in_ || self->sign_in_attempt_ != attempt) {
                           return;  // cancelled (or replaced) while the keychain answered
                         }
                         request.resume_token = saved.token;
                         request.client_instance = saved.client_instance;
                         self->startSession(request);
                       });
}

void AppController::keepResumeToken(const QByteArray& token) {
  if (!token_server_.isEmpty()) {
    resume_tokens_->save(token_server_, token_user_, token);
  }
}

void AppController::startSession(const SignInRequest& request) {
  const QString error = bridge_->signIn(request);
  if (!error.isEmpty()) {
    stopMedia();
    savePending();
    signing_in_ = false;
    sign_in_->setBusy(false);
    sign_in_->showFailure(FailureAdvice{error, FailureAdvice::Action::Settings, {}});
  }
}

void AppController::connectMedia() {
  MeetingMedia* media = media_.get();
  connect(media, &MeetingMedia::stateChanged, this, [this](const client::MediaStateInfo& s) {
    bridge_->setMediaState(s);
    if (meeting_) {
      meeting_->setOwnMedia(s);
    }
  });
  connect(media, &MeetingMedia::remoteVideo, this,
          [this](const QString& user, bool screen, const QImage& image) {
            if (meeting_) {
              meeting_->remoteVideo(user, screen, image);
            }
          });
  connect(media, &MeetingMedia::activeSpeaker, this, [this](const QString& user) {
    if (meeting_) {
      meeting_->setActiveSpeaker(user);
    }
  });
  connect(media, &MeetingMedia::inputLevel, this, [this](int dbov) {
    if (meeting_) {
      meeting_->setInputLevel(dbov);
    }
  });
  connect(media, &MeetingMedia::pathChanged, this, [this](const QString& path) {
    if (meeting_) {
      meeting_->setMediaPath(path);
    }
  });
  connect(media, &MeetingMedia::receptionChanged, this,
          [this](const QHash<QString, QString>& by_user) {
            if (meeting_) {
              meeting_->participants()->setReception(by_user);
            }
          });
  connect(media, &MeetingMedia::sharingEnded, this, [this](const QString& reason) {
    if (meeting_) {
      meeting_->setSharing({});
      meeting_->mediaNotice(tr("Screen sharing stopped: %1").arg(reason));
    }
  });
  connect(media, &MeetingMedia::devicesChanged, this, [this] {
    if (meeting_ && media_ && media_error_.isEmpty()) {
      meeting_->setDevices(media_->microphoneName(), media_->speakerName(),
                           media_->cameraAvailable() ? media_->cameraName() : QString(), {});
      meeting_->setOwnMedia(media_->state());
    }
  });
  connect(media, &MeetingMedia::cameraEnded, this, [this](const QString& reason) {
    if (meeting_) {
      meeting_->mediaNotice(tr("The camera stopped: %1").arg(reason));
    }
  });
}

void AppController::stopMedia() {
  pending_request_.reset();
  bridge_->cancel();  // no session callback runs after this; the session stops first
  if (!media_) {
    return;
  }
  std::unique_ptr<RetiredCall> call = media_->retire();
  media_.reset();  // the GUI side only (camera, timers): the call stops elsewhere
  retireCall(std::move(call));
}

void AppController::retireCall(std::unique_ptr<RetiredCall> call) {
#ifdef Q_OS_WIN
  // As prepareMedia(): on Windows the sound devices (and so the call that
  // uses them) are stopped on the GUI thread, as before.
  call.reset();
  QTimer::singleShot(0, this, &AppController::prepareMedia);
#else
  const quint64 id = ++next_stop_id_;
  stopping_.emplace(id,
                    std::async(std::launch::async, [this, id, call = std::move(call)]() mutable {
                      call.reset();
                      // The last act: the destructor waits for this worker
                      // before `this` goes, and Qt drops the event after.
                      QMetaObject::invokeMethod(
                          this, [this, id] { callStopped(id); }, Qt::QueuedConnection);
                    }));
#endif
}

void AppController::callStopped(quint64 id) {
  if (auto it = stopping_.find(id); it != stopping_.end()) {
    it->second.wait();  // returns at once: the worker posted this as its last act
    stopping_.erase(it);
  }
  if (stopping_.empty()) {
    // Ready for the next sign-in, opened while the user reads or types (a
    // Sign in already waiting goes on from devicesOpened()).
    prepareMedia();
    Q_EMIT callsStopped();
  }
}

ShareDialog* AppController::shareDialog() const { return share_dialog_.data(); }

void AppController::sharingStarted(const QString& why) {
  if (!meeting_ || !media_) {
    return;
  }
  if (!why.isEmpty()) {
    meeting_->mediaNotice(tr("Sharing did not start: %1").arg(why));
    return;
  }
  meeting_->setSharing(media_->sharingName());
}

ShareDialog* AppController::openShareChooser() {
  if (!meeting_ || !media_) {
    return nullptr;
  }
  if (share_dialog_) {
    share_dialog_->raise();
    return share_dialog_;
  }
  // On a Wayland desktop the portal's own chooser picks what to share (an
  // X11 list would show only XWayland windows); a display given for the
  // tests keeps x11grab.
  if (share_display_.isEmpty() &&
      media::screenGrabberForThisSession() == media::ScreenGrabber::Portal) {
    meeting_->mediaNotice(tr("Choose what to share in your desktop's dialog…"));
    media_->startPortalSharing([this](const QString& why) { sharingStarted(why); });
    return nullptr;
  }
  const QString display =
      share_display_.isEmpty() ? qEnvironmentVariable("DISPLAY") : share_display_;
  share_dialog_ = new ShareDialog(meeting_);
  share_dialog_->setAttribute(Qt::WA_DeleteOnClose);
  connect(share_dialog_, &ShareDialog::shareChosen, this,
          [this, display](const media::ShareableTarget& target) {
            if (!media_ || !meeting_) {
              return;
            }
            media_->startSharing(target, display,
                                 [this](const QString& why) { sharingStarted(why); });
          });
  // Open at once, saying it is looking: the list is a few X round trips per
  // window, on a worker thread, so a slow or remote X server never holds the
  // window nor the chooser. A Cancel before it arrives deletes the dialog
  // (WA_DeleteOnClose); the list then has nowhere to go and is dropped.
  share_dialog_->open();
  QThreadPool::globalInstance()->start(
      [dialog = QPointer<ShareDialog>(share_dialog_), display = display.toStdString()] {
        auto targets = media::listShareableTargets(display);
        auto list = std::make_shared<std::vector<media::ShareableTarget>>();
        QString error;
        if (targets) {
          *list = std::move(*targets);
        } else {
          error = QString::fromStdString(targets.error().detail);
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [dialog, list, error] {
              if (dialog) {
                dialog->setTargets(std::move(*list), error);
              }
            },
            Qt::QueuedConnection);
      });
  return share_dialog_;
}

void AppController::prepareMeetingWindow() {
  if (meeting_) {
    return;  // built already (a sign-in was quicker), perhaps shown
  }
  ensureMeetingWindow();
  paintAhead(meeting_);
}

void AppController::ensureMeetingWindow() {
  if (meeting_) {
    return;
  }
  meeting_ = new MeetingWindow;
  meeting_->setAttribute(Qt::WA_DeleteOnClose);
  connect(meeting_, &MeetingWindow::leaveRequested, this, [this] {
    bridge_->leave();  // bounded by the session's leave timeout; left() follows
  });
  connect(meeting_, &MeetingWindow::settingsRequested, this,
          [this] { openSettings(SettingsDialog::ProxyTab); });
  connect(meeting_, &MeetingWindow::muteRequested, this, [this](bool muted) {
    if (media_) {
      media_->setMuted(muted);
      meeting_->setOwnMedia(media_->state());  // also when nothing changed (no microphone)
    }
  });
  connect(meeting_, &MeetingWindow::cameraRequested, this, [this](bool on) {
    if (!media_) {
      return;
    }
    const QString why = media_->setCameraOn(on);
    if (!why.isEmpty()) {
      meeting_->mediaNotice(tr("The camera did not start: %1").arg(why));
    }
    meeting_->setOwnMedia(media_->state());
  });
  connect(meeting_, &MeetingWindow::shareRequested, this, [this] { openShareChooser(); });
  auto* room = meeting_->roomControls();
  connect(room, &RoomControls::lockRequested, bridge_, &SessionBridge::setRoomLocked);
  connect(room, &RoomControls::removeRequested, bridge_, &SessionBridge::removeParticipant);
  connect(room, &RoomControls::admissionRequested, this,
          [this](const QStringList& accounts, const QStringList& groups,
                 const QStringList& readmit) {
            bridge_->setAdmission(accounts, groups);
            for (const auto& account : readmit) {
              if (!accounts.contains(account)) {  // listing it already lets it in
                bridge_->readmit(account);
              }
            }
          });
  connect(meeting_, &MeetingWindow::pictureAreaChanged, this,
          [this](const QString& user, bool screen, QSize area) {
            if (media_) {
              media_->setPictureArea(user, screen, area);
            }
          });
  connect(meeting_, &MeetingWindow::stopSharingRequested, this, [this] {
    if (media_) {
      media_->stopSharing();
    }
    meeting_->setSharing({});
  });
  connect(meeting_->chat(), &ChatView::sendRequested, this, [this](const QString& text) {
    const quint64 id = bridge_->sendChat(text);
    if (id != 0 && meeting_) {
      meeting_->chat()->addPending(id, settings_.user, text);
    }
  });
}

void AppController::onJoined(const QString& room,
                             const std::vector<client::ParticipantInfo>& people) {
  ensureMeetingWindow();
  if (signing_in_) {
    meeting_->setSelf(self_id_, settings_.user);
    if (media_ && media_error_.isEmpty()) {
      meeting_->setDevices(media_->microphoneName(), media_->speakerName(),
                           media_->cameraAvailable() ? media_->cameraName() : QString(), {});
      meeting_->setOwnMedia(media_->state());
      meeting_->setSharing(media_->sharingName());
    } else {
      meeting_->setDevices({}, {}, {}, media_error_.isEmpty() ? tr("not started") : media_error_);
    }
  }
  meeting_->setConnection(connectionText(connection_));
  meeting_->joined(room, people);
  if (signing_in_) {
    signing_in_ = false;
    // The window's first paint, in one turn with the join's own work, was
    // the longest stall of joining (gui_bench: 8-12 ms): the parts new since
    // it was painted ahead (the room, the tiles) and its backing store are
    // done first, a part per turn, and it shows after them. The sign-in
    // window stays busy meanwhile (a few turns).
    paintAhead(meeting_, [this, window = QPointer<MeetingWindow>(meeting_)] {
      if (window && window == meeting_) {  // not left or failed meanwhile
        showMeetingWindow();
      }
    });
    QTimer::singleShot(0, this, &AppController::savePending);
  }
}

void AppController::showMeetingWindow() {
  sign_in_->setBusy(false);
  sign_in_->showNote({});
  sign_in_->setPassword(settings_.remember_password ? sign_in_->password() : QString());
  meeting_->show();
  meeting_->raise();
  meeting_->activateWindow();
  sign_in_->hide();
  Q_EMIT meetingShown();
}

void AppController::savePending() {
  if (!save_pending_) {
    return;
  }
  save_pending_ = false;
  if (saving_.valid()) {
    saving_.wait();  // one write at a time, in order
  }
  // QSettings' sync() writes and renames the file (milliseconds, more on a
  // slow disk): a worker's, with a QSettings of its own. Qt guarantees that
  // distinct QSettings objects may use the same file from different threads.
  auto save = [file = settings_file_, settings = settings_] {
    auto store =
        file.isEmpty() ? std::make_unique<SettingsStore>() : std::make_unique<SettingsStore>(file);
    (void)store->save(settings);  // checked by validateSettings() before the sign-in
  };
#ifdef Q_OS_WIN
  save();  // the registry or INI file from the GUI thread, as before (not measured there)
#else
  saving_ = std::async(std::launch::async, std::move(save));
#endif
}

void AppController::onFailed(const Error& error) {
  savePending();
  const FailureAdvice advice = adviceFor(error, sign_in_->race()->events());
  if (inMeeting()) {
    backToSignIn(advice.message);
    sign_in_->showFailure(advice);
  } else {
    signing_in_ = false;
    sign_in_->setBusy(false);
    sign_in_->showFailure(advice);
  }
  stopMedia();
  Q_EMIT signInFailed(advice.message);
}

void AppController::backToSignIn(const QString& message) {
  signing_in_ = false;
  stopMedia();
  if (meeting_) {
    meeting_->hide();
    meeting_->deleteLater();
    meeting_ = nullptr;
    // Once the sign-in window has painted and the old window is gone: in
    // the same turn, the three made one stall of 8-12 ms (gui_bench).
    QTimer::singleShot(kRebuildDelayMs, this, &AppController::prepareMeetingWindow);
  }
  sign_in_->setBusy(false);
  sign_in_->showNote(message);
  sign_in_->show();
}

SettingsDialog* AppController::openSettings(int tab) {
  if (!settings_dialog_) {
    QWidget* parent = inMeeting() ? static_cast<QWidget*>(meeting_.data()) : sign_in_;
    settings_dialog_ = new SettingsDialog(*store_, *secrets_, prompter_, parent);
    settings_dialog_->setAttribute(Qt::WA_DeleteOnClose);
    settings_dialog_->setTestCamera(media_options_.camera);
    connect(settings_dialog_, &SettingsDialog::saved, this, [this](const ConnectionSettings& s) {
      settings_ = s;
      if (media_) {
        media_->setDeviceChoice(s.microphone, s.speakers, s.camera);
      }
      sign_in_->setSettings(sign_in_->settings(s));
      QPointer<AppController> self(this);
      secrets_->read(proxySecretKey(), [self](const SecretResult& r) {
        if (self && r.ok) {
          self->proxy_password_ = r.value;
        }
      });
    });
  }
  settings_dialog_->setSettings(sign_in_->settings(settings_));
  settings_dialog_->showTab(tab);
  settings_dialog_->show();
  settings_dialog_->raise();
  settings_dialog_->activateWindow();
  return settings_dialog_;
}

}  // namespace parley::ui
