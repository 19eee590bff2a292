# The client's audio engine: the 20 ms audio thread, file and null devices
# (included by media/CMakeLists.txt; adds to parley_media).
target_sources(parley_media PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/audio_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/file_audio_devices.cpp
  ${CMAKE_CURRENT_LIST_DIR}/swappable_audio_device.cpp
  ${CMAKE_CURRENT_LIST_DIR}/video_receiver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/video_sender.cpp)
