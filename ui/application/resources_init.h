#pragma once
// Registers the resources compiled into parley_ui (icons, translations).
// parley_ui is a static library, so the linker would otherwise drop their
// static registration; every window calls this (idempotent, GUI thread).

namespace parley::ui {
void initResources();
}
