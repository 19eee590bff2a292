# Bandwidth estimation and allocation (GCC): the receiver's delay-based
# estimate, the sender's loss-based target, and the split among streams.
# Pure logic, no libraries (included by media/CMakeLists.txt; adds to
# parley_media).
target_sources(parley_media PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/bitrate_allocator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/delay_based_estimator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/followed_stream.cpp
  ${CMAKE_CURRENT_LIST_DIR}/loss_based_controller.cpp)
