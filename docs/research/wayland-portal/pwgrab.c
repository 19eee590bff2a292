/* pwgrab: consume a portal ScreenCast PipeWire node via the fd from OpenPipeWireRemote.
 * usage: pwgrab <fd> <node_id> <nframes> <outprefix> [timeout_s]
 * Writes <outprefix>-N.ppm, prints negotiated format and per-buffer data type. */
#include <pipewire/pipewire.h>
#include <spa/param/video/format-utils.h>
#include <spa/debug/types.h>
#include <spa/param/video/type-info.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

struct data {
	struct pw_main_loop *loop;
	struct pw_stream *stream;
	struct spa_video_info_raw fmt;
	int got, want;
	const char *prefix;
	struct timespec t0;
	uint8_t *expect; int ew, eh; int matched;
};

static double now(struct data *d) {
	struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - d->t0.tv_sec) + (t.tv_nsec - d->t0.tv_nsec) / 1e9;
}

static void on_param_changed(void *userdata, uint32_t id, const struct spa_pod *param) {
	struct data *d = userdata;
	if (param == NULL || id != SPA_PARAM_Format) return;
	uint32_t mt, mst;
	if (spa_format_parse(param, &mt, &mst) < 0 || mt != SPA_MEDIA_TYPE_video || mst != SPA_MEDIA_SUBTYPE_raw) return;
	spa_format_video_raw_parse(param, &d->fmt);
	printf("%.3fs FORMAT %s %ux%u framerate %u/%u max %u/%u modifier 0x%llx (flags 0x%x)\n", now(d),
		spa_debug_type_find_short_name(spa_type_video_format, d->fmt.format),
		d->fmt.size.width, d->fmt.size.height, d->fmt.framerate.num, d->fmt.framerate.denom,
		d->fmt.max_framerate.num, d->fmt.max_framerate.denom, (unsigned long long)d->fmt.modifier, d->fmt.flags);
	/* Ask for memory we can map: MemFd or MemPtr (no DmaBuf). */
	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	const struct spa_pod *params[1];
	params[0] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers,
		SPA_PARAM_BUFFERS_dataType, SPA_POD_CHOICE_FLAGS_Int((1 << SPA_DATA_MemFd) | (1 << SPA_DATA_MemPtr)));
	pw_stream_update_params(d->stream, params, 1);
	fflush(stdout);
}

static void on_state_changed(void *userdata, enum pw_stream_state old, enum pw_stream_state state, const char *error) {
	struct data *d = userdata;
	printf("%.3fs STATE %s -> %s %s\n", now(d), pw_stream_state_as_string(old), pw_stream_state_as_string(state), error ? error : "");
	fflush(stdout);
	if (state == PW_STREAM_STATE_ERROR || state == PW_STREAM_STATE_UNCONNECTED) pw_main_loop_quit(d->loop);
}

static void on_process(void *userdata) {
	struct data *d = userdata;
	struct pw_buffer *b = pw_stream_dequeue_buffer(d->stream);
	if (!b) return;
	struct spa_buffer *buf = b->buffer;
	struct spa_data *sd = &buf->datas[0];
	const char *tn = spa_debug_type_find_short_name(spa_type_data_type, sd->type);
	if (sd->data == NULL || sd->chunk->size == 0) {
		printf("%.3fs BUFFER (empty/unmapped) type=%s size=%u flags=0x%x\n", now(d), tn, sd->chunk->size, sd->chunk->flags);
		pw_stream_queue_buffer(d->stream, b); fflush(stdout); return;
	}
	int w = d->fmt.size.width, h = d->fmt.size.height, stride = sd->chunk->stride;
	printf("%.3fs FRAME %d type=%s chunk.size=%u stride=%d offset=%u n_datas=%u\n", now(d), d->got, tn,
		sd->chunk->size, stride, sd->chunk->offset, buf->n_datas);
	char path[512]; snprintf(path, sizeof path, "%s-%d.ppm", d->prefix, d->got);
	FILE *f = fopen(path, "wb");
	fprintf(f, "P6\n%d %d\n255\n", w, h);
	long diff = 0;
	const uint8_t *base = (const uint8_t *)sd->data + sd->chunk->offset;
	for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
		const uint8_t *p = base + y * stride + x * 4;
		uint8_t rgb[3];
		switch (d->fmt.format) {
		case SPA_VIDEO_FORMAT_BGRx: case SPA_VIDEO_FORMAT_BGRA: rgb[0] = p[2]; rgb[1] = p[1]; rgb[2] = p[0]; break;
		case SPA_VIDEO_FORMAT_RGBx: case SPA_VIDEO_FORMAT_RGBA: rgb[0] = p[0]; rgb[1] = p[1]; rgb[2] = p[2]; break;
		case SPA_VIDEO_FORMAT_xRGB: case SPA_VIDEO_FORMAT_ARGB: rgb[0] = p[1]; rgb[1] = p[2]; rgb[2] = p[3]; break;
		default: rgb[0] = p[3]; rgb[1] = p[2]; rgb[2] = p[1]; break; /* xBGR/ABGR */
		}
		fwrite(rgb, 1, 3, f);
		if (d->expect && d->ew == w && d->eh == h && memcmp(rgb, d->expect + 3 * ((size_t)y * w + x), 3) != 0) diff++;
	}
	fclose(f);
	if (d->expect) {
		if (d->ew != w || d->eh != h) diff = (long)w * h;
		printf("%.3fs FRAME %d differs from expected in %ld pixels\n", now(d), d->got, diff);
		if (diff == 0) { printf("%.3fs MATCH\n", now(d)); d->matched = 1; pw_main_loop_quit(d->loop); }
	}
	fflush(stdout);
	pw_stream_queue_buffer(d->stream, b);
	if (++d->got >= d->want && !d->matched) pw_main_loop_quit(d->loop);
}

static const struct pw_stream_events stream_events = {
	PW_VERSION_STREAM_EVENTS,
	.state_changed = on_state_changed,
	.param_changed = on_param_changed,
	.process = on_process,
};

static void on_timeout(void *userdata, uint64_t expirations) {
	struct data *d = userdata;
	printf("%.3fs TIMEOUT after %d frames\n", now(d), d->got);
	pw_main_loop_quit(d->loop);
}

int main(int argc, char *argv[]) {
	if (argc < 5) { fprintf(stderr, "usage: %s fd node nframes prefix [timeout]\n", argv[0]); return 2; }
	struct data d = { .want = atoi(argv[3]), .prefix = argv[4] };
	clock_gettime(CLOCK_MONOTONIC, &d.t0);
	int fd = atoi(argv[1]); uint32_t node = strtoul(argv[2], NULL, 10);
	double timeout = argc > 5 ? atof(argv[5]) : 15;
	if (argc > 6) { /* expected image, binary PPM (P6, maxval 255) */
		FILE *e = fopen(argv[6], "rb");
		if (!e || fscanf(e, "P6 %d %d 255", &d.ew, &d.eh) != 2) { fprintf(stderr, "bad expected ppm\n"); return 2; }
		fgetc(e); d.expect = malloc((size_t)d.ew * d.eh * 3);
		if (fread(d.expect, 3, (size_t)d.ew * d.eh, e) != (size_t)d.ew * d.eh) { fprintf(stderr, "short ppm\n"); return 2; }
		fclose(e);
	}
	pw_init(&argc, &argv);
	d.loop = pw_main_loop_new(NULL);
	struct pw_context *ctx = pw_context_new(pw_main_loop_get_loop(d.loop), NULL, 0);
	struct pw_core *core = pw_context_connect_fd(ctx, fd, NULL, 0); /* takes ownership of fd */
	if (!core) { perror("pw_context_connect_fd"); return 3; }
	d.stream = pw_stream_new(core, "parley-pwgrab", pw_properties_new(
		PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY, "Capture", PW_KEY_MEDIA_ROLE, "Screen", NULL));
	pw_stream_add_listener(d.stream, &(struct spa_hook){0}, &stream_events, &d);

	uint8_t buf[1024];
	struct spa_pod_builder b = SPA_POD_BUILDER_INIT(buf, sizeof(buf));
	const struct spa_pod *params[1];
	params[0] = spa_pod_builder_add_object(&b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
		SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
		SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
		SPA_FORMAT_VIDEO_format, SPA_POD_CHOICE_ENUM_Id(9, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRx,
			SPA_VIDEO_FORMAT_BGRA, SPA_VIDEO_FORMAT_RGBx, SPA_VIDEO_FORMAT_RGBA, SPA_VIDEO_FORMAT_xRGB,
			SPA_VIDEO_FORMAT_ARGB, SPA_VIDEO_FORMAT_xBGR, SPA_VIDEO_FORMAT_ABGR),
		SPA_FORMAT_VIDEO_size, SPA_POD_CHOICE_RANGE_Rectangle(&SPA_RECTANGLE(1280, 720), &SPA_RECTANGLE(1, 1), &SPA_RECTANGLE(8192, 8192)),
		SPA_FORMAT_VIDEO_framerate, SPA_POD_CHOICE_RANGE_Fraction(&SPA_FRACTION(0, 1), &SPA_FRACTION(0, 1), &SPA_FRACTION(240, 1)));
	struct pw_loop *l = pw_main_loop_get_loop(d.loop);
	struct spa_source *t = pw_loop_add_timer(l, on_timeout, &d);
	struct timespec ts = { (time_t)timeout, (long)((timeout - (time_t)timeout) * 1e9) };
	pw_loop_update_timer(l, t, &ts, NULL, false);
	if (pw_stream_connect(d.stream, PW_DIRECTION_INPUT, node,
			PW_STREAM_FLAG_AUTOCONNECT | PW_STREAM_FLAG_MAP_BUFFERS, params, 1) < 0) { fprintf(stderr, "connect failed\n"); return 4; }
	pw_main_loop_run(d.loop);
	printf("%.3fs DONE frames=%d\n", now(&d), d.got);
	pw_stream_destroy(d.stream);
	pw_core_disconnect(core);
	pw_context_destroy(ctx);
	pw_main_loop_destroy(d.loop);
	pw_deinit();
	if (d.expect) return d.matched ? 0 : 1;
	return d.got >= d.want ? 0 : 1;
}
