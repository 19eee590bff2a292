#pragma once
// SettingsStore: loads and saves ConnectionSettings with QSettings (never a
// secret: passwords go to the SecretStore). A settings file edited by hand
// into nonsense loads as defaults, field by field, with one warning per field
// the user can read; it never crashes and never keeps an invalid value.
//
// Threads: GUI thread (QSettings is not shared across threads here).

#include <QString>
#include <QStringList>
#include <memory>

#include "ui/settings/connection_settings.h"

class QSettings;

namespace parley::ui {

struct LoadedSettings {
  ConnectionSettings settings;
  QStringList warnings;  // empty when the file was sound (or absent)
};

class SettingsStore {
 public:
  // Uses the application's default QSettings (organization "Parley").
  SettingsStore();
  // Uses an INI file at `path` (tests, portable installs).
  explicit SettingsStore(const QString& path);
  ~SettingsStore();
  SettingsStore(const SettingsStore&) = delete;
  SettingsStore& operator=(const SettingsStore&) = delete;

  [[nodiscard]] LoadedSettings load() const;
  // Refuses (returns the problems, saves nothing) when validateSettings does.
  QStringList save(const ConnectionSettings& settings);
  [[nodiscard]] QString fileName() const;

 private:
  std::unique_ptr<QSettings> settings_;
};

}  // namespace parley::ui
