// The ScreenCast portal's dialogue over GDBus. Each portal method that
// needs the person answers later through a Request object's Response
// signal; we subscribe before calling (the answer may come before the
// call's reply) and run our private main context until it arrives.
#include "media/video/portal/screencast_portal.h"

#include <gio/gio.h>
#include <gio/gunixfdlist.h>

#include <atomic>
#include <optional>
#include <random>
#include <string>
#include <utility>

namespace parley::media {
namespace {

constexpr const char* kPortalName = "org.freedesktop.portal.Desktop";
constexpr const char* kPortalPath = "/org/freedesktop/portal/desktop";
constexpr const char* kScreenCast = "org.freedesktop.portal.ScreenCast";
constexpr int kCallTimeoutMs = 10'000;  // a portal method's own reply (not the person's answer)

// The portal's source types and cursor modes (bit masks).
constexpr std::uint32_t kSourceMonitor = 1;
constexpr std::uint32_t kSourceWindow = 2;
constexpr std::uint32_t kCursorHidden = 1;
constexpr std::uint32_t kCursorEmbedded = 2;
constexpr std::uint32_t kPersistUntilRevoked = 2;
constexpr std::uint32_t kFirstVersionWithRestore = 4;

// Request.Response codes.
constexpr std::uint32_t kResponseCancelled = 1;

constexpr const char* kInstallHint =
    "install xdg-desktop-portal and the backend for your desktop: xdg-desktop-portal-gnome "
    "(GNOME), xdg-desktop-portal-kde (KDE Plasma) or xdg-desktop-portal-wlr (sway and other "
    "wlroots desktops)";

Unexpected captureFailed(std::string detail) {
  return makeError(ErrorCode::CaptureFailed, std::move(detail));
}

struct ErrorFree {
  void operator()(GError* e) const { g_error_free(e); }
};
using ErrorPtr = std::unique_ptr<GError, ErrorFree>;

struct VariantUnref {
  void operator()(GVariant* v) const { g_variant_unref(v); }
};
using VariantPtr = std::unique_ptr<GVariant, VariantUnref>;

struct ObjectUnref {
  void operator()(gpointer o) const { g_object_unref(o); }
};

std::string errorText(const GError* error) {
  return error != nullptr && error->message != nullptr ? error->message : "unknown D-Bus error";
}

bool isServiceUnknown(const GError* error) {
  if (error == nullptr) {
    return false;
  }
  if (g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches(error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
    return true;
  }
  ErrorPtr copy(g_error_copy(error));
  gchar* remote = g_dbus_error_get_remote_error(copy.get());
  const bool unknown =
      remote != nullptr && std::string(remote).find("ServiceUnknown") != std::string::npos;
  g_free(remote);
  return unknown;
}

// A token the portal puts into the object paths it creates for us: letters,
// digits and underscores only.
std::string newToken(const char* what) {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return std::string("parley_") + what + "_" + std::to_string(++counter) + "_" +
         std::to_string(random() % 1'000'000);
}

// Pushes `context` as this thread's default for the object's lifetime, so
// signal subscriptions made meanwhile are dispatched by it.
class ThreadDefaultContext {
 public:
  explicit ThreadDefaultContext(GMainContext* context) : context_(context) {
    g_main_context_push_thread_default(context_);
  }
  ~ThreadDefaultContext() { g_main_context_pop_thread_default(context_); }
  ThreadDefaultContext(const ThreadDefaultContext&) = delete;
  ThreadDefaultContext& operator=(const ThreadDefaultContext&) = delete;

 private:
  GMainContext* context_;
};

std::uint32_t uintProperty(GVariant* properties, const char* name) {
  std::uint32_t value = 0;
  if (properties != nullptr) {
    g_variant_lookup(properties, name, "u", &value);
  }
  return value;
}

}  // namespace

struct ScreenCastPortal::Impl {
  GMainContext* context = g_main_context_new();
  GDBusConnection* bus = nullptr;
  std::string session_handle;
  std::uint32_t version = 0;
  std::uint32_t source_types = 0;
  std::uint32_t cursor_modes = 0;
  guint closed_subscription = 0;
  bool closed = false;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    if (bus != nullptr) {
      if (closed_subscription != 0) {
        g_dbus_connection_signal_unsubscribe(bus, closed_subscription);
      }
      if (!session_handle.empty() && !closed) {
        // Ends the cast at once; closing our connection would too, a moment later.
        closeWithoutWaiting(session_handle.c_str(), "org.freedesktop.portal.Session");
      }
      g_dbus_connection_close_sync(bus, nullptr, nullptr);
      g_object_unref(bus);
    }
    // Callbacks still queued on the context hold no references to us.
    while (g_main_context_iteration(context, FALSE)) {
    }
    g_main_context_unref(context);
  }

  // Calls `interface`.Close on `path` without waiting for the reply: a
  // portal backend busy with its chooser (xdg-desktop-portal-wlr runs it
  // synchronously) would hold us for the call timeout, and nothing here
  // depends on the answer. The flush puts it on the wire before we close.
  void closeWithoutWaiting(const char* path, const char* interface) const {
    g_dbus_connection_call(bus, kPortalName, path, interface, "Close", nullptr, nullptr,
                           G_DBUS_CALL_FLAGS_NO_AUTO_START, kCallTimeoutMs, nullptr, nullptr,
                           nullptr);
    g_dbus_connection_flush_sync(bus, nullptr, nullptr);
  }

  // The object path of the Request the portal creates for `token`.
  [[nodiscard]] std::string requestPath(const std::string& token) const {
    std::string sender = g_dbus_connection_get_unique_name(bus) + 1;  // without ':'
    for (char& c : sender) {
      if (c == '.') {
        c = '_';
      }
    }
    return std::string(kPortalPath) + "/request/" + sender + "/" + token;
  }

  struct Answer {
    bool arrived = false;
    std::uint32_t code = 0;
    VariantPtr results;
  };

  static void onResponse(GDBusConnection* /*bus*/, const gchar* /*sender*/, const gchar* /*path*/,
                         const gchar* /*interface*/, const gchar* /*signal*/, GVariant* parameters,
                         gpointer data) {
    auto* answer = static_cast<Answer*>(data);
    GVariant* results = nullptr;
    g_variant_get(parameters, "(u@a{sv})", &answer->code, &results);
    answer->results.reset(results);
    answer->arrived = true;
  }

  static gboolean onTimeout(gpointer data) {
    *static_cast<bool*>(data) = true;
    return G_SOURCE_REMOVE;
  }

  // Wakes the wait below ten times a second while a withdraw flag is set
  // up: the flag is set from another thread, which cannot reach this
  // private context's loop otherwise.
  static gboolean onWithdrawCheck(gpointer /*data*/) { return G_SOURCE_CONTINUE; }
  static constexpr guint kWithdrawCheckMs = 100;

  // Calls `method` with `parameters` (whose options carry handle_token =
  // `token`) and waits for the Request's Response.
  Result<Answer> request(const char* method, GVariant* parameters, const std::string& token,
                         std::chrono::milliseconds timeout,
                         const std::shared_ptr<std::atomic<bool>>& withdraw) {
    ThreadDefaultContext scope(context);
    Answer answer;
    const std::string path = requestPath(token);
    const guint subscription =
        g_dbus_connection_signal_subscribe(bus, kPortalName, "org.freedesktop.portal.Request",
                                           "Response", path.c_str(), nullptr,
                                           G_DBUS_SIGNAL_FLAGS_NONE, onResponse, &answer, nullptr);
    GError* raw_error = nullptr;
    VariantPtr reply(g_dbus_connection_call_sync(bus, kPortalName, kPortalPath, kScreenCast, method,
                                                 parameters, G_VARIANT_TYPE("(o)"),
                                                 G_DBUS_CALL_FLAGS_NONE, kCallTimeoutMs, nullptr,
                                                 &raw_error));
    ErrorPtr error(raw_error);
    if (!reply) {
      g_dbus_connection_signal_unsubscribe(bus, subscription);
      if (isServiceUnknown(error.get())) {
        return captureFailed(std::string("no xdg-desktop-portal on this desktop's session bus: ") +
                             kInstallHint);
      }
      return captureFailed(std::string("the desktop portal refused ScreenCast.") + method + ": " +
                           errorText(error.get()));
    }
    bool timed_out = false;
    GSource* timer = g_timeout_source_new(static_cast<guint>(timeout.count()));
    g_source_set_callback(timer, onTimeout, &timed_out, nullptr);
    g_source_attach(timer, context);
    GSource* withdraw_check = nullptr;
    if (withdraw) {
      withdraw_check = g_timeout_source_new(kWithdrawCheckMs);
      g_source_set_callback(withdraw_check, onWithdrawCheck, nullptr, nullptr);
      g_source_attach(withdraw_check, context);
    }
    auto withdrawn = [&withdraw] { return withdraw && withdraw->load(); };
    while (!answer.arrived && !timed_out && !withdrawn()) {
      g_main_context_iteration(context, TRUE);
    }
    g_source_destroy(timer);
    g_source_unref(timer);
    if (withdraw_check != nullptr) {
      g_source_destroy(withdraw_check);
      g_source_unref(withdraw_check);
    }
    g_dbus_connection_signal_unsubscribe(bus, subscription);
    if (!answer.arrived) {
      // Withdraw the question so the chooser does not stay on the screen.
      const char* handle = nullptr;
      g_variant_get(reply.get(), "(&o)", &handle);
      closeWithoutWaiting(handle, "org.freedesktop.portal.Request");
      if (withdrawn()) {
        return captureFailed(
            "the screen share was withdrawn before the desktop's chooser was answered");
      }
      return captureFailed(
          std::string("the desktop portal did not answer ScreenCast.") + method + " within " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s");
    }
    if (answer.code == kResponseCancelled) {
      return captureFailed("screen sharing was cancelled in the desktop's chooser");
    }
    if (answer.code != 0) {
      return captureFailed(
          std::string("the desktop portal could not ") +
          (std::string(method) == "Start" ? "start the screen cast" : "set up the screen cast") +
          " (ScreenCast." + method + " answered " + std::to_string(answer.code) +
          "; the portal's log says why, e.g. journalctl --user -u "
          "xdg-desktop-portal)");
    }
    return answer;
  }

  static void onSessionClosed(GDBusConnection* /*bus*/, const gchar* /*sender*/,
                              const gchar* /*path*/, const gchar* /*interface*/,
                              const gchar* /*signal*/, GVariant* /*parameters*/, gpointer data) {
    static_cast<Impl*>(data)->closed = true;
  }

  Result<void> readProperties() {
    GError* raw_error = nullptr;
    VariantPtr reply(g_dbus_connection_call_sync(bus, kPortalName, kPortalPath,
                                                 "org.freedesktop.DBus.Properties", "GetAll",
                                                 g_variant_new("(s)", kScreenCast),
                                                 G_VARIANT_TYPE("(a{sv})"), G_DBUS_CALL_FLAGS_NONE,
                                                 kCallTimeoutMs, nullptr, &raw_error));
    ErrorPtr error(raw_error);
    if (!reply) {
      if (isServiceUnknown(error.get())) {
        return captureFailed(std::string("no xdg-desktop-portal on this desktop's session bus: ") +
                             kInstallHint);
      }
      return captureFailed(
          std::string("the desktop portal has no ScreenCast interface (no screen-cast backend for "
                      "this desktop; ") +
          kInstallHint + "): " + errorText(error.get()));
    }
    VariantPtr properties(g_variant_get_child_value(reply.get(), 0));
    version = uintProperty(properties.get(), "version");
    source_types = uintProperty(properties.get(), "AvailableSourceTypes");
    cursor_modes = uintProperty(properties.get(), "AvailableCursorModes");
    if ((source_types & (kSourceMonitor | kSourceWindow)) == 0) {
      return captureFailed(
          std::string("the desktop portal has no screen-cast backend for this desktop (it offers "
                      "no screens or windows to share; ") +
          kInstallHint + ")");
    }
    return {};
  }
};

ScreenCastPortal::ScreenCastPortal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScreenCastPortal::~ScreenCastPortal() = default;

Result<std::unique_ptr<ScreenCastPortal>> ScreenCastPortal::connect() {
  auto impl = std::make_unique<Impl>();
  GError* raw_error = nullptr;
  gchar* address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SESSION, nullptr, &raw_error);
  ErrorPtr error(raw_error);
  if (address == nullptr) {
    return captureFailed(
        "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set and there is no "
        "$XDG_RUNTIME_DIR/bus): sharing a Wayland screen goes through the desktop portal on the "
        "session bus; " +
        errorText(error.get()));
  }
  {
    // A connection of our own: closing it (or the process ending) ends the
    // portal session, and nothing else in the process shares its state.
    ThreadDefaultContext scope(impl->context);
    raw_error = nullptr;
    impl->bus =
        g_dbus_connection_new_for_address_sync(address,
                                               static_cast<GDBusConnectionFlags>(
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION),
                                               nullptr, nullptr, &raw_error);
    error.reset(raw_error);
  }
  g_free(address);
  if (impl->bus == nullptr) {
    return captureFailed("cannot connect to the D-Bus session bus: " + errorText(error.get()));
  }
  // The process may outlive the bus (the desktop session ends): no SIGTERM.
  g_dbus_connection_set_exit_on_close(impl->bus, FALSE);
  if (auto ok = impl->readProperties(); !ok) {
    return makeError(std::move(ok).error());
  }
  return std::unique_ptr<ScreenCastPortal>(new ScreenCastPortal(std::move(impl)));
}

Result<PortalGrant> ScreenCastPortal::start(const PortalRequest& request) {
  Impl& p = *impl_;
  const auto short_wait = std::chrono::milliseconds(kCallTimeoutMs);

  // CreateSession
  {
    const std::string token = newToken("create");
    const std::string session_token = newToken("session");
    GVariantBuilder options;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&options, "{sv}", "handle_token", g_variant_new_string(token.c_str()));
    g_variant_builder_add(&options, "{sv}", "session_handle_token",
                          g_variant_new_string(session_token.c_str()));
    auto answer = p.request("CreateSession", g_variant_new("(a{sv})", &options), token, short_wait,
                            request.withdraw);
    if (!answer) {
      return makeError(std::move(answer).error());
    }
    // Version 1 of the portal sends the handle as a string, later ones may
    // send an object path: take either.
    const char* handle = nullptr;
    if (!g_variant_lookup(answer->results.get(), "session_handle", "&s", &handle) &&
        !g_variant_lookup(answer->results.get(), "session_handle", "&o", &handle)) {
      return captureFailed("the desktop portal created a screen-cast session without a handle");
    }
    if (!g_variant_is_object_path(handle)) {
      return captureFailed("the desktop portal gave a malformed session handle");
    }
    p.session_handle = handle;
    ThreadDefaultContext scope(p.context);
    p.closed_subscription =
        g_dbus_connection_signal_subscribe(p.bus, kPortalName, "org.freedesktop.portal.Session",
                                           "Closed", p.session_handle.c_str(), nullptr,
                                           G_DBUS_SIGNAL_FLAGS_NONE, Impl::onSessionClosed, &p,
                                           nullptr);
  }

  // SelectSources: where the portal has a chooser, it shows it here or at Start.
  {
    const std::string token = newToken("select");
    GVariantBuilder options;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&options, "{sv}", "handle_token", g_variant_new_string(token.c_str()));
    std::uint32_t types = p.source_types & kSourceMonitor;
    if (request.allow_windows) {
      types |= p.source_types & kSourceWindow;
    }
    if (types == 0) {
      types = p.source_types;
    }
    g_variant_builder_add(&options, "{sv}", "types", g_variant_new_uint32(types));
    g_variant_builder_add(&options, "{sv}", "multiple", g_variant_new_boolean(FALSE));
    const std::uint32_t cursor = request.embed_cursor ? kCursorEmbedded : kCursorHidden;
    if ((p.cursor_modes & cursor) != 0) {
      g_variant_builder_add(&options, "{sv}", "cursor_mode", g_variant_new_uint32(cursor));
    }
    if (p.version >= kFirstVersionWithRestore) {
      g_variant_builder_add(&options, "{sv}", "persist_mode",
                            g_variant_new_uint32(kPersistUntilRevoked));
      if (!request.restore_token.empty()) {
        g_variant_builder_add(&options, "{sv}", "restore_token",
                              g_variant_new_string(request.restore_token.c_str()));
      }
    }
    auto answer =
        p.request("SelectSources", g_variant_new("(oa{sv})", p.session_handle.c_str(), &options),
                  token, request.chooser_timeout, request.withdraw);
    if (!answer) {
      return makeError(std::move(answer).error());
    }
  }

  PortalGrant grant;
  grant.portal_version = p.version;
  // Start
  {
    const std::string token = newToken("start");
    GVariantBuilder options;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&options, "{sv}", "handle_token", g_variant_new_string(token.c_str()));
    auto answer =
        p.request("Start", g_variant_new("(osa{sv})", p.session_handle.c_str(), "", &options),
                  token, request.chooser_timeout, request.withdraw);
    if (!answer) {
      return makeError(std::move(answer).error());
    }
    VariantPtr streams(
        g_variant_lookup_value(answer->results.get(), "streams", G_VARIANT_TYPE("a(ua{sv})")));
    if (!streams || g_variant_n_children(streams.get()) == 0) {
      return captureFailed("the desktop portal started a screen cast with no stream in it");
    }
    // One stream: we asked for one source ("multiple" false).
    GVariant* stream_properties = nullptr;
    g_variant_get_child(streams.get(), 0, "(u@a{sv})", &grant.node_id, &stream_properties);
    VariantPtr properties(stream_properties);
    gint32 w = 0;
    gint32 h = 0;
    if (g_variant_lookup(properties.get(), "size", "(ii)", &w, &h) && w > 0 && h > 0) {
      grant.width = w;
      grant.height = h;
    }
    const char* restore = nullptr;
    if (g_variant_lookup(answer->results.get(), "restore_token", "&s", &restore)) {
      grant.restore_token = restore;
    }
  }

  // OpenPipeWireRemote: a direct reply carrying the socket.
  {
    GVariantBuilder options;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    GUnixFDList* fds = nullptr;
    GError* raw_error = nullptr;
    VariantPtr reply(g_dbus_connection_call_with_unix_fd_list_sync(
        p.bus, kPortalName, kPortalPath, kScreenCast, "OpenPipeWireRemote",
        g_variant_new("(oa{sv})", p.session_handle.c_str(), &options), G_VARIANT_TYPE("(h)"),
        G_DBUS_CALL_FLAGS_NONE, kCallTimeoutMs, nullptr, &fds, nullptr, &raw_error));
    ErrorPtr error(raw_error);
    std::unique_ptr<GUnixFDList, ObjectUnref> fd_list(fds);
    if (!reply || !fd_list) {
      return captureFailed("the desktop portal did not hand over the PipeWire stream: " +
                           errorText(error.get()));
    }
    gint32 index = -1;
    g_variant_get(reply.get(), "(h)", &index);
    raw_error = nullptr;
    grant.pipewire_fd = g_unix_fd_list_get(fd_list.get(), index, &raw_error);  // a dup, ours
    error.reset(raw_error);
    if (grant.pipewire_fd < 0) {
      return captureFailed("the desktop portal's PipeWire socket is unusable: " +
                           errorText(error.get()));
    }
  }
  return grant;
}

bool ScreenCastPortal::sessionClosed() {
  // Dispatch a Closed signal that may be waiting; never blocks.
  while (g_main_context_iteration(impl_->context, FALSE)) {
  }
  return impl_->closed;
}

}  // namespace parley::media
