# Voice: Opus, WAV files, jitter buffer, mixing, echo cancellation (included
# by media/CMakeLists.txt; adds to parley_media).
pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus)
pkg_check_modules(SWRESAMPLE REQUIRED IMPORTED_TARGET libswresample)
pkg_check_modules(AVUTIL REQUIRED IMPORTED_TARGET libavutil)
# Echo cancellation engine (docs/adr/0014-echo-cancellation-engines.md):
# webrtc-audio-processing where Debian ships it, speexdsp on Windows.
if(WIN32)
  set(PARLEY_ECHO_CANCELLER_DEFAULT speexdsp)
else()
  set(PARLEY_ECHO_CANCELLER_DEFAULT webrtc)
endif()
set(PARLEY_ECHO_CANCELLER ${PARLEY_ECHO_CANCELLER_DEFAULT} CACHE STRING
    "echo cancellation engine: webrtc (webrtc-audio-processing 0.3) or speexdsp")
set_property(CACHE PARLEY_ECHO_CANCELLER PROPERTY STRINGS webrtc speexdsp)
if(PARLEY_ECHO_CANCELLER STREQUAL "webrtc")
  # 0.3 API; its cflags carry -DWEBRTC_POSIX and friends, which the headers need.
  pkg_check_modules(ECHO_ENGINE REQUIRED IMPORTED_TARGET webrtc-audio-processing)
elseif(PARLEY_ECHO_CANCELLER STREQUAL "speexdsp")
  pkg_check_modules(ECHO_ENGINE REQUIRED IMPORTED_TARGET speexdsp)
else()
  message(FATAL_ERROR "PARLEY_ECHO_CANCELLER must be webrtc or speexdsp, not '${PARLEY_ECHO_CANCELLER}'")
endif()

target_sources(parley_media PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/audio_mixer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/audio_receive_stream.cpp
  ${CMAKE_CURRENT_LIST_DIR}/echo_canceller_${PARLEY_ECHO_CANCELLER}.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jitter_buffer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/opus_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/opus_encoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/speech_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wav_file.cpp)

# PRIVATE: no public header includes a library header (opus.h, webrtc and
# FFmpeg types stay behind forward declarations).
target_link_libraries(parley_media PRIVATE
  PkgConfig::OPUS PkgConfig::SWRESAMPLE PkgConfig::AVUTIL PkgConfig::ECHO_ENGINE)
