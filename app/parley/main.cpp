// parley: the Qt desktop client. Wiring only: the application object, the
// translator, the command line, and the AppController that runs the flow.
//
//   parley [--server HOST] [--port N] [--alt-port N] [--ca FILE] [--user NAME]
//          [--room ROOM] [--settings FILE] [--sign-in]
//
// --sign-in signs in at once, with the password from PARLEY_PASSWORD (the
// demo script uses it); options given here are not saved unless the sign-in
// is made.

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>
#include <csignal>
#include <cstdlib>

#include "app/version.h"
#include "ui/application/app_controller.h"
#include "ui/application/app_icon.h"
#include "ui/application/resources_init.h"

int main(int argc, char** argv) {
#ifdef SIGPIPE  // POSIX: a write to a closed socket is an error, not a signal
  std::signal(SIGPIPE, SIG_IGN);
#endif
  QApplication::setHighDpiScaleFactorRoundingPolicy(
      Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Parley"));
  QApplication::setOrganizationDomain(QStringLiteral("parley.org"));
  QApplication::setApplicationName(QStringLiteral("Parley"));
  QApplication::setApplicationVersion(QString::fromLatin1(parley::app::kVersion));
  QApplication::setDesktopFileName(QStringLiteral("org.parley.Parley"));
  parley::ui::initResources();
  QApplication::setWindowIcon(parley::ui::appIcon());

  QTranslator qt_translator;
  if (qt_translator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                         QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    QApplication::installTranslator(&qt_translator);
  }
  QTranslator translator;
  if (translator.load(QLocale(), QStringLiteral("parley"), QStringLiteral("_"),
                      QStringLiteral(":/i18n"))) {
    QApplication::installTranslator(&translator);
  }

  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "Parley desktop client"));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption server({QStringLiteral("server")},
                                  QApplication::translate("main", "Server host name."),
                                  QStringLiteral("host"));
  const QCommandLineOption port({QStringLiteral("port")},
                                QApplication::translate("main", "Server port."),
                                QStringLiteral("port"));
  const QCommandLineOption alt_port({QStringLiteral("alt-port")},
                                    QApplication::translate("main", "Alternative server port."),
                                    QStringLiteral("port"));
  const QCommandLineOption ca({QStringLiteral("ca")},
                              QApplication::translate("main", "The deployment's CA file."),
                              QStringLiteral("file"));
  const QCommandLineOption user({QStringLiteral("user")},
                                QApplication::translate("main", "User name."),
                                QStringLiteral("name"));
  const QCommandLineOption room({QStringLiteral("room")},
                                QApplication::translate("main", "Room to join."),
                                QStringLiteral("room"));
  const QCommandLineOption settings({QStringLiteral("settings")},
                                    QApplication::translate("main", "Settings file (INI)."),
                                    QStringLiteral("file"));
  const QCommandLineOption no_auto(
      {QStringLiteral("no-auto")},
      QApplication::translate("main", "Turn proxy auto-detection off for this run."));
  const QCommandLineOption sign_in(
      {QStringLiteral("sign-in")},
      QApplication::translate("main", "Sign in at once (password from PARLEY_PASSWORD)."));
  parser.addOptions({server, port, alt_port, ca, user, room, settings, no_auto, sign_in});
  parser.process(app);

  parley::ui::AppController::Options options;
  options.settings_file = parser.value(settings);
  parley::ui::AppController controller(options);

  parley::ui::ConnectionSettings s = controller.settings();
  auto portValue = [&parser](const QCommandLineOption& option, int fallback) {
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    return ok && parley::ui::validatePort(value).isEmpty() ? value : fallback;
  };
  if (parser.isSet(server)) {
    s.server = parser.value(server);
  }
  s.tls_port = portValue(port, s.tls_port);
  s.alt_port = portValue(alt_port, s.alt_port);
  if (parser.isSet(ca)) {
    s.ca_file = parser.value(ca);
  }
  if (parser.isSet(user)) {
    s.user = parser.value(user);
  }
  if (parser.isSet(room)) {
    s.room = parser.value(room);
  }
  if (parser.isSet(no_auto)) {
    s.auto_detect = false;
  }
  const char* password = std::getenv("PARLEY_PASSWORD");
  controller.prefill(s, password != nullptr ? QString::fromUtf8(password) : QString());
  controller.show();
  if (parser.isSet(sign_in)) {
    QTimer::singleShot(0, &controller, &parley::ui::AppController::signIn);
  }
  return QApplication::exec();
}
