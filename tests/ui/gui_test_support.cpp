#include "tests/ui/gui_test_support.h"

#include <set>
#include <vector>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPixmap>
#include <QTabBar>
#include <QTest>
#include <QTextEdit>

namespace parley::test {

TempSettings::TempSettings() = default;

QByteArray cliReport(CliProcess& cli) {
  const auto code = cli.process().waitFor(std::chrono::milliseconds(0));
  QByteArray report = code ? "parley-cli exited with " + QByteArray::number(*code)
                           : QByteArray("parley-cli is still running");
  report += "; its output:\n";
  for (const auto& line : cli.linesSoFar()) {
    report += QByteArray::fromStdString(line) + '\n';
  }
  return report;
}

QStringList unnamedControls(const QWidget* root, int* checked) {
  QStringList unnamed;
  for (QWidget* w : root->findChildren<QWidget*>()) {
    const bool control =
        qobject_cast<QAbstractButton*>(w) != nullptr || qobject_cast<QLineEdit*>(w) != nullptr ||
        qobject_cast<QTextEdit*>(w) != nullptr || qobject_cast<QComboBox*>(w) != nullptr ||
        qobject_cast<QAbstractItemView*>(w) != nullptr ||
        qobject_cast<QAbstractSlider*>(w) != nullptr ||
        qobject_cast<QAbstractSpinBox*>(w) != nullptr || qobject_cast<QTabBar*>(w) != nullptr;
    // Parts of a composite control (a table's scroll bars and corner
    // button, a combo box's line edit) are named by Qt through their owner.
    const bool part =
        w->objectName().startsWith(QLatin1String("qt_")) ||
        qobject_cast<QAbstractItemView*>(w->parentWidget()) != nullptr ||
        qobject_cast<QComboBox*>(w->parentWidget()) != nullptr ||
        (w->parentWidget() != nullptr &&
         qobject_cast<QAbstractItemView*>(w->parentWidget()->parentWidget()) != nullptr);
    if (!control || part || w->isHidden()) {
      continue;
    }
    if (checked != nullptr) {
      ++*checked;
    }
    QAccessibleInterface* a = QAccessible::queryAccessibleInterface(w);
    if (a == nullptr || a->text(QAccessible::Name).trimmed().isEmpty()) {
      unnamed << QString::fromLatin1(w->metaObject()->className()) + QLatin1Char(' ') +
                     w->objectName();
    }
  }
  return unnamed;
}

QStringList untabbableControls(QWidget* window, QStringList* order) {
  const auto describe = [](const QWidget* w) {
    return QString::fromLatin1(w->metaObject()->className()) + QLatin1Char(' ') + w->objectName();
  };
  // What a keyboard user must be able to reach: every control on screen
  // that takes focus from Tab.
  std::vector<QWidget*> wanted;
  for (QWidget* w : window->findChildren<QWidget*>()) {
    if (w->isVisible() && w->isEnabled() && (w->focusPolicy() & Qt::TabFocus) != 0 &&
        w->window() == window && w->focusProxy() == nullptr) {
      wanted.push_back(w);
    }
  }
  std::set<QWidget*> reached;
  // Keyboard focus goes to the active window only.
  window->activateWindow();
  (void)QTest::qWaitForWindowActive(window, kLocalWaitMs);
  if (QApplication::focusWidget() == nullptr && !wanted.empty()) {
    wanted.front()->setFocus(Qt::TabFocusReason);
  }
  // Tab from control to control, bounded: at most twice the controls there
  // are, stopping when focus comes round again or is stuck (a trap).
  QWidget* start = QApplication::focusWidget();
  for (std::size_t i = 0; start != nullptr && i < 2 * wanted.size() + 2; ++i) {
    QWidget* here = QApplication::focusWidget();
    if (here == nullptr) {
      break;
    }
    reached.insert(here);
    if (order != nullptr) {
      *order << describe(here);
    }
    QTest::keyClick(here, Qt::Key_Tab);
    QWidget* next = QApplication::focusWidget();
    if (next == start || next == here) {
      break;
    }
  }
  QStringList missing;
  for (QWidget* w : wanted) {
    if (reached.count(w) == 0) {
      missing << describe(w);
    }
  }
  return missing;
}

void screenshot(QWidget* widget, const QString& name) {
  const QString dir = qEnvironmentVariable("PARLEY_SCREENSHOT_DIR");
  if (dir.isEmpty() || widget == nullptr) {
    return;
  }
  QDir().mkpath(dir);
  QApplication::processEvents();
  // Under QT_SCALE_FACTOR (200 % and the like) the file says so:
  // meeting-controls@2x.png.
  QString file = name;
  const QString scale = qEnvironmentVariable("QT_SCALE_FACTOR");
  if (!scale.isEmpty() && scale != QLatin1String("1")) {
    file += QLatin1Char('@') + scale + QLatin1Char('x');
  }
  widget->grab().save(dir + QLatin1Char('/') + file + QStringLiteral(".png"));
}

ui::ConnectionSettings loopbackSettings(const ServerFixture& server, const QString& user,
                                        const QString& room) {
  ui::ConnectionSettings s;
  s.server = QStringLiteral("127.0.0.1");
  s.tls_port = server.port();
  s.alt_port = server.port();
  s.ca_file = QString::fromStdString(server.caFile());
  s.user = user;
  s.room = room;
  s.auto_detect = false;
  s.socks.clear();
  return s;
}

}  // namespace parley::test
