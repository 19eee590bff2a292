#pragma once
// The error libvpx reports for a codec context, as a Parley error naming the
// call that failed. Shared by the encoder and the decoder (internal header).

#include <vpx/vpx_codec.h>

#include <string>

#include "core/base/result.h"

namespace parley::media::detail {

inline Unexpected vpxError(vpx_codec_ctx_t* ctx, const char* what) {
  std::string detail = std::string("libvpx ") + what + ": " + vpx_codec_error(ctx);
  if (const char* more = vpx_codec_error_detail(ctx); more != nullptr) {
    detail += " (";
    detail += more;
    detail += ")";
  }
  return makeError(ErrorCode::MediaCodecFailed, std::move(detail));
}

}  // namespace parley::media::detail
