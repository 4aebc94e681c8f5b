/* Contexts in threads of one process (issue 13): one thread per codec
 * (MPEG-2, H.264, VP8, VP9), each decoding synthetic pictures that reference
 * the one before, first each alone, then all at once on one shared
 * VADisplay, then all at once each on a display of its own made in its
 * thread; every picture read back (vaGetImage, NV12) must equal the one
 * decoded alone (visl draws a context's pictures from that context's own
 * state). Then the image race of va-api on the shared display. Built with
 * ThreadSanitizer, or run under helgrind, by tests/guest/threads.test.
 *
 *   va-threads [--pictures N] [--image-rounds N] [DEVICE]
 *
 * One line per case; exit 0 when all pass, 77 when the driver decodes
 * none of these codecs, 1 otherwise. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_drm.h>

#include "report.h"
#include "va-common.h"

#define W 320
#define H 240
#define SURFACES 4
#define MAX_PICTURES 64

static const char *device = "/dev/dri/renderD128";

/* The driver's messages go nowhere: the threads' results say enough. */
static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
}

static VADisplay open_display(int *fd)
{
	int major, minor;
	VADisplay dpy;

	*fd = open(device, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return NULL;
	dpy = vaGetDisplayDRM(*fd);
	if (dpy) {
		vaSetInfoCallback(dpy, quiet, NULL);
		vaSetErrorCallback(dpy, quiet, NULL);
		if (vaInitialize(dpy, &major, &minor) == VA_STATUS_SUCCESS)
			return dpy;
		vaTerminate(dpy);
	}
	close(*fd);
	return NULL;
}

static void close_display(VADisplay dpy, int fd)
{
	vaTerminate(dpy);
	close(fd);
}

/* Creates the buffers, decodes them into target, destroys them. */
static VAStatus render(VADisplay dpy, VAContextID ctx, VASurfaceID target,
		       const VABufferType *types, void *const *data,
		       const unsigned *sizes, const unsigned *counts, int n)
{
	VABufferID bufs[8];
	VAStatus st = VA_STATUS_SUCCESS;
	int made = 0;

	for (; made < n; made++)
		if ((st = vaCreateBuffer(dpy, ctx, types[made], sizes[made],
					 counts[made], data[made], &bufs[made])))
			break;
	if (!st)
		st = vaBeginPicture(dpy, ctx, target);
	if (!st) {
		VAStatus r = vaRenderPicture(dpy, ctx, bufs, n);
		st = vaEndPicture(dpy, ctx);
		if (r)
			st = r;
	}
	for (int i = 0; i < made; i++)
		vaDestroyBuffer(dpy, bufs[i]);
	return st;
}

/* ------------------------------------------------------------------ */
/* Picture i of each codec into target(s, i): an intra picture first into
 * s[0], kept (VP8 and VP9 refer to it as golden), then pictures predicted
 * from the one before, in turn into the other surfaces.               */

static VASurfaceID target(const VASurfaceID *s, unsigned i)
{
	return i ? s[1 + (i - 1) % (SURFACES - 1)] : s[0];
}

static VASurfaceID previous(const VASurfaceID *s, unsigned i)
{
	return i ? target(s, i - 1) : VA_INVALID_SURFACE;
}

static VAStatus mpeg2_picture(VADisplay dpy, VAContextID ctx,
			      const VASurfaceID *s, unsigned i)
{
	return va_synth_mpeg2(dpy, ctx, target(s, i), i ? PIC_P : PIC_I,
			      previous(s, i), VA_INVALID_SURFACE, W, H, NULL);
}

/* H.264 slice headers, bit by bit (spec 7.3.3). */
struct bits {
	uint8_t *p;
	unsigned n;	/* bits written */
};

static void put_bits(struct bits *b, unsigned v, unsigned count)
{
	while (count--) {
		if (v >> count & 1)
			b->p[b->n / 8] |= (uint8_t)(0x80 >> b->n % 8);
		b->n++;
	}
}

static void put_ue(struct bits *b, unsigned v)
{
	unsigned len = 0;

	while ((v + 1) >> (len + 1))
		len++;
	put_bits(b, 0, len);
	put_bits(b, v + 1, len + 1);
}

/* Picture i: an IDR picture, then P pictures each predicted from the one
 * before; CAVLC, picture order count type 2 (no order syntax in the
 * header), frame_num i, one slice. */
static VAStatus h264_picture(VADisplay dpy, VAContextID ctx,
			     const VASurfaceID *s, unsigned i)
{
	VAPictureParameterBufferH264 pp;
	VAIQMatrixBufferH264 iq;
	VASliceParameterBufferH264 sp;
	uint8_t data[160];
	struct bits b = { .p = data };
	VAPictureH264 prev = {
		.picture_id = previous(s, i),
		.frame_idx = i - 1,
		.flags = VA_PICTURE_H264_SHORT_TERM_REFERENCE,
		.TopFieldOrderCnt = 2 * (int32_t)i - 2,
		.BottomFieldOrderCnt = 2 * (int32_t)i - 2,
	};
	const VAPictureH264 none = { .picture_id = VA_INVALID_SURFACE,
				     .flags = VA_PICTURE_H264_INVALID };

	memset(&pp, 0, sizeof(pp));
	pp.CurrPic = (VAPictureH264){ .picture_id = target(s, i),
				      .frame_idx = i,
				      .TopFieldOrderCnt = 2 * (int32_t)i,
				      .BottomFieldOrderCnt = 2 * (int32_t)i };
	for (int k = 0; k < 16; k++)
		pp.ReferenceFrames[k] = none;
	if (i)
		pp.ReferenceFrames[0] = prev;
	pp.picture_width_in_mbs_minus1 = W / 16 - 1;
	pp.picture_height_in_mbs_minus1 = H / 16 - 1;
	pp.num_ref_frames = 1;
	pp.seq_fields.bits.chroma_format_idc = 1;
	pp.seq_fields.bits.frame_mbs_only_flag = 1;
	pp.seq_fields.bits.direct_8x8_inference_flag = 1;
	pp.seq_fields.bits.log2_max_frame_num_minus4 = 4;
	pp.seq_fields.bits.pic_order_cnt_type = 2;
	pp.pic_fields.bits.reference_pic_flag = 1;
	pp.frame_num = (uint16_t)i;
	memset(&iq, 16, sizeof(iq));

	memset(data, 0, sizeof(data));
	put_bits(&b, i ? 0x41 : 0x65, 8);	/* nal_ref_idc 2 or 3, type 1 or 5 */
	put_ue(&b, 0);				/* first_mb_in_slice */
	put_ue(&b, i ? 5 : 7);			/* P or I, every slice */
	put_ue(&b, 0);				/* pic_parameter_set_id */
	put_bits(&b, i, 8);			/* frame_num */
	if (!i) {
		put_ue(&b, 0);			/* idr_pic_id */
		put_bits(&b, 0, 2);		/* no_output_of_prior_pics, long_term_reference */
	} else {
		put_bits(&b, 0, 2);		/* num_ref_idx_active_override, ref_pic_list_modification_l0 */
		put_bits(&b, 0, 1);		/* adaptive_ref_pic_marking_mode */
	}
	put_ue(&b, 0);				/* slice_qp_delta 0: se(v) 0 */
	unsigned header_bits = b.n;
	/* Macroblock data visl does not read; no 00 00 to escape. */
	while (b.n % 8)
		put_bits(&b, 1, 1);
	for (unsigned k = b.n / 8; k < sizeof(data); k++)
		data[k] = (uint8_t)(0x81 + 7 * k + i);

	memset(&sp, 0, sizeof(sp));
	sp.slice_data_size = sizeof(data);
	sp.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	sp.slice_data_bit_offset = (uint16_t)header_bits;
	sp.slice_type = i ? 0 : 2;
	sp.RefPicList0[0] = i ? prev : none;
	for (int k = 1; k < 32; k++)
		sp.RefPicList0[k] = none;
	for (int k = 0; k < 32; k++)
		sp.RefPicList1[k] = none;

	const VABufferType types[] = { VAPictureParameterBufferType,
				       VAIQMatrixBufferType,
				       VASliceParameterBufferType,
				       VASliceDataBufferType };
	void *const bufs[] = { &pp, &iq, &sp, data };
	const unsigned sizes[] = { sizeof(pp), sizeof(iq), sizeof(sp),
				   sizeof(data) };
	const unsigned counts[] = { 1, 1, 1, 1 };
	return render(dpy, ctx, target(s, i), types, bufs, sizes, counts, 4);
}

/* Picture i: a key frame, then inter frames predicted from the one before
 * (golden and altref: the key frame). The data holds the first partition
 * from its header bits on, then one DCT partition, as FFmpeg passes it. */
static VAStatus vp8_picture(VADisplay dpy, VAContextID ctx,
			    const VASurfaceID *s, unsigned i)
{
	VAPictureParameterBufferVP8 pp;
	VAIQMatrixBufferVP8 iq;
	VAProbabilityDataBufferVP8 prob;
	VASliceParameterBufferVP8 sp;
	uint8_t data[5 + 27 + 200];

	memset(&pp, 0, sizeof(pp));
	pp.frame_width = W;
	pp.frame_height = H;
	pp.last_ref_frame = previous(s, i);
	pp.golden_ref_frame = pp.alt_ref_frame = i ? s[0] : VA_INVALID_SURFACE;
	pp.out_of_loop_frame = VA_INVALID_SURFACE;
	pp.pic_fields.bits.key_frame = i ? 1 : 0;	/* 0: a key frame */
	pp.pic_fields.bits.mb_no_coeff_skip = 1;
	for (int k = 0; k < 4; k++)
		pp.loop_filter_level[k] = 20;
	pp.prob_skip_false = 128;
	pp.prob_intra = 64;
	pp.prob_last = 128;
	pp.prob_gf = 128;
	memset(pp.y_mode_probs, 128, sizeof(pp.y_mode_probs));
	memset(pp.uv_mode_probs, 128, sizeof(pp.uv_mode_probs));
	memset(pp.mv_probs, 128, sizeof(pp.mv_probs));
	pp.bool_coder_ctx.range = 255;
	for (int q = 0; q < 4; q++)
		for (int k = 0; k < 6; k++)
			iq.quantization_index[q][k] = 40;
	memset(&prob, 128, sizeof(prob));
	for (unsigned k = 0; k < sizeof(data); k++)
		data[k] = (uint8_t)(0x35 + 11 * k + i);
	memset(&sp, 0, sizeof(sp));
	sp.slice_data_size = sizeof(data);
	sp.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;
	sp.macroblock_offset = 40;
	sp.num_of_partitions = 2;
	sp.partition_size[0] = 27;
	sp.partition_size[1] = 200;

	const VABufferType types[] = { VAPictureParameterBufferType,
				       VAIQMatrixBufferType,
				       VAProbabilityBufferType,
				       VASliceParameterBufferType,
				       VASliceDataBufferType };
	void *const bufs[] = { &pp, &iq, &prob, &sp, data };
	const unsigned sizes[] = { sizeof(pp), sizeof(iq), sizeof(prob),
				   sizeof(sp), sizeof(data) };
	const unsigned counts[] = { 1, 1, 1, 1, 1 };
	return render(dpy, ctx, target(s, i), types, bufs, sizes, counts, 5);
}

/* Picture i: a key frame into every slot, then inter frames into slot 0
 * (LAST), predicted from it, golden and altref the key frame in slots 1
 * and 2. Profile 0, one tile, a compressed header of zero bytes (a
 * boolean decoder reads them as no update at all: every probability and
 * mode at its default), tile data visl does not read. */
static VAStatus vp9_picture(VADisplay dpy, VAContextID ctx,
			    const VASurfaceID *s, unsigned i)
{
	enum { COMPRESSED = 32, TILE = 200 };
	VADecPictureParameterBufferVP9 pp;
	VASliceParameterBufferVP9 sp;
	uint8_t data[32 + COMPRESSED + TILE];
	struct bits b = { .p = data };

	memset(data, 0, sizeof(data));
	put_bits(&b, 2, 2);		/* frame_marker */
	put_bits(&b, 0, 3);		/* profile 0, show_existing_frame 0 */
	put_bits(&b, i ? 1 : 0, 1);	/* frame_type: key or not */
	put_bits(&b, 1, 1);		/* show_frame */
	put_bits(&b, 0, 1);		/* error_resilient_mode */
	if (!i) {
		put_bits(&b, 0x498342, 24);	/* frame_sync_code */
		put_bits(&b, 1, 3);		/* color_space: BT.601 */
		put_bits(&b, 0, 1);		/* color_range */
		put_bits(&b, W - 1, 16);
		put_bits(&b, H - 1, 16);
		put_bits(&b, 0, 1);		/* render_and_frame_size_different */
	} else {
		put_bits(&b, 0, 2);		/* reset_frame_context */
		put_bits(&b, 0x01, 8);		/* refresh_frame_flags: LAST */
		for (unsigned r = 0; r < 3; r++)
			put_bits(&b, r << 1, 4);	/* ref_frame_idx r, sign bias 0 */
		put_bits(&b, 1, 1);		/* found_ref: LAST's size */
		put_bits(&b, 0, 1);		/* render_and_frame_size_different */
		put_bits(&b, 0, 1);		/* allow_high_precision_mv */
		put_bits(&b, 0, 1);		/* is_filter_switchable */
		put_bits(&b, 1, 2);		/* EIGHTTAP */
	}
	put_bits(&b, 0, 1);		/* refresh_frame_context */
	put_bits(&b, 1, 1);		/* frame_parallel_decoding_mode */
	put_bits(&b, 0, 2);		/* frame_context_idx */
	put_bits(&b, 10, 6);		/* filter_level */
	put_bits(&b, 0, 3);		/* sharpness */
	put_bits(&b, 0, 1);		/* mode_ref_delta_enabled */
	put_bits(&b, 60, 8);		/* base_q_idx */
	put_bits(&b, 0, 3);		/* no delta_q */
	put_bits(&b, 0, 1);		/* segmentation_enabled */
	/* 320 pixels: tile columns log2 0..0, nothing coded. */
	put_bits(&b, 0, 1);		/* tile_rows_log2 0 */
	put_bits(&b, COMPRESSED, 16);	/* header_size_in_bytes */
	unsigned header = (b.n + 7) / 8;
	for (unsigned k = header + COMPRESSED; k < sizeof(data); k++)
		data[k] = (uint8_t)(0x57 + 13 * k + i);

	memset(&pp, 0, sizeof(pp));
	pp.frame_width = W;
	pp.frame_height = H;
	pp.reference_frames[0] = i ? previous(s, i) : VA_INVALID_SURFACE;
	for (int k = 1; k < 8; k++)
		pp.reference_frames[k] = i ? s[0] : VA_INVALID_SURFACE;
	pp.pic_fields.bits.subsampling_x = 1;
	pp.pic_fields.bits.subsampling_y = 1;
	pp.pic_fields.bits.frame_type = i ? 1 : 0;
	pp.pic_fields.bits.show_frame = 1;
	pp.pic_fields.bits.frame_parallel_decoding_mode = 1;
	pp.pic_fields.bits.last_ref_frame = 0;
	pp.pic_fields.bits.golden_ref_frame = 1;
	pp.pic_fields.bits.alt_ref_frame = 2;
	pp.filter_level = 10;
	pp.frame_header_length_in_bytes = (uint8_t)header;
	pp.first_partition_size = COMPRESSED;
	memset(pp.mb_segment_tree_probs, 255, sizeof(pp.mb_segment_tree_probs));
	memset(pp.segment_pred_probs, 255, sizeof(pp.segment_pred_probs));
	pp.bit_depth = 8;
	memset(&sp, 0, sizeof(sp));
	sp.slice_data_size = (uint32_t)(header + COMPRESSED + TILE);
	sp.slice_data_flag = VA_SLICE_DATA_FLAG_ALL;

	const VABufferType types[] = { VAPictureParameterBufferType,
				       VASliceParameterBufferType,
				       VASliceDataBufferType };
	void *const bufs[] = { &pp, &sp, data };
	const unsigned sizes[] = { sizeof(pp), sizeof(sp), sp.slice_data_size };
	const unsigned counts[] = { 1, 1, 1 };
	return render(dpy, ctx, target(s, i), types, bufs, sizes, counts, 3);
}

struct codec {
	const char *name;
	VAProfile profile;
	VAStatus (*picture)(VADisplay dpy, VAContextID ctx,
			    const VASurfaceID *s, unsigned i);
};

static const struct codec codecs[] = {
	{ "mpeg2", VAProfileMPEG2Main, mpeg2_picture },
	{ "h264", VAProfileH264Main, h264_picture },
	{ "vp8", VAProfileVP8Version0_3, vp8_picture },
	{ "vp9", VAProfileVP9Profile0, vp9_picture },
};
#define N_CODECS (sizeof(codecs) / sizeof(codecs[0]))

/* ------------------------------------------------------------------ */
/* One thread's decode.                                                */

struct job {
	const struct codec *codec;
	VADisplay dpy;		/* NULL: its own, opened in the thread */
	unsigned pictures;
	uint32_t sums[MAX_PICTURES];
	bool ok;
	char why[160];
};

/* FNV-1a over the picture's NV12 bytes. */
static uint32_t checksum(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void decode_all(struct job *j, VADisplay dpy)
{
	VAConfigAttrib a = { .type = VAConfigAttribRTFormat,
			     .value = VA_RT_FORMAT_YUV420 };
	VAConfigID cfg = VA_INVALID_ID;
	VAContextID ctx = VA_INVALID_ID;
	VASurfaceID s[SURFACES] = { VA_INVALID_SURFACE };
	VAStatus st;

	if ((st = vaCreateConfig(dpy, j->codec->profile, VAEntrypointVLD, &a, 1,
				 &cfg)) ||
	    (st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, s, SURFACES,
				   NULL, 0)) ||
	    (st = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, s, SURFACES,
				  &ctx))) {
		snprintf(j->why, sizeof(j->why), "%s: setup: %s", j->codec->name,
			 vaErrorStr(st));
		goto out;
	}
	for (unsigned i = 0; i < j->pictures; i++) {
		uint8_t *nv12 = NULL;

		if (!(st = j->codec->picture(dpy, ctx, s, i)) &&
		    !(st = vaSyncSurface(dpy, target(s, i))) &&
		    !(nv12 = va_read_nv12(dpy, target(s, i), W, H)))
			st = VA_STATUS_ERROR_OPERATION_FAILED;
		if (st) {
			snprintf(j->why, sizeof(j->why), "%s: picture %u: %s",
				 j->codec->name, i, vaErrorStr(st));
			goto out;
		}
		j->sums[i] = checksum(nv12, (size_t)W * H * 3 / 2);
		free(nv12);
	}
	j->ok = true;
out:
	if (ctx != VA_INVALID_ID)
		vaDestroyContext(dpy, ctx);
	if (s[0] != VA_INVALID_SURFACE)
		vaDestroySurfaces(dpy, s, SURFACES);
	if (cfg != VA_INVALID_ID)
		vaDestroyConfig(dpy, cfg);
}

static void *job_run(void *arg)
{
	struct job *j = arg;
	int fd;

	if (j->dpy) {
		decode_all(j, j->dpy);
		return NULL;
	}
	VADisplay dpy = open_display(&fd);
	if (!dpy) {
		snprintf(j->why, sizeof(j->why), "%s: no display on %s",
			 j->codec->name, device);
		return NULL;
	}
	decode_all(j, dpy);
	close_display(dpy, fd);
	return NULL;
}

/* Every codec's job at once, each in a thread (shared: on dpy, else on a
 * display of its own); every picture as when decoded alone. */
static void run_together(const char *name, const struct job *alone,
			 unsigned n, VADisplay shared)
{
	struct job jobs[N_CODECS];
	pthread_t t[N_CODECS];
	char why[400] = "";
	bool ok = true;

	for (unsigned k = 0; k < n; k++) {
		memset(&jobs[k], 0, sizeof(jobs[k]));
		jobs[k].codec = alone[k].codec;
		jobs[k].dpy = shared;
		jobs[k].pictures = alone[k].pictures;
		pthread_create(&t[k], NULL, job_run, &jobs[k]);
	}
	for (unsigned k = 0; k < n; k++)
		pthread_join(t[k], NULL);
	for (unsigned k = 0; k < n; k++) {
		size_t used = strlen(why);
		if (!jobs[k].ok) {
			snprintf(why + used, sizeof(why) - used, "%s%s",
				 used ? "; " : "", jobs[k].why);
			ok = false;
			continue;
		}
		for (unsigned i = 0; i < jobs[k].pictures; i++)
			if (jobs[k].sums[i] != alone[k].sums[i]) {
				snprintf(why + used, sizeof(why) - used,
					 "%s%s: picture %u differs from its "
					 "decode alone", used ? "; " : "",
					 jobs[k].codec->name, i);
				ok = false;
				break;
			}
	}
	report(name, ok, "%s", why);
}

static bool offered(VADisplay dpy, VAProfile p)
{
	VAProfile profiles[64];
	int n = 0;

	if (vaMaxNumProfiles(dpy) > 64 ||
	    vaQueryConfigProfiles(dpy, profiles, &n))
		return false;
	for (int i = 0; i < n; i++)
		if (profiles[i] == p)
			return true;
	return false;
}

static unsigned number(const char *opt, const char *v, unsigned max)
{
	char *end;
	unsigned long n = v ? strtoul(v, &end, 10) : 0;

	if (!v || *end || n < 1 || n > max) {
		fprintf(stderr, "va-threads: %s takes 1..%u\n", opt, max);
		exit(2);
	}
	return (unsigned)n;
}

int main(int argc, char **argv)
{
	unsigned pictures = 12, rounds = 100;
	struct job alone[N_CODECS];
	unsigned n = 0;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pictures"))
			pictures = number(argv[i], argv[i + 1], MAX_PICTURES), i++;
		else if (!strcmp(argv[i], "--image-rounds"))
			rounds = number(argv[i], argv[i + 1], 100000), i++;
		else
			device = argv[i];
	}
	VADisplay dpy = open_display(&fd);
	if (!dpy) {
		fprintf(stderr, "cannot initialise VA on %s with the v4l2_request "
			"driver\n", device);
		return 77;
	}

	/* Each codec alone first: the pictures the threads must give. */
	for (unsigned k = 0; k < N_CODECS; k++) {
		char name[64];

		snprintf(name, sizeof(name), "alone-%s", codecs[k].name);
		if (!offered(dpy, codecs[k].profile)) {
			report_skip(name, "the driver does not offer it");
			continue;
		}
		memset(&alone[n], 0, sizeof(alone[n]));
		alone[n].codec = &codecs[k];
		alone[n].pictures = pictures;
		decode_all(&alone[n], dpy);
		/* visl draws each picture's timestamp: equal pictures would
		 * make the comparisons below meaningless. */
		for (unsigned i = 1; alone[n].ok && i < pictures; i++)
			if (alone[n].sums[i] == alone[n].sums[i - 1]) {
				alone[n].ok = false;
				snprintf(alone[n].why, sizeof(alone[n].why),
					 "pictures %u and %u are the same", i - 1, i);
			}
		report(name, alone[n].ok, "%s", alone[n].why);
		n += alone[n].ok;
	}
	if (!n) {
		close_display(dpy, fd);
		fprintf(stderr, "no codec decodes here\n");
		return report_failed ? 1 : 77;
	}
	run_together("threads-one-display", alone, n, dpy);
	run_together("threads-own-displays", alone, n, NULL);

	VAConfigAttrib a = { .type = VAConfigAttribRTFormat,
			     .value = VA_RT_FORMAT_YUV420 };
	VAConfigID cfg;
	if (offered(dpy, VAProfileMPEG2Main) &&
	    !vaCreateConfig(dpy, VAProfileMPEG2Main, VAEntrypointVLD, &a, 1, &cfg)) {
		va_image_race(dpy, cfg, rounds, "image-destroyed-while-got");
		vaDestroyConfig(dpy, cfg);
	}
	close_display(dpy, fd);
	return report_summary();
}
