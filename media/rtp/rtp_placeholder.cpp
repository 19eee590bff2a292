// Replaced by the RTP packet code.
namespace parley::media::detail {
int rtpPlaceholder() { return 0; }
}  // namespace parley::media::detail
