# Video: VP8/VP9 (libvpx), frame conversion (libswscale), PNG files
# (libpng), sources (synthetic pattern, still image, screen capture through
# libavdevice). Included by media/CMakeLists.txt; adds to parley_media.
pkg_check_modules(VPX REQUIRED IMPORTED_TARGET vpx)
pkg_check_modules(AVDEVICE REQUIRED IMPORTED_TARGET libavdevice)
pkg_check_modules(AVFORMAT REQUIRED IMPORTED_TARGET libavformat)
pkg_check_modules(AVCODEC REQUIRED IMPORTED_TARGET libavcodec)
pkg_check_modules(AVUTIL REQUIRED IMPORTED_TARGET libavutil)
pkg_check_modules(SWSCALE REQUIRED IMPORTED_TARGET libswscale)
pkg_check_modules(PNG REQUIRED IMPORTED_TARGET libpng)

target_sources(parley_media PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/frame_convert.cpp
  ${CMAKE_CURRENT_LIST_DIR}/image_source.cpp
  ${CMAKE_CURRENT_LIST_DIR}/png_image.cpp
  ${CMAKE_CURRENT_LIST_DIR}/screen_grabber_choice.cpp
  ${CMAKE_CURRENT_LIST_DIR}/synthetic_source.cpp
  ${CMAKE_CURRENT_LIST_DIR}/video_quality.cpp
  ${CMAKE_CURRENT_LIST_DIR}/vpx_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/vpx_encoder.cpp)

# Platform capture, chosen at build time (as net/proxy/ does): x11grab plus
# libX11 for the window list on Linux and the BSDs; Desktop Duplication or
# GDI on Windows; a stub on macOS until the avfoundation grabber exists.
if(UNIX AND NOT APPLE)
  pkg_check_modules(X11 REQUIRED IMPORTED_TARGET x11)
  target_sources(parley_media PRIVATE ${CMAKE_CURRENT_LIST_DIR}/screen_capture_x11.cpp)
  target_link_libraries(parley_media PRIVATE PkgConfig::X11)
  # Wayland desktops: the ScreenCast portal over GDBus, frames from PipeWire
  # (docs/adr/0018-wayland-screen-sharing.md).
  pkg_check_modules(GIO_UNIX REQUIRED IMPORTED_TARGET gio-2.0 gio-unix-2.0)
  pkg_check_modules(PIPEWIRE REQUIRED IMPORTED_TARGET libpipewire-0.3)
  target_sources(parley_media PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/portal_screen_capture.cpp
    ${CMAKE_CURRENT_LIST_DIR}/portal/pipewire_screen_stream.cpp
    ${CMAKE_CURRENT_LIST_DIR}/portal/screencast_portal.cpp)
  target_link_libraries(parley_media PRIVATE PkgConfig::GIO_UNIX PkgConfig::PIPEWIRE)
elseif(WIN32)
  target_sources(parley_media PRIVATE ${CMAKE_CURRENT_LIST_DIR}/screen_capture_win.cpp
                                      ${CMAKE_CURRENT_LIST_DIR}/win_screen_grabber.cpp
                                      ${CMAKE_CURRENT_LIST_DIR}/portal_screen_capture_other.cpp)
  target_link_libraries(parley_media PRIVATE d3d11 dxgi gdi32 user32)
else()
  target_sources(parley_media PRIVATE ${CMAKE_CURRENT_LIST_DIR}/screen_capture_other.cpp
                                      ${CMAKE_CURRENT_LIST_DIR}/portal_screen_capture_other.cpp)
endif()

# PRIVATE: no public header includes a library header (libvpx, FFmpeg,
# libpng and Xlib types stay in the .cpp files).
target_link_libraries(parley_media PRIVATE
  PkgConfig::VPX PkgConfig::AVDEVICE PkgConfig::AVFORMAT PkgConfig::AVCODEC PkgConfig::AVUTIL
  PkgConfig::SWSCALE PkgConfig::PNG)
