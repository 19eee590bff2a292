# Voice: Opus, WAV files, jitter buffer, mixing, echo cancellation (included
# by media/CMakeLists.txt; adds to parley_media).
