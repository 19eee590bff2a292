#include "ui/meeting/reception_details.h"

#include <QCoreApplication>
#include <QStringList>

namespace parley::ui {
namespace {

// The translation context of these texts (lupdate reads tr() here).
class ReceptionText {
  Q_DECLARE_TR_FUNCTIONS(ReceptionDetails)

 public:
  static QString streamLine(const client::CallStreamStats& s);
  static QString repairLine(const client::CallStats& stats);
};

QString ReceptionText::streamLine(const client::CallStreamStats& s) {
  if (s.kind == "audio") {
    return tr("Voice: %1 packets, %2 lost, %3 concealed, jitter %4 ms")
        .arg(s.packets)
        .arg(s.lost)
        .arg(s.concealed)
        .arg(s.jitter_ms, 0, 'f', 1);
  }
  const QString what = s.kind == "screen" ? tr("Screen") : tr("Camera");
  return tr("%1: %2 frames, %3 lost, stood still %4 ms at most, %5x%6")
      .arg(what)
      .arg(s.frames)
      .arg(s.lost)
      .arg(s.longest_frame_gap_ms, 0, 'f', 0)
      .arg(s.width)
      .arg(s.height);
}

QString ReceptionText::repairLine(const client::CallStats& stats) {
  return tr("Video repair (all senders): %1 packets lost on the way, %2 recovered by "
            "retransmission, %3 given up, %4 key frames asked for")
      .arg(stats.video_packets_missing)
      .arg(stats.video_packets_recovered)
      .arg(stats.video_repair_given_up)
      .arg(stats.video_key_frame_requests);
}

}  // namespace

QHash<QString, QString> receptionDetails(const client::CallStats& stats) {
  QHash<QString, QStringList> lines;
  for (const auto& s : stats.streams) {
    if (!s.user.empty()) {
      lines[QString::fromStdString(s.user)] << ReceptionText::streamLine(s);
    }
  }
  const bool any_video = stats.video_packets_missing > 0 || stats.repair.rtx_received > 0;
  const QString repair = ReceptionText::repairLine(stats);
  QHash<QString, QString> out;
  for (auto it = lines.begin(); it != lines.end(); ++it) {
    if (any_video) {
      it.value() << repair;
    }
    out.insert(it.key(), it.value().join(QLatin1Char('\n')));
  }
  return out;
}

}  // namespace parley::ui
