#include "media/video/image_source.h"

#include "media/video/png_image.h"

namespace parley::media {

ImageSource::ImageSource(VideoFrame frame, std::string name, int fps)
    : frame_(std::move(frame)), name_(std::move(name)), fps_(fps) {}

Result<std::unique_ptr<ImageSource>> ImageSource::open(const std::filesystem::path& png, int fps) {
  auto image = readPng(png);
  if (!image) {
    return makeError(std::move(image).error());
  }
  return fromImage(*image, "file:" + png.string(), fps);
}

Result<std::unique_ptr<ImageSource>> ImageSource::fromImage(const PackedImage& image,
                                                            std::string name, int fps) {
  if (fps < 1 || fps > 120) {
    return makeError(ErrorCode::MediaUnsupported,
                     "image source frame rate out of range: " + std::to_string(fps));
  }
  // libvpx needs at least 2x2 (4:2:0 chroma of a 1-pixel image is odd).
  if (image.width < 2 || image.height < 2) {
    return makeError(ErrorCode::MediaUnsupported,
                     "image too small to share: " + std::to_string(image.width) + "x" +
                         std::to_string(image.height));
  }
  FrameConverter converter;
  auto frame = converter.toI420(view(image));
  if (!frame) {
    return makeError(std::move(frame).error());
  }
  return std::unique_ptr<ImageSource>(
      new ImageSource(std::move(frame).value(), std::move(name), fps));
}

Result<std::optional<VideoFrame>> ImageSource::nextFrame() {
  VideoFrame frame = frame_.clone();
  frame.setTimestamp(std::chrono::microseconds(
      static_cast<std::int64_t>(next_index_ * 1000000 / static_cast<std::uint64_t>(fps_))));
  ++next_index_;
  return std::optional<VideoFrame>(std::move(frame));
}

}  // namespace parley::media
