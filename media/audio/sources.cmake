# Voice: Opus, WAV files, jitter buffer, mixing, echo cancellation (included
# by media/CMakeLists.txt; adds to parley_media).
pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus)
pkg_check_modules(SWRESAMPLE REQUIRED IMPORTED_TARGET libswresample)
pkg_check_modules(AVUTIL REQUIRED IMPORTED_TARGET libavutil)
# 0.3 API; its cflags carry -DWEBRTC_POSIX and friends, which the headers need.
pkg_check_modules(WEBRTC_APM REQUIRED IMPORTED_TARGET webrtc-audio-processing)

target_sources(parley_media PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/audio_mixer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audio_receive_stream.cpp
  ${CMAKE_CURRENT_LIST_DIR}/echo_canceller.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jitter_buffer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/opus_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/opus_encoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/speech_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wav_file.cpp)

# PRIVATE: no public header includes a library header (opus.h, webrtc and
# FFmpeg types stay behind forward declarations).
target_link_libraries(parley_media PRIVATE
  PkgConfig::OPUS PkgConfig::SWRESAMPLE PkgConfig::AVUTIL PkgConfig::WEBRTC_APM)
