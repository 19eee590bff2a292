#pragma once
// What we receive from each participant, as a person reads it: the text of
// the participant list's details (a row's tooltip). Voice: packets, lost,
// concealed, jitter; camera and screen: frames, frames lost, the longest the
// picture stood still, the size; and the video repair of the whole call
// (lost before repair, recovered by retransmission, given up). From the
// call's statistics, once a second.
//
// A plain function: GUI thread (QString), no widgets.

#include <QHash>
#include <QString>

#include "core/client/call/call.h"

namespace parley::ui {

// User name -> details, for every sender the statistics name.
QHash<QString, QString> receptionDetails(const client::CallStats& stats);

}  // namespace parley::ui
