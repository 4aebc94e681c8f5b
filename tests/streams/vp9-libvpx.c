/* Writes the VP9 profile 0 IVF streams that FFmpeg's libvpx-vp9 wrapper
 * cannot make, through libvpx's API.
 *
 * usage: vp9-libvpx resize|intra-only|odd|grow OUT.ivf
 *
 * resize      inter frames change the frame size without a key frame,
 *             predicted from references of the old size (the decoder
 *             scales them): the wrapper never passes a new size on.
 * intra-only  a key frame mid-stream rewritten as a hidden intra-only frame
 *             refreshing the 8 slots, then shown by show_existing_frame
 *             (both in one superframe). libvpx makes intra-only frames only
 *             in SVC mode with two or more spatial layers (vp9_ratectrl.c,
 *             set_intra_only_frame), where every superframe holds two sizes.
 * odd         201x121: the wrapper's lavfi input is scaled to even sizes.
 * grow        a 160x120 key frame, then inter frames of 320x240 predicted
 *             from it: frames larger than every buffer the first key frame
 *             asked for.
 *
 * libvpx codes a size change without a key frame in one-pass mode with no
 * lag, when the new size is within the scaling limits of the old one and
 * no larger than the first frame's (vp9_cx_iface.c, encoder_set_config):
 * the grow stream is encoded from a 320x240 key frame that it then leaves
 * out. Every rewritten stream is checked here: libvpx's decoder must give
 * exactly the pictures of the stream as encoded. Frames are a synthetic
 * moving picture, computed at each size from the same coordinates. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vpx_encoder.h>

#define FPS 25

struct size_step {
	unsigned from, w, h;
};

/* What each mode encodes: frame sizes by frame index, the frames forced
 * to be key frames besides the first (bit N: frame N), how many encoded
 * frames are left out at the start, and a rewrite of the encoded frame
 * rewrite_at. */
struct mode {
	const char *name;
	unsigned frames;
	const struct size_step *sizes;
	size_t nsizes;
	uint32_t keys;
	unsigned skip;
	unsigned rewrite_at;
	int (*rewrite)(uint8_t **data, size_t *size);
};

struct packet {
	uint8_t *data;
	size_t size;
};

static const char *prog = "vp9-libvpx";

static int failf(const char *what, const char *detail)
{
	fprintf(stderr, "%s: %s%s%s\n", prog, what, detail ? ": " : "",
		detail ? detail : "");
	return 1;
}

static void size_of(const struct mode *m, unsigned n, unsigned *w, unsigned *h)
{
	*w = m->sizes[0].w;
	*h = m->sizes[0].h;
	for (size_t i = 1; i < m->nsizes; i++)
		if (n >= m->sizes[i].from) {
			*w = m->sizes[i].w;
			*h = m->sizes[i].h;
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

/* ---------------------------------------------------------------- bits */

/* MSB-first bit reader and writer (the spec's f(n)). */
struct bits {
	uint8_t *p;
	size_t len, pos; /* in bytes, in bits */
	int overrun;
};

static unsigned get(struct bits *b, unsigned n)
{
	unsigned v = 0;

	while (n--) {
		if (b->pos >= b->len * 8) {
			b->overrun = 1;
			return 0;
		}
		v = v << 1 | (b->p[b->pos / 8] >> (7 - b->pos % 8) & 1);
		b->pos++;
	}
	return v;
}

static void put(struct bits *b, unsigned v, unsigned n)
{
	while (n--) {
		if (b->pos >= b->len * 8) {
			b->overrun = 1;
			return;
		}
		uint8_t bit = 1u << (7 - b->pos % 8);
		if (v >> n & 1)
			b->p[b->pos / 8] |= bit;
		else
			b->p[b->pos / 8] &= (uint8_t)~bit;
		b->pos++;
	}
}

/* Reads the flag, then n bits and a sign when it is set (delta_q, loop
 * filter deltas: su(n) after a flag). */
static void skip_optional_signed(struct bits *b, unsigned n)
{
	if (get(b, 1))
		get(b, n + 1);
}

/* From refresh_frame_context to header_size_in_bytes (VP9 spec 6.2: the
 * part of an uncompressed header that a key frame and an intra-only
 * frame share), for a frame mi_cols 8x8 blocks wide. */
static void skip_header_tail(struct bits *b, int error_resilient,
			     unsigned mi_cols)
{
	static const unsigned feature_bits[4] = { 8, 6, 2, 0 };
	static const int feature_signed[4] = { 1, 1, 0, 0 };

	if (!error_resilient)
		get(b, 2);	/* refresh_frame_context, frame_parallel_decoding_mode */
	get(b, 2);		/* frame_context_idx */
	get(b, 6 + 3);		/* loop_filter_level, loop_filter_sharpness */
	if (get(b, 1) && get(b, 1))	/* delta enabled, delta update */
		for (int i = 0; i < 4 + 2; i++)
			skip_optional_signed(b, 6);
	get(b, 8);		/* base_q_idx */
	for (int i = 0; i < 3; i++)
		skip_optional_signed(b, 4);
	if (get(b, 1)) {	/* segmentation_enabled */
		if (get(b, 1)) {	/* update_map */
			for (int i = 0; i < 7; i++)
				if (get(b, 1))
					get(b, 8);
			if (get(b, 1))	/* temporal_update */
				for (int i = 0; i < 3; i++)
					if (get(b, 1))
						get(b, 8);
		}
		if (get(b, 1)) {	/* update_data */
			get(b, 1);
			for (int s = 0; s < 8; s++)
				for (int f = 0; f < 4; f++)
					if (get(b, 1))
						get(b, feature_bits[f] +
						       (unsigned)feature_signed[f]);
		}
	}
	/* tile_info: increment bits up to the widest tiling allowed. */
	unsigned sb_cols = (mi_cols + 7) >> 3, min_log2 = 0, max_log2 = 1;
	while ((64u << min_log2) < sb_cols)
		min_log2++;
	while ((sb_cols >> max_log2) >= 4)
		max_log2++;
	max_log2--;
	for (unsigned log2 = min_log2; log2 < max_log2 && get(b, 1); log2++)
		;
	if (get(b, 1))
		get(b, 1);
	get(b, 16);		/* header_size_in_bytes */
}

#define SYNC_CODE 0x498342

/* Rewrites a profile 0 key frame as a hidden intra-only frame (VP9 spec
 * 6.2): intra_only=1, reset_frame_context=3 (every probability context
 * back to the defaults, as a key frame does), refresh_frame_flags=0xff
 * (all 8 slots, as a key frame does), no color config (profile 0 implies
 * 8-bit 4:2:0), the same frame and render size; the rest of the
 * uncompressed header, the compressed header and the tiles unchanged:
 * with past independence set up alike (setup_past_independence), both
 * frame types read mode info as intra frames (intra_frame_mode_info), so
 * the same data decodes to the same picture. */
static int key_to_intra_only(const uint8_t *key, size_t size, uint8_t *out,
			     size_t *out_size)
{
	struct bits r = { (uint8_t *)key, size, 0, 0 };

	if (get(&r, 2) != 2 || get(&r, 2) != 0 || get(&r, 1) != 0 ||
	    get(&r, 1) != 0)
		return failf("intra-only", "not a profile 0 key frame");
	get(&r, 1);		/* show_frame */
	int error_resilient = (int)get(&r, 1);
	if (get(&r, 24) != SYNC_CODE)
		return failf("intra-only", "no sync code in the key frame");
	if (get(&r, 3) == 7)	/* color_space CS_RGB: not in profile 0 */
		return failf("intra-only", "RGB in profile 0");
	get(&r, 1);		/* color_range */
	unsigned w_minus_1 = get(&r, 16), h_minus_1 = get(&r, 16);
	unsigned render_different = get(&r, 1), render = 0;
	if (render_different)
		render = get(&r, 32);
	size_t tail = r.pos;
	skip_header_tail(&r, error_resilient, (w_minus_1 + 8) >> 3);
	size_t tail_end = r.pos, header_bytes = (r.pos + 7) / 8;
	if (r.overrun)
		return failf("intra-only", "key frame header cut short");

	struct bits w = { out, *out_size, 0, 0 };
	put(&w, 2, 2);		/* frame_marker */
	put(&w, 0, 2);		/* profile 0 */
	put(&w, 0, 1);		/* show_existing_frame */
	put(&w, 1, 1);		/* frame_type: NON_KEY_FRAME */
	put(&w, 0, 1);		/* show_frame */
	put(&w, (unsigned)error_resilient, 1);
	put(&w, 1, 1);		/* intra_only */
	if (!error_resilient)
		put(&w, 3, 2);	/* reset_frame_context: all */
	put(&w, SYNC_CODE, 24);
	put(&w, 0xff, 8);	/* refresh_frame_flags */
	put(&w, w_minus_1, 16);
	put(&w, h_minus_1, 16);
	put(&w, render_different, 1);
	if (render_different)
		put(&w, render, 32);
	for (r.pos = tail; r.pos < tail_end;)
		put(&w, get(&r, 1), 1);
	while (w.pos % 8)
		put(&w, 0, 1);	/* trailing_bits */
	size_t at = w.pos / 8;
	if (w.overrun || at + size - header_bytes > *out_size)
		return failf("intra-only", "rewritten frame too large");
	memcpy(out + at, key + header_bytes, size - header_bytes);
	*out_size = at + size - header_bytes;
	return 0;
}

/* The key frame as an intra-only frame and a show_existing_frame of its
 * slot 0, packed as a superframe with its index (VP9 spec annex B). */
static int rewrite_intra_only(uint8_t **data, size_t *size)
{
	if (*size && (((*data)[*size - 1] & 0xe0) == 0xc0))
		return failf("intra-only", "the key frame is a superframe");
	size_t cap = *size + 64, frame_size = cap;
	uint8_t *out = calloc(1, cap);
	if (!out)
		return failf("intra-only", "out of memory");
	if (key_to_intra_only(*data, *size, out, &frame_size)) {
		free(out);
		return 1;
	}
	/* frame_marker 2, profile 0, show_existing_frame 1, slot 0 */
	static const uint8_t show_slot0 = 0x88;
	size_t sizes[2] = { frame_size, 1 };
	unsigned mag = frame_size > 0xffff ? 3 : frame_size > 0xff ? 2 : 1;
	uint8_t marker = (uint8_t)(0xc0 | (mag - 1) << 3 | (2 - 1));
	size_t at = frame_size;
	out[at++] = show_slot0;
	out[at++] = marker;
	for (int i = 0; i < 2; i++)
		for (unsigned k = 0; k < mag; k++)
			out[at++] = (uint8_t)(sizes[i] >> (8 * k));
	out[at++] = marker;
	free(*data);
	*data = out;
	*size = at;
	return 0;
}

/* ------------------------------------------------------------- modes */

static const struct size_step resize_sizes[] = {
	{ 0, 320, 240 }, { 8, 240, 180 }, { 14, 160, 120 }, { 20, 320, 240 },
};
static const struct size_step small_sizes[] = { { 0, 160, 120 } };
static const struct size_step odd_sizes[] = { { 0, 201, 121 } };
/* Frame 0 (320x240, left out) sets the encoder's largest size; the key
 * frame forced at 1 is 160x120; from frame 7 on, 320x240 again, and a
 * key frame at 11 (where decoders that lost their references on the
 * growth resume). */
static const struct size_step grow_sizes[] = {
	{ 0, 320, 240 }, { 1, 160, 120 }, { 7, 320, 240 },
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct mode modes[] = {
	{ "resize", 30, resize_sizes, N(resize_sizes), 0, 0, 0, NULL },
	{ "intra-only", 12, small_sizes, N(small_sizes), 1u << 6, 0, 6,
	  rewrite_intra_only },
	{ "odd", 10, odd_sizes, N(odd_sizes), 0, 0, 0, NULL },
	{ "grow", 15, grow_sizes, N(grow_sizes), 1u << 1 | 1u << 11, 1, 0,
	  NULL },
};

/* ----------------------------------------------------------- encoding */

static int codec_fail(vpx_codec_ctx_t *codec, const char *what)
{
	return failf(what, vpx_codec_error_detail(codec) ?
		     vpx_codec_error_detail(codec) : vpx_codec_error(codec));
}

static int collect(vpx_codec_ctx_t *codec, struct packet *pkts, unsigned *n,
		   unsigned max)
{
	const vpx_codec_cx_pkt_t *pkt;
	vpx_codec_iter_t iter = NULL;

	while ((pkt = vpx_codec_get_cx_data(codec, &iter)))
		if (pkt->kind == VPX_CODEC_CX_FRAME_PKT) {
			if (*n == max)
				return failf("encode", "more packets than frames");
			struct packet *p = &pkts[(*n)++];
			p->size = pkt->data.frame.sz;
			p->data = malloc(p->size);
			if (!p->data)
				return failf("encode", "out of memory");
			memcpy(p->data, pkt->data.frame.buf, p->size);
		}
	return 0;
}

static int encode(const struct mode *m, struct packet *pkts)
{
	vpx_codec_ctx_t codec;
	vpx_codec_enc_cfg_t cfg;
	unsigned w, h, n = 0;

	if (vpx_codec_enc_config_default(vpx_codec_vp9_cx(), &cfg, 0))
		return failf("encoder", "no default configuration");
	size_of(m, 0, &w, &h);
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
	cfg.kf_mode = VPX_KF_DISABLED;	/* key frames: the first, keys */
	if (vpx_codec_enc_init(&codec, vpx_codec_vp9_cx(), &cfg, 0))
		return codec_fail(&codec, "init");
	if (vpx_codec_control(&codec, VP8E_SET_CPUUSED, 8))
		return codec_fail(&codec, "speed");
	/* No backward adaptation (libvpx's default, kept whatever it becomes):
	 * the frame after an intra-only frame adapts
	 * its coefficient probabilities by another factor than the frame
	 * after a key frame (LastFrameType in the spec's coefficient adaptation;
	 * vp9_adapt_coef_probs in libvpx), which would make the
	 * rewritten stream decode differently from there on. */
	if (m->rewrite && vpx_codec_control(&codec, VP9E_SET_FRAME_PARALLEL_DECODING, 1))
		return codec_fail(&codec, "frame parallel mode");
	/* What a profile 0 intra-only frame implies (it codes no colour
	 * config): the key frames say so too, else decoders see the colour
	 * space change at it (FFmpeg 7.1 then sets its filters up again,
	 * which frames on VA surfaces cannot pass). */
	if (m->rewrite && vpx_codec_control(&codec, VP9E_SET_COLOR_SPACE, VPX_CS_BT_601))
		return codec_fail(&codec, "colour space");

	for (unsigned i = 0; i < m->frames; i++) {
		unsigned nw, nh;
		size_of(m, i, &nw, &nh);
		if (nw != cfg.g_w || nh != cfg.g_h) {
			cfg.g_w = nw;
			cfg.g_h = nh;
			if (vpx_codec_enc_config_set(&codec, &cfg))
				return codec_fail(&codec, "new size");
		}
		vpx_image_t *img = vpx_img_alloc(NULL, VPX_IMG_FMT_I420, nw, nh, 16);
		if (!img)
			return failf("encode", "out of memory");
		draw(img, i);
		vpx_enc_frame_flags_t flags =
			m->keys >> i & 1 ? VPX_EFLAG_FORCE_KF : 0;
		if (vpx_codec_encode(&codec, img, i, 1, flags, VPX_DL_REALTIME))
			return codec_fail(&codec, "encode");
		vpx_img_free(img);
		if (collect(&codec, pkts, &n, m->frames))
			return 1;
	}
	if (vpx_codec_encode(&codec, NULL, -1, 1, 0, VPX_DL_REALTIME))
		return codec_fail(&codec, "flush");
	if (collect(&codec, pkts, &n, m->frames))
		return 1;
	vpx_codec_destroy(&codec);
	if (n != m->frames)
		return failf("encode", "a frame was dropped");
	return 0;
}

/* ------------------------------------------------------------ checking */

/* A decoded picture, its planes packed without padding. */
struct picture {
	unsigned w, h;
	size_t size;
	uint8_t *data;
};

static int pack(const vpx_image_t *img, struct picture *pic)
{
	pic->w = img->d_w;
	pic->h = img->d_h;
	size_t cw = (img->d_w + 1) / 2, ch = (img->d_h + 1) / 2;
	pic->size = (size_t)img->d_w * img->d_h + 2 * cw * ch;
	pic->data = malloc(pic->size);
	if (!pic->data)
		return -1;
	uint8_t *o = pic->data;
	for (int p = 0; p < 3; p++) {
		size_t w = p ? cw : img->d_w, h = p ? ch : img->d_h;
		for (size_t y = 0; y < h; y++, o += w)
			memcpy(o, img->planes[p] + y * (size_t)img->stride[p], w);
	}
	return 0;
}

/* Decodes packets with libvpx into pics (at most max); returns how many
 * pictures came out, -1 on a decoding error. */
static int decode(const struct packet *pkts, unsigned n, struct picture *pics,
		  unsigned max)
{
	vpx_codec_ctx_t codec;
	vpx_codec_dec_cfg_t cfg = { .threads = 1 };
	unsigned got = 0;

	if (vpx_codec_dec_init(&codec, vpx_codec_vp9_dx(), &cfg, 0))
		return codec_fail(&codec, "decoder init"), -1;
	for (unsigned i = 0; i < n; i++) {
		if (vpx_codec_decode(&codec, pkts[i].data, (unsigned)pkts[i].size,
				     NULL, 0)) {
			codec_fail(&codec, "decode");
			vpx_codec_destroy(&codec);
			return -1;
		}
		vpx_codec_iter_t iter = NULL;
		vpx_image_t *img;
		while ((img = vpx_codec_get_frame(&codec, &iter)))
			if (got == max || pack(img, &pics[got++])) {
				vpx_codec_destroy(&codec);
				return failf("decode", "too many pictures"), -1;
			}
	}
	vpx_codec_destroy(&codec);
	return (int)got;
}

/* libvpx's decoder gives the written stream (out, n packets) exactly the
 * pictures of the stream as encoded (from the first packet kept on). */
static int check(const struct mode *m, const struct packet *encoded,
		 const struct packet *out, unsigned n)
{
	struct picture want[64] = { 0 }, got[64] = { 0 };
	int nw = decode(encoded, m->frames, want, 64);
	int ng = decode(out, n, got, 64);
	int bad = 0;

	if (nw < 0)
		bad = failf("check", "libvpx cannot decode the stream as encoded");
	else if (ng < 0)
		bad = failf("check", "libvpx cannot decode the stream as written");
	else if ((unsigned)ng != n || (unsigned)nw != m->frames)
		bad = failf("check", "libvpx gives another number of pictures");
	for (int i = 0; !bad && i < ng; i++) {
		const struct picture *a = &want[i + (int)m->skip], *b = &got[i];
		if (a->w != b->w || a->h != b->h || a->size != b->size ||
		    memcmp(a->data, b->data, a->size)) {
			fprintf(stderr, "%s: check: picture %d differs from the "
				"stream as encoded (%ux%u, %ux%u)\n", prog, i,
				b->w, b->h, a->w, a->h);
			bad = 1;
		}
	}
	for (int i = 0; i < 64; i++) {
		free(want[i].data);
		free(got[i].data);
	}
	return bad;
}

/* ------------------------------------------------------------- output */

static void put_le(FILE *f, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

/* IVF with the first packet's size in its header, as libvpx's tools do. */
static int write_ivf(const char *path, const struct mode *m,
		     const struct packet *pkts, unsigned n)
{
	FILE *out = fopen(path, "wb");
	unsigned w, h;

	if (!out) {
		perror(path);
		return 1;
	}
	size_of(m, m->skip, &w, &h);
	fwrite("DKIF", 1, 4, out);
	put_le(out, 0, 2);
	put_le(out, 32, 2);
	fwrite("VP90", 1, 4, out);
	put_le(out, w, 2);
	put_le(out, h, 2);
	put_le(out, FPS, 4);
	put_le(out, 1, 4);
	put_le(out, n, 4);
	put_le(out, 0, 4);
	for (unsigned i = 0; i < n; i++) {
		put_le(out, pkts[i].size, 4);
		put_le(out, i, 8);
		fwrite(pkts[i].data, 1, pkts[i].size, out);
	}
	if (fclose(out)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mode *m = NULL;
	struct packet encoded[64] = { 0 }, out[64] = { 0 };

	for (size_t i = 0; argc == 3 && i < N(modes); i++)
		if (!strcmp(argv[1], modes[i].name))
			m = &modes[i];
	if (!m) {
		fprintf(stderr, "usage: %s resize|intra-only|odd|grow OUT.ivf\n",
			prog);
		return 2;
	}
	if (encode(m, encoded))
		return 1;
	unsigned n = m->frames - m->skip;
	for (unsigned i = 0; i < n; i++) {
		const struct packet *e = &encoded[i + m->skip];
		out[i].size = e->size;
		out[i].data = malloc(e->size);
		if (!out[i].data)
			return failf("output", "out of memory");
		memcpy(out[i].data, e->data, e->size);
	}
	if (m->rewrite && m->rewrite(&out[m->rewrite_at - m->skip].data,
				     &out[m->rewrite_at - m->skip].size))
		return 1;
	if (check(m, encoded, out, n))
		return 1;
	int st = write_ivf(argv[2], m, out, n);
	for (unsigned i = 0; i < m->frames; i++) {
		free(encoded[i].data);
		free(out[i].data);
	}
	return st;
}
