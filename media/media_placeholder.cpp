// parley_media has no code yet; the media issue fills it. Kept so the layer
// and its link rules exist before its first real file.
namespace parley::media {
int mediaLayerVersion() { return 0; }
}  // namespace parley::media
