/* Writes a VP9 profile 0 IVF stream whose inter frames change the frame
 * size without a key frame (predicted from references of the old size,
 * which the decoder scales). FFmpeg's libvpx-vp9 wrapper cannot: it never
 * passes a new size to the encoder.
 *
 * usage: vp9-resize OUT.ivf
 *
 * libvpx codes a size change without a key frame in one-pass mode with no
 * lag, when the new size is within the scaling limits of the old one and
 * no larger than the first (vp9_cx_iface.c, encoder_set_config). No
 * intra-only frame: libvpx makes one only in SVC mode with two or more
 * spatial layers (vp9_ratectrl.c, set_intra_only_frame), where every
 * superframe holds frames of two sizes. Frames are a synthetic moving
 * picture, computed at each size from the same coordinates. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#define FPS 25

/* Frame size per frame index: 320x240, down to 240x180 and 160x120, back
 * up to 320x240. */
static const struct {
	unsigned from, w, h;
} schedule[] = {
	{ 0, 320, 240 }, { 8, 240, 180 }, { 14, 160, 120 }, { 20, 320, 240 },
};
#define FRAMES 30

static void size_of(unsigned n, unsigned *w, unsigned *h)
{
	for (size_t i = 0; i < sizeof(schedule) / sizeof(schedule[0]); i++)
		if (n >= schedule[i].from) {
			*w = schedule[i].w;
			*h = schedule[i].h;
		}
}

/* A gradient with a square crossing it, in 320x240 coordinates. */
static void draw(vpx_image_t *img, unsigned n)
{
	unsigned w = img->d_w, h = img->d_h;

	for (unsigned y = 0; y < h; y++) {
		uint8_t *row = img->planes[0] + (size_t)y * img->stride[0];
		for (unsigned x = 0; x < w; x++) {
			unsigned X = x * 320 / w, Y = y * 240 / h;
			unsigned bx = 40 + n * 8, by = 60 + n * 3;
			int in = X >= bx && X < bx + 64 && Y >= by && Y < by + 64;
			row[x] = in ? 235 : (uint8_t)(16 + (X + Y + n * 4) % 200);
		}
	}
	for (int p = 1; p < 3; p++)
		for (unsigned y = 0; y < (h + 1) / 2; y++) {
			uint8_t *row = img->planes[p] + (size_t)y * img->stride[p];
			for (unsigned x = 0; x < (w + 1) / 2; x++)
				row[x] = (uint8_t)(p == 1 ? 128 + (x * 640 / w) % 64 :
							    96 + (y * 480 / h) % 64);
		}
}

static void put_le(FILE *f, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

static int write_packets(vpx_codec_ctx_t *codec, FILE *out, unsigned *count)
{
	const vpx_codec_cx_pkt_t *pkt;
	vpx_codec_iter_t iter = NULL;

	while ((pkt = vpx_codec_get_cx_data(codec, &iter)))
		if (pkt->kind == VPX_CODEC_CX_FRAME_PKT) {
			put_le(out, pkt->data.frame.sz, 4);
			put_le(out, (uint64_t)pkt->data.frame.pts, 8);
			if (fwrite(pkt->data.frame.buf, 1, pkt->data.frame.sz,
				   out) != pkt->data.frame.sz)
				return -1;
			(*count)++;
		}
	return 0;
}

static int fail(vpx_codec_ctx_t *codec, const char *what)
{
	fprintf(stderr, "vp9-resize: %s: %s (%s)\n", what,
		vpx_codec_error(codec), vpx_codec_error_detail(codec) ?
		vpx_codec_error_detail(codec) : "");
	return 1;
}

int main(int argc, char **argv)
{
	vpx_codec_ctx_t codec;
	vpx_codec_enc_cfg_t cfg;
	unsigned w, h, count = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: vp9-resize OUT.ivf\n");
		return 2;
	}
	if (vpx_codec_enc_config_default(vpx_codec_vp9_cx(), &cfg, 0))
		return 1;
	size_of(0, &w, &h);
	cfg.g_w = w;
	cfg.g_h = h;
	cfg.g_timebase.num = 1;
	cfg.g_timebase.den = FPS;
	cfg.g_threads = 1;
	cfg.g_pass = VPX_RC_ONE_PASS;
	cfg.g_lag_in_frames = 0;
	cfg.g_error_resilient = 0;
	cfg.rc_end_usage = VPX_CBR;
	cfg.rc_target_bitrate = 300;
	cfg.kf_mode = VPX_KF_DISABLED;	/* the first frame is the only key */
	if (vpx_codec_enc_init(&codec, vpx_codec_vp9_cx(), &cfg, 0))
		return fail(&codec, "init");
	if (vpx_codec_control(&codec, VP8E_SET_CPUUSED, 8))
		return fail(&codec, "speed");

	FILE *out = fopen(argv[1], "wb");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	/* IVF header; the size is the first frame's, as libvpx's tools do. */
	fwrite("DKIF", 1, 4, out);
	put_le(out, 0, 2);
	put_le(out, 32, 2);
	fwrite("VP90", 1, 4, out);
	put_le(out, w, 2);
	put_le(out, h, 2);
	put_le(out, FPS, 4);
	put_le(out, 1, 4);
	put_le(out, FRAMES, 4);
	put_le(out, 0, 4);

	for (unsigned n = 0; n < FRAMES; n++) {
		unsigned nw, nh;
		size_of(n, &nw, &nh);
		if (nw != cfg.g_w || nh != cfg.g_h) {
			cfg.g_w = nw;
			cfg.g_h = nh;
			if (vpx_codec_enc_config_set(&codec, &cfg))
				return fail(&codec, "new size");
		}
		vpx_image_t *img = vpx_img_alloc(NULL, VPX_IMG_FMT_I420, nw, nh,
						 16);
		if (!img)
			return 1;
		draw(img, n);
		if (vpx_codec_encode(&codec, img, n, 1, 0, VPX_DL_REALTIME))
			return fail(&codec, "encode");
		vpx_img_free(img);
		if (write_packets(&codec, out, &count) < 0)
			return 1;
	}
	if (vpx_codec_encode(&codec, NULL, -1, 1, 0, VPX_DL_REALTIME) ||
	    write_packets(&codec, out, &count) < 0)
		return fail(&codec, "flush");
	vpx_codec_destroy(&codec);
	/* The frame count in the header, now known. */
	if (fseek(out, 24, SEEK_SET) == 0)
		put_le(out, count, 4);
	if (fclose(out)) {
		perror(argv[1]);
		return 1;
	}
	return count == FRAMES ? 0 : 1;
}
