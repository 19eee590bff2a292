#include "tests/ui/gui_test_support.h"

#include <QApplication>
#include <QDir>
#include <QPixmap>

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

void screenshot(QWidget* widget, const QString& name) {
  const QString dir = qEnvironmentVariable("PARLEY_SCREENSHOT_DIR");
  if (dir.isEmpty() || widget == nullptr) {
    return;
  }
  QDir().mkpath(dir);
  QApplication::processEvents();
  widget->grab().save(dir + QLatin1Char('/') + name + QStringLiteral(".png"));
}

}  // namespace parley::test
